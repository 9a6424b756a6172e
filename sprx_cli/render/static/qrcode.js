/* sprx page: a QR code of a link, for the print sheet (ISO/IEC 18004: byte mode, error correction
 * level M, versions 1 to 20, up to 666 bytes). Pure: no page, no data; tests compare its modules
 * with the segno library's for the same version and mask.
 *
 * qrMatrix(text[, mask]) -> {version, mask, size, dark(row, col)} or null when the text is too long.
 *
 * needs: (nothing)
 * gives: QR_BLOCKS, QR_EXP, QR_MASKS, QR_REMAINDER, qrAlignment, qrBch, qrCodewords, qrCorrection, qrFormat,
 *   qrMatrix, qrMul, qrPenalty, qrSvg, qrUtf8
 */

// Level M, per version: [error correction codewords per block, blocks in group 1, their data
// codewords, blocks in group 2 (one more data codeword each)]
var QR_BLOCKS = [null, [10, 1, 16, 0], [16, 1, 28, 0], [26, 1, 44, 0], [18, 2, 32, 0], [24, 2, 43, 0],
  [16, 4, 27, 0], [18, 4, 31, 0], [22, 2, 38, 2], [22, 3, 36, 2], [26, 4, 43, 1], [30, 1, 50, 4], [22, 6, 36, 2],
  [22, 8, 37, 1], [24, 4, 40, 5], [24, 5, 41, 5], [28, 7, 45, 3], [28, 10, 46, 1], [26, 9, 43, 4], [26, 3, 44, 11],
  [26, 3, 41, 13]];
var QR_REMAINDER = [0, 0, 7, 7, 7, 7, 7, 0, 0, 0, 0, 0, 0, 0, 3, 3, 3, 3, 3, 3, 3];  // bits after the codewords

var QR_EXP = new Uint8Array(512), QR_LOG = new Uint8Array(256);
(function () {  // GF(256) with the polynomial x^8 + x^4 + x^3 + x^2 + 1
  for (var i = 0, x = 1; i < 255; i++) {
    QR_EXP[i] = x;
    QR_LOG[x] = i;
    x <<= 1;
    if (x & 256) x ^= 0x11d;
  }
  for (var j = 255; j < 512; j++) QR_EXP[j] = QR_EXP[j - 255];
})();

function qrMul(a, b) { return a && b ? QR_EXP[QR_LOG[a] + QR_LOG[b]] : 0; }

// The Reed-Solomon error correction codewords of `data`.
function qrCorrection(data, n) {
  var gen = [1];
  for (var i = 0; i < n; i++) {  // (x - a^0)(x - a^1)...(x - a^(n-1))
    var next = new Array(gen.length + 1).fill(0);
    for (var j = 0; j < gen.length; j++) {
      next[j] ^= gen[j];
      next[j + 1] ^= qrMul(gen[j], QR_EXP[i]);
    }
    gen = next;
  }
  var rest = data.concat(new Array(n).fill(0));
  for (var k = 0; k < data.length; k++) {
    var c = rest[k];
    if (c) for (var m = 1; m < gen.length; m++) rest[k + m] ^= qrMul(gen[m], c);
  }
  return rest.slice(data.length);
}

function qrUtf8(text) {
  var out = [], bytes = unescape(encodeURIComponent(text));
  for (var i = 0; i < bytes.length; i++) out.push(bytes.charCodeAt(i));
  return out;
}

// The codewords of `bytes` at `version`, data and correction interleaved.
function qrCodewords(bytes, version) {
  var spec = QR_BLOCKS[version], capacity = spec[1] * spec[2] + spec[3] * (spec[2] + 1), bits = [];
  var put = function (value, length) { for (var i = length - 1; i >= 0; i--) bits.push((value >>> i) & 1); };
  put(4, 4);  // byte mode
  put(bytes.length, version < 10 ? 8 : 16);
  bytes.forEach(function (x) { put(x, 8); });
  put(0, Math.min(4, capacity * 8 - bits.length));
  while (bits.length % 8) bits.push(0);
  var data = [];
  for (var i = 0; i < bits.length; i += 8) data.push(parseInt(bits.slice(i, i + 8).join(""), 2));
  for (var pad = 0; data.length < capacity; pad++) data.push(pad % 2 ? 0x11 : 0xec);
  var blocks = [], at = 0;
  for (var k = 0; k < spec[1] + spec[3]; k++) {
    var size = spec[2] + (k < spec[1] ? 0 : 1);
    blocks.push(data.slice(at, at + size));
    at += size;
  }
  var out = [];
  for (var c = 0; c <= spec[2]; c++) blocks.forEach(function (x) { if (c < x.length) out.push(x[c]); });
  var ecc = blocks.map(function (x) { return qrCorrection(x, spec[0]); });
  for (var e = 0; e < spec[0]; e++) ecc.forEach(function (x) { out.push(x[e]); });
  return out;
}

// The centres of the alignment patterns in each direction (none in version 1).
function qrAlignment(version) {
  if (version === 1) return [];
  var size = 17 + 4 * version, n = Math.floor(version / 7) + 2;
  var step = Math.ceil((size - 13) / (n - 1) / 2) * 2, out = [6];
  for (var p = size - 7; out.length < n; p -= step) out.splice(1, 0, p);
  return out;
}

// A BCH code: `value` (of `length` bits' worth) followed by its remainder under `poly`.
function qrBch(value, poly, shift) {
  var v = value << shift, top = 0;
  while (poly >> top) top++;
  for (var i = 31; i >= top - 1; i--) if ((v >> i) & 1) v ^= poly << (i - top + 1);
  return (value << shift) | v;
}

var QR_MASKS = [
  function (r, c) { return (r + c) % 2 === 0; }, function (r) { return r % 2 === 0; },
  function (r, c) { return c % 3 === 0; }, function (r, c) { return (r + c) % 3 === 0; },
  function (r, c) { return (Math.floor(r / 2) + Math.floor(c / 3)) % 2 === 0; },
  function (r, c) { return (r * c) % 2 + (r * c) % 3 === 0; },
  function (r, c) { return ((r * c) % 2 + (r * c) % 3) % 2 === 0; },
  function (r, c) { return ((r + c) % 2 + (r * c) % 3) % 2 === 0; }];

function qrMatrix(text, chosenMask) {
  var bytes = qrUtf8(text), version = 0;
  for (var v = 1; v < QR_BLOCKS.length && !version; v++) {
    var spec = QR_BLOCKS[v];
    if (bytes.length + (v < 10 ? 2 : 3) <= spec[1] * spec[2] + spec[3] * (spec[2] + 1)) version = v;
  }
  if (!version) return null;
  var size = 17 + 4 * version, grid = [], fixed = [];
  for (var r = 0; r < size; r++) { grid.push(new Uint8Array(size)); fixed.push(new Uint8Array(size)); }
  var set = function (row, col, dark) { grid[row][col] = dark ? 1 : 0; fixed[row][col] = 1; };
  [[0, 0], [0, size - 7], [size - 7, 0]].forEach(function (at) {  // finders and their separators
    for (var y = -1; y <= 7; y++) for (var x = -1; x <= 7; x++) {
      var row = at[0] + y, col = at[1] + x;
      if (row < 0 || col < 0 || row >= size || col >= size) continue;
      var ring = Math.max(Math.abs(y - 3), Math.abs(x - 3));
      set(row, col, ring !== 2 && ring !== 4);
    }
  });
  var centres = qrAlignment(version);
  centres.forEach(function (cy) {
    centres.forEach(function (cx) {
      if (fixed[cy][cx]) return;  // (under a finder)
      for (var y = -2; y <= 2; y++) for (var x = -2; x <= 2; x++) set(cy + y, cx + x, Math.max(Math.abs(y), Math.abs(x)) !== 1);
    });
  });
  for (var t = 8; t < size - 8; t++) { set(6, t, t % 2 === 0); set(t, 6, t % 2 === 0); }  // timing
  set(size - 8, 8, true);  // the dark module
  for (var f = 0; f < 9; f++) {  // (format information, written after the mask is chosen)
    if (!fixed[8][f]) set(8, f, false);
    if (!fixed[f][8]) set(f, 8, false);
  }
  for (var g = 0; g < 8; g++) set(8, size - 1 - g, false);
  for (var h = 0; h < 7; h++) set(size - 1 - h, 8, false);  // (above them, the dark module)
  var versionBits = version >= 7 ? qrBch(version, 0x1f25, 12) : 0;
  if (version >= 7) {
    for (var k = 0; k < 18; k++) {
      var bit = (versionBits >> k) & 1, a = Math.floor(k / 3), c = size - 11 + k % 3;
      set(a, c, bit);
      set(c, a, bit);
    }
  }
  var words = qrCodewords(bytes, version), bits = [];
  words.forEach(function (w) { for (var i = 7; i >= 0; i--) bits.push((w >> i) & 1); });
  for (var rem = 0; rem < QR_REMAINDER[version]; rem++) bits.push(0);
  var next = 0;
  for (var right = size - 1; right >= 1; right -= 2) {  // two columns at a time, up then down
    if (right === 6) right = 5;
    var upward = ((size - 1 - right) >> 1) % 2 === 0;
    for (var step = 0; step < size; step++) {
      var row2 = upward ? size - 1 - step : step;
      for (var d = 0; d < 2; d++) {
        var col2 = right - d;
        if (!fixed[row2][col2]) grid[row2][col2] = next < bits.length ? bits[next++] : 0;
      }
    }
  }
  var best = null;
  for (var m = 0; m < 8; m++) {
    if (chosenMask !== undefined && m !== chosenMask) continue;
    var masked = grid.map(function (row, y) {
      return row.map(function (x, c3) { return !fixed[y][c3] && QR_MASKS[m](y, c3) ? x ^ 1 : x; });
    });
    qrFormat(masked, size, m);
    var score = chosenMask !== undefined ? 0 : qrPenalty(masked, size);
    if (!best || score < best.score) best = {score: score, mask: m, grid: masked};
  }
  return {version: version, mask: best.mask, size: size,
          dark: function (row, col) { return best.grid[row][col] === 1; }};
}

// The format information (level M, the mask) in both of its places.
function qrFormat(grid, size, mask) {
  var bits = qrBch(mask, 0x537, 10) ^ 0x5412;  // (level M is 00)
  var bit = function (i) { return (bits >> i) & 1; };
  for (var i = 0; i < 6; i++) grid[i][8] = bit(i);  // beside the top left finder, the timing skipped
  grid[7][8] = bit(6);
  grid[8][8] = bit(7);
  grid[8][7] = bit(8);
  for (var j = 9; j < 15; j++) grid[8][14 - j] = bit(j);
  for (var k = 0; k < 8; k++) grid[8][size - 1 - k] = bit(k);  // and split between the other two
  for (var m = 8; m < 15; m++) grid[size - 15 + m][8] = bit(m);
}

// How hard a masked symbol is to read (the standard's four rules): the mask with least is used.
function qrPenalty(grid, size) {
  var score = 0, dark = 0, at = function (r, c, rows) { return rows ? grid[r][c] : grid[c][r]; };
  for (var pass = 0; pass < 2; pass++) {
    for (var r = 0; r < size; r++) {
      var run = 1, pattern = 0;
      for (var c = 0; c < size; c++) {
        var x = at(r, c, pass === 0);
        if (c > 0 && x === at(r, c - 1, pass === 0)) {
          run++;
          if (run === 5) score += 3; else if (run > 5) score++;
        } else run = 1;
        pattern = ((pattern << 1) | x) & 0x7ff;
        if (c >= 10 && (pattern === 0x5d0 || pattern === 0x05d)) score += 40;  // 1:1:3:1:1 beside 4 light
      }
    }
  }
  for (var y = 0; y < size; y++) {
    for (var z = 0; z < size; z++) {
      dark += grid[y][z];
      if (y && z && grid[y][z] === grid[y - 1][z] && grid[y][z] === grid[y][z - 1] && grid[y][z] === grid[y - 1][z - 1]) score += 3;
    }
  }
  return score + Math.floor(Math.abs(dark * 20 - size * size * 10) / (size * size)) * 10;
}

// The symbol as an SVG image (a path of the dark modules in a four-module quiet zone), named `label`.
function qrSvg(text, label) {
  var q = qrMatrix(text);
  if (!q) return null;
  var NS = "http://www.w3.org/2000/svg", svg = document.createElementNS(NS, "svg"), d = [], n = q.size + 8;
  for (var r = 0; r < q.size; r++) for (var c = 0; c < q.size; c++) if (q.dark(r, c)) d.push("M" + (c + 4) + " " + (r + 4) + "h1v1h-1z");
  svg.setAttribute("viewBox", "0 0 " + n + " " + n);
  svg.setAttribute("role", "img");
  svg.setAttribute("aria-label", label);
  svg.setAttribute("class", "sprx-qr");
  var bg = document.createElementNS(NS, "rect");
  bg.setAttribute("width", String(n));
  bg.setAttribute("height", String(n));
  bg.setAttribute("fill", "#fff");
  svg.appendChild(bg);
  var path = document.createElementNS(NS, "path");
  path.setAttribute("d", d.join(""));
  path.setAttribute("fill", "#000");
  svg.appendChild(path);
  return svg;
}
