/* sprx page: keywords, as core/keywords.py declares them. Every word typed (cut to its English stem
 * on an English page) must start a word of a scheme's texts (D.search names them: its own, its
 * categories' and groups' labels and synonyms, its areas' names, its places' names), in any order,
 * case and accents folded. The finder and the map's search box use it.
 *
 * The schemes' folded texts are made once, when first asked for (a few hundred milliseconds for
 * 100,000 schemes), then each keystroke is one search of a string per scheme.
 *
 * needs: (nothing)
 * gives: DOUBLED, foldText, keywordMatcher, keywordWords, stem
 */

function foldText(text) {
  return String(text).normalize("NFD").replace(/\p{M}/gu, "").toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, " ").trim();
}

function keywordWords(query) {
  var folded = foldText(query || "");
  return folded ? folded.split(" ") : [];
}

// A folded English word cut to a stem its other forms start with: core/keywords.py `stem`, rule for rule.
var DOUBLED = /(bb|dd|gg|mm|nn|pp|rr|tt)$/;
function stem(word) {
  if (word.length < 4 || /\d/.test(word)) return word;
  var rules = [["ings", true], ["ing", true], ["ies", false], ["ied", false], ["ed", true]];
  for (var i = 0; i < rules.length; i++) {
    var suffix = rules[i][0];
    if (word.slice(-suffix.length) === suffix && word.length - suffix.length >= 3) {
      var cut = word.slice(0, -suffix.length);
      return rules[i][1] && DOUBLED.test(cut) && cut.length > 3 ? cut.slice(0, -1) : cut;
    }
  }
  if (/(s|x|z|ch|sh)es$/.test(word) && word.length >= 5) return word.slice(0, -2);
  if (/s$/.test(word) && !/(ss|us|is)$/.test(word)) return word.slice(0, -1);
  return word;
}

// A matcher over the page's schemes: match(words) -> Uint8Array (1: every word found), or null for no words.
function keywordMatcher(D, S) {
  var texts = null, labelTexts = null, SC = D.schemes, P = D.points, n = SC.id.length;
  var LABELS = {categories: D.search.texts.categories, groups: D.search.texts.groups, areas: D.areas.name};

  function build() {
    var own = [];
    for (var si = 0; si < n; si++) own.push([]);
    D.search.schemes.forEach(function (name) {
      var column = SC[name];
      for (var si = 0; si < n; si++) if (column[si] >= 0 || typeof column[si] === "string") own[si].push(S(column[si]));
    });
    D.search.points.forEach(function (name) {
      var column = P[name];
      for (var k = 0; k < P.scheme.length; k++) if (column[k] >= 0) own[P.scheme[k]].push(S(column[k]));
    });
    texts = own.map(function (parts) { return " " + foldText(parts.join(" ")) + " "; });
    labelTexts = {};
    D.search.labels.forEach(function (name) {
      labelTexts[name] = LABELS[name].map(function (label) { return " " + foldText(label) + " "; });
    });
  }

  return function match(words) {
    if (!words.length) return null;
    if (!texts) build();
    var out = new Uint8Array(n).fill(1);
    words.forEach(function (w) {
      var needle = " " + (D.search.stem ? stem(w) : w), hits = {};
      D.search.labels.forEach(function (name) {  // which labels hold the word: few, and shared by many schemes
        hits[name] = labelTexts[name].map(function (text) { return text.indexOf(needle) >= 0; });
      });
      for (var si = 0; si < n; si++) {
        if (!out[si] || texts[si].indexOf(needle) >= 0) continue;
        var found = false;
        for (var l = 0; l < D.search.labels.length && !found; l++) {
          var name = D.search.labels[l], mine = SC[name][si], hit = hits[name];
          for (var j = 0; j < mine.length; j++) if (hit[mine[j]]) { found = true; break; }
        }
        if (!found) out[si] = 0;
      }
    });
    return out;
  };
}
