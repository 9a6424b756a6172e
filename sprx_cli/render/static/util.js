/* sprx page: what every module of the page's script shares.
 *
 * The modules (render/assets.py, SCRIPTS) are joined in a fixed order into one script inside one
 * function, so they share these names and put nothing on `window` but what they mean to.
 *
 * Registry text is only ever put into the page with textContent (never innerHTML), and links are
 * made only from http(s), mailto and tel addresses, so nothing in the registry can run. The one
 * Leaflet API that takes HTML (layer-control labels, the attribution) gets escaped text.
 */

// Timings for the benchmark (performance.now() milliseconds since navigation started).
var timings = window.sprxTimings = {};
var COLOUR = /^#[0-9a-fA-F]{6}$/;

// An element; `text` a text (put in with textContent) or a node (registry text marked by `said`).
function el(tag, cls, text) {
  var e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text instanceof Node) e.appendChild(text);
  else if (text !== undefined && text !== null) e.textContent = String(text);
  return e;
}

// Registry text as the page shows it: a text node, or, where the page's language has no
// translation of it (D.schemes.english, D.translated), the English in a span marked lang="en".
function said(D, si, field, text) {
  if (text === null || text === undefined || text === "") return null;
  var bit = D.translated.indexOf(field);
  return bit >= 0 && (D.schemes.english[si] & (1 << bit)) ? inEnglish(text) : document.createTextNode(text);
}

function inEnglish(text) {
  var span = el("span", null, text);
  span.setAttribute("lang", "en");
  return span;
}

// A vocabulary label (D.categories, D.routes, ...: `list`) as the page shows it: marked lang="en"
// where the vocabulary has none in the page's language (D.englishLabels).
function labelIn(D, list, i) {
  var text = list === "categories" ? D.categories[i].label : D[list][i];
  return D.englishLabels[list] && D.englishLabels[list].indexOf(i) >= 0 ? inEnglish(text) : document.createTextNode(text);
}

function labelList(D, list, indices, between) {
  return joined(indices.map(function (i) { return labelIn(D, list, i); }), between || "; ");
}

// A place's name as the page shows it (D.points.english: the English for want of a translation).
function placeName(D, p, text) {
  return !text ? null : D.points.english[p] ? inEnglish(text) : document.createTextNode(text);
}

// Texts and nodes joined by `between` in one span; null when all are empty.
function joined(parts, between) {
  var out = el("span");
  parts.forEach(function (part) {
    if (part === null || part === undefined || part === "") return;
    if (out.childNodes.length) out.appendChild(document.createTextNode(between));
    out.appendChild(typeof part === "string" ? document.createTextNode(part) : part);
  });
  return out.childNodes.length ? out : null;
}

// The text of what `joined` or `said` made (for an email), or the text itself.
function plainText(value) {
  return value instanceof Node ? value.textContent : value;
}

// An element with an id (and attributes), added to `parent`.
function part(parent, tag, cls, id, attrs) {
  var e = el(tag, cls);
  e.id = id;
  Object.keys(attrs || {}).forEach(function (k) { e.setAttribute(k, attrs[k]); });
  parent.appendChild(e);
  return e;
}

// A text or number field and its visible label.
function field(labelText, id, type) {
  var label = el("label", null, labelText);
  label.setAttribute("for", id);
  var input = el("input");
  input.id = id;
  input.type = type;
  return [label, input];
}

function escapeHtml(text) {
  var d = document.createElement("div");
  d.textContent = String(text);
  return d.innerHTML;
}

function httpUrl(u) {
  try {
    var url = new URL(u);
    return (url.protocol === "http:" || url.protocol === "https:") ? url.href : null;
  } catch (e) {
    return null;
  }
}

// An email address as sprx's own rule accepts it: the pattern travels in the page's data (D.rules).
function emailRule(D) {
  var pattern = new RegExp(D.rules.email);
  return function (text) { return typeof text === "string" && pattern.test(text); };
}

function link(href, text) {
  var a = el("a", null, text);
  a.setAttribute("href", href);
  a.setAttribute("rel", "noopener noreferrer");
  a.setAttribute("target", "_blank");
  return a;
}

// A button whose click replaces the popup content: the button leaves the page before the
// click reaches the map, so Leaflet can no longer see it came from inside the popup and would
// close it. Stop the click here.
function button(text, cls, onClick) {
  var b = el("button", cls || "sprx-linkbutton", text);
  b.type = "button";
  b.addEventListener("click", function (ev) {
    L.DomEvent.stopPropagation(ev);
    onClick();
  });
  return b;
}

// The page's words. English is the source: a message is written once, in English, where it is used
// (t("..."), tn("...", "...", n)); the page's data carries the catalogue's translations of them for
// the page's language (D.words, from core/messages.py; none for English). useWords reads them.
var WORDS = {language: "en", words: {}, messages: {}, calendar: null, plural: null, number: null};

function useWords(D) {
  WORDS.language = D.language;
  WORDS.words = D.words;
  WORDS.messages = D.messages;
  WORDS.calendar = D.calendar;
  WORDS.plural = new Intl.PluralRules(D.language);
  WORDS.number = new Intl.NumberFormat(D.language);
}

// A date in full, in the page's language ('1 December 2026', '1 Rhagfyr 2026'): the month names and
// the order from Python (Babel's CLDR data, D.calendar), which browsers lack for many languages.
function longDate(when) {
  var c = WORDS.calendar;
  return fill(c.pattern, {day: String(when.getDate()), month: c.months[when.getMonth()], year: String(when.getFullYear())});
}

// A distance for people: '1.5 km away', '12 km away'.
function kmAway(d) {
  return t("{km} km away", {km: d < 10 ? d.toFixed(1) : String(Math.round(d))});
}


// `values` ({name: text or number}) put into the message's {name}s, in one pass (so a value's own
// braces are never read as a name); numbers written for people.
function fill(text, values) {
  if (!values) return text;
  return text.replace(/\{(\w+)\}/g, function (m, k) {
    if (!(k in values)) return m;
    return typeof values[k] === "number" ? people(values[k]) : String(values[k]);
  });
}

// A message whose {name}s are nodes (or texts), as a fragment: registry text keeps its marking.
function tNodes(message, values) {
  var text = t(message), out = document.createDocumentFragment(), re = /\{(\w+)\}/g, at = 0, m;
  while ((m = re.exec(text)) !== null) {
    out.appendChild(document.createTextNode(text.slice(at, m.index)));
    var v = values[m[1]];
    if (v !== null && v !== undefined) out.appendChild(typeof v === "string" ? document.createTextNode(v) : v);
    at = re.lastIndex;
  }
  out.appendChild(document.createTextNode(text.slice(at)));
  return out;
}

// A message in the page's language.
function t(message, values) {
  var s = WORDS.words[message];
  return fill(typeof s === "string" ? s : message, values);
}

// A message in the form for n things ({n} in it: n written for people), by the language's plural rule.
function tn(one, other, n, values) {
  var forms = WORDS.words[one], category = (WORDS.plural || new Intl.PluralRules("en")).select(n);
  var text = forms && typeof forms === "object" ? (forms[category] || forms.other) : (category === "one" ? one : other);
  var all = {n: n};
  Object.keys(values || {}).forEach(function (k) { all[k] = values[k]; });
  return fill(text, all);
}

// A message Python writes too, by its name (D.messages: its forms by CLDR plural category, from
// the catalogue: aggregate/counts.py TALLY), in the form for n things.
function say(D, name, n, numbers) {
  var forms = D.messages[name];
  var all = {n: n};
  Object.keys(numbers || {}).forEach(function (k) { all[k] = numbers[k]; });
  return fill(forms[new Intl.PluralRules(D.language).select(n)] || forms.other, all);
}

// Counts for people: 5,000 rather than 5000, in the page's language (Python's Messages.number).
function people(n) {
  return WORDS.number ? WORDS.number.format(n) : String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ",");
}

function km(lat1, lon1, lat2, lon2) {
  var r = Math.PI / 180, a = Math.sin((lat2 - lat1) * r / 2), b = Math.sin((lon2 - lon1) * r / 2);
  var h = a * a + Math.cos(lat1 * r) * Math.cos(lat2 * r) * b * b;
  return 2 * 6371.0088 * Math.asin(Math.sqrt(h));
}

// Is the point inside a GeoJSON (Multi)Polygon? Ray casting, holes included.
function inRing(x, y, ring) {
  var inside = false;
  for (var i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    var xi = ring[i][0], yi = ring[i][1], xj = ring[j][0], yj = ring[j][1];
    if ((yi > y) !== (yj > y) && x < (xj - xi) * (y - yi) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

function inGeometry(lon, lat, g) {
  var polys = g.type === "Polygon" ? [g.coordinates] : g.type === "MultiPolygon" ? g.coordinates : [];
  return polys.some(function (rings) {
    return inRing(lon, lat, rings[0]) && !rings.slice(1).some(function (h) { return inRing(lon, lat, h); });
  });
}

// Once the browser has painted what is on the page (a timer too: a hidden tab gets no frames).
function afterPaint(then) {
  var done = false;
  function once() { if (!done) { done = true; then(); } }
  requestAnimationFrame(function () { setTimeout(once, 0); });
  setTimeout(once, 100);
}

// The areas and their legend come first, in a small block of their own: a national registry's
// schemes take seconds to inflate and parse, and the map need not be blank meanwhile.
function loadAreas() {
  return JSON.parse(document.getElementById("sprx-areas").textContent);
}

// The rest. Large registries ship it gzip-compressed (base64); the browser inflates it.
function loadData() {
  var node = document.getElementById("sprx-data");
  if (node.getAttribute("data-encoding") !== "gzip+base64") {
    return Promise.resolve(JSON.parse(node.textContent));
  }
  var raw = atob(node.textContent);
  var bytes = new Uint8Array(raw.length);
  for (var i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i);
  var stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
  return new Response(stream).text().then(JSON.parse);
}
