/* sprx finder: the analyst's view follows the filters. The table of areas (render/html.py) shows the
 * counts and names of the schemes that match; a grid of categories by area gives counts and rates
 * per 100,000 residents; and what is shown downloads as CSV, the schemes with the export's own
 * columns (D.shownColumns, from the field table), spreadsheet-safe as Python writes them.
 *
 * Counts are of active schemes, as the shading's (finder.js shade, aggregate/counts.py).
 *
 * needs: MILE, button, distanceOf, el, ordered, people, t
 * gives: buildAnalyst, byName, csvCell, download, followTable, gridCounts, gridCsv, rate, renderGrid,
 *   shownSchemesCsv, toCsv
 */

// Once: the grid and the download buttons, in the table's section. `f.analyst` keeps their parts.
function buildAnalyst(f) {
  var section = document.getElementById("sprx-table");
  if (!section) return;
  var table = section.querySelector("table");
  var note = el("p", "sprx-table-filtered");
  note.hidden = true;
  note.setAttribute("role", "status");
  section.insertBefore(note, table);
  var tools = el("div", "sprx-list-tools sprx-downloads");
  tools.appendChild(button(t("Download the schemes shown (CSV)"), "sprx-download", function () {
    download("schemes-shown.csv", shownSchemesCsv(f));
  }));
  tools.appendChild(button(t("Download the category by area counts (CSV)"), "sprx-download", function () {
    download("category-by-area.csv", gridCsv(f));
  }));
  section.insertBefore(tools, table);
  var grid = el("details", "sprx-grid");
  grid.appendChild(el("summary", null, t("Schemes by category and area, per 100,000 residents")));
  var wrap = grid.appendChild(el("div", "sprx-grid-wrap"));
  wrap.setAttribute("tabindex", "0");  // (a wide table scrolls sideways: the keyboard can scroll it)
  wrap.setAttribute("role", "region");
  wrap.setAttribute("aria-label", t("Schemes by category and area, per 100,000 residents"));
  grid.appendChild(el("p", "sprx-hint", t("A scheme in several categories counts in each; rates where the area has a population.")));
  section.appendChild(grid);
  var rows = {};
  section.querySelectorAll("tr[data-a]").forEach(function (tr) { rows[tr.getAttribute("data-a")] = tr; });
  f.analyst = {note: note, grid: grid, wrap: wrap, rows: rows};
  grid.addEventListener("toggle", function () { if (grid.open) renderGrid(f); });
}

// After each change: the table's counts, its names and its note; the grid when it is open.
function followTable(f) {
  var an = f.analyst;
  if (!an) return;
  var D = f.D, A = D.areas, keep = new Uint8Array(f.n), filtered = f.matching.length !== f.n;
  f.matching.forEach(function (si) { keep[si] = 1; });
  A.code.forEach(function (_, a) {
    var tr = an.rows[a];
    if (!tr) return;
    var c = f.areaCount[a];
    tr.querySelector(".sprx-area-count").textContent = people(c);
    tr.classList.toggle("sprx-zero-row", c === 0);
    tr.querySelectorAll("li[data-si]").forEach(function (li) { li.hidden = !keep[Number(li.getAttribute("data-si"))]; });
  });
  an.note.hidden = !filtered;
  an.note.textContent = filtered ? t("Following the finder: {n} of {all} schemes match its filters and keywords.",
                                     {n: people(f.matching.length), all: people(f.n)}) : "";
  if (an.grid.open) renderGrid(f);
}

// Active schemes that match, per area and category (a scheme in each of its categories).
function gridCounts(f) {
  var D = f.D, SC = D.schemes, cats = D.categories.length;
  var out = D.areas.code.map(function () { return new Array(cats).fill(0); });
  f.matching.forEach(function (si) {
    if (SC.status[si] !== "active") return;
    var mine = SC.categories[si].length ? SC.categories[si] : [cats - 1];  // (uncategorised: the last)
    SC.areas[si].forEach(function (a) { mine.forEach(function (c) { out[a][c]++; }); });
  });
  return out;
}

function rate(n, population) {
  return population ? Math.round(n * 1e7 / population) / 100 : null;
}

function renderGrid(f) {
  var D = f.D, A = D.areas, counts = gridCounts(f);
  var used = D.categories.map(function (_, c) { return counts.some(function (row) { return row[c] > 0; }); });
  var table = el("table", "sprx-grid-table");
  table.appendChild(el("caption", "sprx-visually-hidden", t("Schemes by category and area, per 100,000 residents")));
  var head = table.appendChild(el("thead")).appendChild(el("tr"));
  head.appendChild(el("th", null, t("Area"))).setAttribute("scope", "col");
  D.categories.forEach(function (c, i) { if (used[i]) head.appendChild(el("th", null, c.label)).setAttribute("scope", "col"); });
  var body = table.appendChild(el("tbody"));
  byName(A).forEach(function (a) {
    var tr = body.appendChild(el("tr"));
    tr.appendChild(el("th", null, A.name[a])).setAttribute("scope", "row");
    counts[a].forEach(function (n, c) {
      if (!used[c]) return;
      var r = rate(n, A.population[a]);
      tr.appendChild(el("td", "sprx-num" + (n ? "" : " sprx-grid-zero"), people(n) + (r !== null && n ? " (" + r + ")" : "")));
    });
  });
  f.analyst.wrap.textContent = "";
  f.analyst.wrap.appendChild(table);
}

function byName(A) {
  return A.code.map(function (_, a) { return a; }).sort(function (x, y) {
    var p = A.name[x].toLowerCase(), q = A.name[y].toLowerCase();
    return p < q ? -1 : p > q ? 1 : 0;
  });
}

// --- CSV, as render/tables.py writes it -------------------------------------------------------------

// A cell: text a spreadsheet would run as a formula gets a leading apostrophe (numbers and phone
// numbers left alone), quoted where it holds a comma, a quote or a line break.
function csvCell(rules, value) {
  var text = value === null || value === undefined ? "" : String(value);
  if (text && rules.risky.indexOf(text.charAt(0)) >= 0 && !rules.number.test(text)) text = "'" + text;
  return /[",\n\r]/.test(text) ? '"' + text.replace(/"/g, '""') + '"' : text;
}

function toCsv(D, columns, rows) {
  var rules = {risky: D.rules.csvRisky, number: new RegExp(D.rules.csvNumber)};
  return [columns].concat(rows).map(function (r) {
    return r.map(function (v) { return csvCell(rules, v); }).join(",");
  }).join("\n") + "\n";
}

// The schemes that match, in the list's order, with the export's columns the page has.
function shownSchemesCsv(f) {
  var D = f.D, SC = D.schemes, A = D.areas, S = f.S;
  var text = function (column) { return function (si) { return S(SC[column][si]); }; };
  var values = {
    id: function (si) { return SC.id[si]; }, name: text("name"), provider: text("provider"),
    boroughs: function (si) { return SC.areas[si].map(function (a) { return A.name[a]; }).join(";"); },
    borough_codes: function (si) { return SC.areas[si].map(function (a) { return A.code[a]; }).join(";"); },
    categories: function (si) { return SC.categories[si].map(function (c) { return D.categories[c].key; }).join(";"); },
    cost: function (si) { return SC.cost[si] >= 0 ? D.keys.costs[SC.cost[si]] : ""; },
    website: text("website"), email: text("email"), phone: text("phone"),
    status: function (si) { return SC.status[si]; }, last_verified: function (si) { return SC.verified[si]; }
  };
  var columns = D.shownColumns.slice(), list = ordered(f);
  if (f.state.origin) columns.push("distance_miles");
  var rows = list.map(function (si) {
    return columns.map(function (c) {
      if (c !== "distance_miles") return values[c](si);
      var d = distanceOf(f, si);
      return d === null ? "" : (d / MILE).toFixed(1);
    });
  });
  return toCsv(D, columns, rows);
}

// The grid: an area a row, with its population, its active schemes that match and each category.
function gridCsv(f) {
  var D = f.D, A = D.areas, counts = gridCounts(f);
  var cats = D.categories.map(function (c) { return c.key || "uncategorised"; });
  var columns = ["code", "name", "population", "active_schemes", "per_100k"].concat(cats);
  var rows = byName(A).map(function (a) {
    var n = f.areaCount[a], r = rate(n, A.population[a]);
    return [A.code[a], A.name[a], A.population[a], n, r === null ? "" : r].concat(counts[a]);
  });
  return toCsv(D, columns, rows);
}

function download(name, text) {  // (a file the browser saves: made here, nothing asked of a server)
  var a = el("a");
  a.href = URL.createObjectURL(new Blob([text], {type: "text/csv;charset=utf-8"}));
  a.download = name;
  document.body.appendChild(a);
  a.click();
  setTimeout(function () { URL.revokeObjectURL(a.href); a.remove(); }, 0);
}
