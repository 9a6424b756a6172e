/* sprx page: its words, in the page's language (issue #27). English is the source: a message is
 * written once, in English, where it is used (t, tn, tNodes), and the page's data carries the
 * catalogue's translations (D.words; core/messages.py). Registry text is shown in the page's language
 * where the registry gives it, else in English, marked lang="en" (D.schemes.english, D.translated).
 *
 * needs: el
 * gives: WORDS, checkedWords, fill, inEnglish, isoDate, joined, labelIn, labelList, longDate, milesAway,
 *   people, placeName, plainText, said, say, t, tNodes, tn, useWords, withinMiles
 */

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

// A YYYY-MM-DD date as a Date at local midnight (new Date("2026-07-26") would be UTC's).
function isoDate(text) {
  var p = String(text).split("-").map(Number);
  return new Date(p[0], p[1] - 1, p[2]);
}

// When an entry was last checked, in words: 'Checked 26 July 2026', 'Never checked'.
function checkedWords(iso) {
  return iso ? t("Checked {date}", {date: longDate(isoDate(iso))}) : t("Never checked");
}

// A distance in km for people, in miles as British people and signs give them: '0.4 miles away',
// '12 miles away'.
function milesAway(d) {
  var miles = d / 1.609344;
  return t("{miles} miles away", {miles: miles < 10 ? miles.toFixed(1) : String(Math.round(miles))});
}

// A radius's words: 'Within 2 miles'.
function withinMiles(miles) {
  return t("Within {miles} miles", {miles: miles});
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
