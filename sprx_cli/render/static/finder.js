/* sprx finder: filters, a results list, postcode search, a shortlist to print, email or share.
 *
 * Works on the page's data (D, named in sprx_cli/render/pagedata.py) and the map that map.js
 * built (its api, window.sprxMap). Registry text goes into the page with textContent only.
 *
 * `f`, the finder's state, is what its modules (finder-filters.js, finder-list.js,
 * finder-where.js) share: the data, the person's choices (`state`), the panel's elements (`ui`),
 * the schemes that match, and `update()`, which applies a change everywhere.
 *
 * needs: PAGE, applyFilters, buildAnalyst, buildFilters, buildWhere, button, el, field, filterGroups,
 *   followTable, keywordWords, loadState, lookup, part, renderList, renderShortlist, saveState, say,
 *   searchLink, shortlistButton, syncControls, t, textMap, timings, tn
 * gives: buildKeywords, buildPanel, copyLink, gapWords, headline, jumpTo, nameRanks, quickUpdate,
 *   setKeywords, shade, showResults, skipLinks, summarise, update
 */

window.sprxFinder = function (api) {
  var root = document.getElementById("sprx-finder");
  if (!root) return;
  var D = api.data, SC = D.schemes, P = D.points, A = D.areas, n = SC.id.length;
  var f = {api: api, D: D, map: api.map, n: n, ui: {}, matching: [],
           S: function (i) { return i >= 0 ? D.strings[i] : null; },
           freeIndex: D.keys.costs.indexOf("free"), placesOf: [], indexOfId: textMap(),
           fails: new Uint8Array(n), failed: new Int8Array(n), areaCount: new Array(A.code.length)};
  // where each scheme is (its places, for distances), and each by its id (the shortlist's)
  for (var s = 0; s < n; s++) f.placesOf.push([]);
  for (var k = 0; k < P.lat.length; k++) f.placesOf[P.scheme[k]].push(k);
  SC.id.forEach(function (id, i) { f.indexOfId[id] = i; });
  f.hasAges = SC.min_age.some(function (a) { return a !== null; }) || SC.max_age.some(function (a) { return a !== null; });
  f.days = [0, 1, 2, 3, 4, 5, 6].map(function (d) { return SC.days.some(function (m) { return m & (1 << d); }); });
  f.groups = filterGroups(f);
  f.keywords = api.keywords;
  f.kwOk = null;  // Uint8Array: 1 where the scheme has every keyword (null: no keywords)
  f.rank = nameRanks(f);
  f.state = {chosen: {}, age: null, day: null, q: "", origin: null, originArea: -1, originLabel: "", sort: "name",
             inView: false, shortlist: [], shown: PAGE, postcode: null, radius: null, servesHere: false};
  f.groups.forEach(function (g) { f.state.chosen[g.key] = []; });
  f.update = function () { update(f); };

  buildPanel(f, root);
  buildAnalyst(f);
  api.shortlistButton = function (si) { return shortlistButton(f, si); };
  // a card closed on the map gives the keyboard back to the list item it was opened from
  f.map.on("popupclose", function (ev) {
    var node = ev.popup.getElement();
    if (f.api.view.redrawing) return;
    if (f.returnTo && document.contains(f.returnTo) && (!document.activeElement || document.activeElement === document.body ||
                                                        (node && node.contains(document.activeElement)))) {
      f.returnTo.focus();
    }
  });
  f.map.on("moveend", function () {
    if (f.state.inView) renderList(f);
    saveState(f);
  });
  loadState(f);
  syncControls(f);
  update(f);
  api.finder = {state: f.state, update: f.update, matching: function () { return f.matching.slice(); }};
  timings.finderReady = performance.now();
};

// The panel: where, the filters, the count, how the list is sorted, the list, the shortlist.
function buildPanel(f, root) {
  var ui = f.ui, state = f.state;
  ui.root = root;
  root.textContent = "";
  var h = el("h2", null, t("Find a scheme"));
  h.id = "sprx-finder-heading";
  root.setAttribute("aria-labelledby", h.id);
  root.appendChild(h);
  buildWhere(f, root);
  buildKeywords(f, root);
  buildFilters(f, root);
  ui.summary = part(root, "p", "sprx-count", "sprx-count", {"aria-live": "polite", tabindex: "-1"});

  var tools = el("div", "sprx-list-tools");
  var sortLabel = el("label", null, t("Sort by") + " ");
  var sort = ui.sort = el("select");
  sort.id = "sprx-sort";
  [["name", t("Name")], ["relevance", t("Up to date first")], ["distance", t("Distance")]].forEach(function (x) {
    var opt = el("option", null, x[1]);
    opt.value = x[0];
    sort.appendChild(opt);
  });
  sort.addEventListener("change", function () { state.sort = sort.value; f.update(); });
  sortLabel.appendChild(sort);
  var inViewLabel = el("label");
  var inView = ui.inView = el("input");
  inView.type = "checkbox";
  inView.id = "sprx-inview";
  inView.addEventListener("change", function () { state.inView = inView.checked; f.update(); });
  inViewLabel.appendChild(inView);
  inViewLabel.appendChild(document.createTextNode(" " + t("Only what is in view")));
  tools.appendChild(sortLabel);
  tools.appendChild(inViewLabel);
  root.appendChild(tools);

  ui.results = part(root, "ol", "sprx-result-list", "sprx-results", {"aria-label": t("Matching schemes")});
  var more = ui.more = el("button", "sprx-more", t("Show more"));
  more.type = "button";
  more.addEventListener("click", function () { state.shown += PAGE; renderList(f); });
  root.appendChild(more);

  var slHeading = el("h2", null, t("Shortlist"));
  slHeading.id = "sprx-shortlist-heading";
  root.appendChild(slHeading);
  ui.shortlist = el("ul", "sprx-shortlist");
  ui.shortlist.id = "sprx-shortlist";
  ui.shortlist.setAttribute("aria-labelledby", slHeading.id);
  root.appendChild(ui.shortlist);
  var notes = el("details", "sprx-worker");
  notes.appendChild(el("summary", null, t("Add your name and a note")));
  [["workerName", t("Your name"), "text"], ["workerNote", t("A note for them"), "textarea"],
   ["workerNext", t("Next step"), "text"]].forEach(function (x) {
    var id = "sprx-" + x[0].replace(/[A-Z]/g, function (c) { return "-" + c.toLowerCase(); });
    var label = el("label", null, x[1]);
    label.setAttribute("for", id);
    var input = ui[x[0]] = el(x[2] === "textarea" ? "textarea" : "input");
    if (x[2] !== "textarea") input.type = "text";
    input.id = id;
    input.addEventListener("input", function () { renderShortlist(f); });
    var row = el("div", "sprx-worker-field");
    row.appendChild(label);
    row.appendChild(input);
    notes.appendChild(row);
  });
  root.appendChild(notes);
  var slTools = el("div", "sprx-list-tools");
  ui.print = el("button", null, t("Print"));
  ui.print.type = "button";
  ui.print.addEventListener("click", function () { window.print(); });
  ui.mail = el("a", "sprx-mail", t("Email"));
  // the link that opens this search and shortlist again, to paste into a text message or the notes
  // (only an address on the web: never a file on this computer)
  ui.copy = button(t("Copy link"), "sprx-copy", function () { copyLink(f); });
  ui.copied = el("span", "sprx-copied");
  ui.copied.setAttribute("role", "status");
  slTools.appendChild(ui.print);
  slTools.appendChild(ui.mail);
  slTools.appendChild(ui.copy);
  slTools.appendChild(ui.copied);
  root.appendChild(slTools);
  ui.sheet = document.getElementById("sprx-print");
  // the count and the shortlist in reach wherever the person has scrolled to (stuck to the bottom)
  var bar = ui.bar = root.appendChild(el("div", "sprx-bar"));
  ui.barCount = bar.appendChild(el("span", "sprx-bar-count"));
  bar.appendChild(button(t("Results"), "sprx-bar-button", function () { jumpTo(ui.summary); }));
  slHeading.setAttribute("tabindex", "-1");
  ui.barShortlist = bar.appendChild(button("", "sprx-bar-button", function () { jumpTo(slHeading); }));
  skipLinks();
}

function jumpTo(node) {
  node.focus();
  node.scrollIntoView({block: "start"});
}

// After a search, the count and the first results on screen: the finder's panel scrolled to them on a
// wide screen, the page on a phone (where the map is above the finder).
function showResults(f) {
  var count = f.ui.summary, narrow = window.matchMedia && window.matchMedia("(max-width: 800px)").matches;
  if (narrow) {
    count.scrollIntoView({block: "start"});
    return;
  }
  // (as little as brings the first result wholly into view, above the bar, the place searched kept when it can be)
  var panel = f.ui.root, box = panel.getBoundingClientRect(), first = f.ui.results.firstElementChild || count;
  var over = first.getBoundingClientRect().bottom - (box.bottom - f.ui.bar.offsetHeight - 8);
  if (over > 0) panel.scrollTop += Math.min(over, count.getBoundingClientRect().top - box.top);
}

// Put the search's link on the clipboard and say so; where the browser will not, show it selected.
function copyLink(f) {
  var link = searchLink(f), ui = f.ui;
  if (!link) return;
  var said = function () { ui.copied.textContent = t("Link copied: {link}", {link: link}); };
  ui.copiedLink = link;
  var shown = function () {
    ui.copied.textContent = "";
    var box = el("input", "sprx-copy-box");
    box.type = "text";
    box.readOnly = true;
    box.value = link;
    box.setAttribute("aria-label", t("The link: copy it from here"));
    ui.copied.appendChild(box);
    box.focus();
    box.select();
  };
  if (navigator.clipboard && navigator.clipboard.writeText) navigator.clipboard.writeText(link).then(said, shown);
  else shown();
}

// The page's links to a part of itself move the focus there and leave the address alone: its
// fragment is the finder's state (finder-where.js, saveState).
function skipLinks() {
  document.querySelectorAll('a.sprx-skip[href^="#"], .sprx-header nav a[href^="#"]').forEach(function (a) {
    a.hidden = false;
    a.addEventListener("click", function (ev) {
      var target = document.getElementById(a.getAttribute("href").slice(1));
      if (!target) return;
      ev.preventDefault();
      if (!target.hasAttribute("tabindex") && !/^(A|BUTTON|INPUT|SELECT|TEXTAREA)$/.test(target.tagName)) {
        target.setAttribute("tabindex", "-1");
      }
      target.focus();
      target.scrollIntoView({block: "start"});
    });
  });
}

// Each scheme's place in the list by name (0 first), found once: sorting by it is cheap on every change.
// Lower case, in code-point order (a collator takes 15 times as long at 100,000 schemes).
function nameRanks(f) {
  var SC = f.D.schemes, n = f.n, order = new Array(n), rank = new Int32Array(n), lower = {};
  var key = SC.name.map(function (i) { return lower[i] || (lower[i] = f.S(i).toLowerCase()); });
  for (var i = 0; i < n; i++) order[i] = i;
  order.sort(function (x, y) { return key[x] < key[y] ? -1 : key[x] > key[y] ? 1 : x - y; });
  for (var r = 0; r < n; r++) rank[order[r]] = r;
  f.byName = order;
  return rank;
}

// The keywords field: each keystroke narrows the list at once; the option counts, the markers and
// the address follow when the typing pauses.
function buildKeywords(f, root) {
  var ui = f.ui, wrap = el("div", "sprx-keywords"), timer = null;
  var kw = field(t("Keywords"), "sprx-keywords", "search"), input = ui.keywords = kw[1];
  var hint = el("p", "sprx-hint", t("Words in a scheme's name, description, provider, categories, areas or places, e.g. walking, debt"));
  hint.id = "sprx-keywords-hint";
  input.setAttribute("aria-describedby", hint.id);
  input.setAttribute("aria-controls", "sprx-results");
  input.autocomplete = "off";
  input.addEventListener("focus", function () { f.keywords(["a"]); }, {once: true});  // (makes its texts ahead)
  input.addEventListener("keydown", function (ev) {
    if (ev.key !== "Enter") return;
    clearTimeout(timer);
    if (f.D.postcodes && /\d/.test(input.value) && lookup(f, input.value)) {  // a postcode: searched from, not as words
      f.ui.postcode.value = input.value.trim();
      input.value = "";
      setKeywords(f, "");
      f.ui.postcode.form.requestSubmit();
      return;
    }
    f.update();
    showResults(f);
  });
  input.addEventListener("input", function () {
    setKeywords(f, input.value);
    quickUpdate(f);
    clearTimeout(timer);
    timer = setTimeout(function () { f.update(); }, 300);
  });
  wrap.appendChild(kw[0]);
  wrap.appendChild(input);
  wrap.appendChild(hint);
  root.appendChild(wrap);
}

function setKeywords(f, text) {
  f.state.q = text;
  f.kwOk = f.keywords(keywordWords(text));
}

// What a keystroke changes at once: the schemes that match (the other filters as last applied), the
// headline, the shading and the list.
function quickUpdate(f) {
  var fails = f.fails, kwOk = f.kwOk, matching = [];
  for (var si = 0; si < f.n; si++) if (fails[si] === 0 && (!kwOk || kwOk[si])) matching.push(si);
  f.matching = matching;
  shade(f);
  headline(f);
  followTable(f);
  f.state.shown = PAGE;
  renderList(f);
}

// A change of any choice: what matches, the counts, the markers, the shading, the list and the address.
function update(f) {
  f.matching = applyFilters(f);
  shade(f);
  f.api.showOnly(f.matching);
  headline(f);
  followTable(f);
  f.state.shown = PAGE;
  renderList(f);
  saveState(f);  // (first: the sheet and the email carry the link)
  renderShortlist(f);
}

function shade(f) {
  var SC = f.D.schemes, areaCount = f.areaCount;
  for (var a = 0; a < areaCount.length; a++) areaCount[a] = 0;
  f.matching.forEach(function (si) {
    if (SC.status[si] !== "active") return;
    SC.areas[si].forEach(function (a) { areaCount[a]++; });
  });
  f.api.shadeAreas(areaCount, gapWords(f));
}

// What an area the filters leave with nothing has none of: "no arts & creativity schemes recorded" for
// one category alone, "none of the schemes that match the filters" for any other choice; null for none.
function gapWords(f) {
  var state = f.state, chosen = f.groups.filter(function (g) { return state.chosen[g.key].length; });
  var others = state.age !== null || state.day !== null || state.q.trim() || state.radius || state.servesHere;
  if (!chosen.length && !others) return null;
  if (!others && chosen.length === 1 && chosen[0].key === "c" && state.chosen.c.length === 1) {
    return t("no {category} schemes recorded", {category: chosen[0].options[state.chosen.c[0]].toLowerCase()});
  }
  return t("none of the schemes that match the filters");
}

// The headline as Python words it (aggregate/counts.py, tally): "55 schemes open now in 27 of 33
// areas, 3 paused" (closed ones never counted), for the schemes that match; the list's count is theirs.
function headline(f) {
  var D = f.D, SC = D.schemes, A = D.areas, matching = f.matching, open = 0, paused = 0;
  matching.forEach(function (si) { if (SC.status[si] === "active") open++; else if (SC.status[si] === "paused") paused++; });
  var served = f.areaCount.filter(function (c) { return c > 0; }).length;
  var text = say(D, "open_now", open) + say(D, "in_areas", A.code.length, {served: served}) +
    (paused ? say(D, "paused", paused) : "");
  var head = document.querySelector(".sprx-headline");
  if (head) head.textContent = text;
  var gaps = document.querySelector(".sprx-gaps");
  var zero = A.code.length - served;
  if (gaps) {
    var gap = gapWords(f);
    gaps.textContent = gap ? tn("{n} area: {gap}", "{n} areas: {gap}", zero, {gap: gap}) : say(D, "gaps", zero);
    gaps.hidden = zero === 0;
  }
}

// The count above the list: the number of schemes listed (all that match, or those of them in view),
// with how many are open, paused and closed.
function summarise(f, listed) {
  var D = f.D, SC = D.schemes, matching = f.matching, open = 0, paused = 0;
  matching.forEach(function (si) { if (SC.status[si] === "active") open++; else if (SC.status[si] === "paused") paused++; });
  var filtered = matching.length !== f.n, closed = matching.length - open - paused;
  var split = [tn("{n} open now", "{n} open now", open)].concat(paused ? [tn("{n} paused", "{n} paused", paused)] : [],
                                                                closed ? [tn("{n} closed", "{n} closed", closed)] : []);
  var inView = listed !== matching.length;  // ("Only what is in view")
  f.ui.summary.textContent = (inView ? tn("{n} scheme in view matches", "{n} schemes in view match", listed)
                              : filtered ? tn("{n} scheme matches the filters", "{n} schemes match the filters", listed)
                              : say(D, "schemes", listed)) +
    (!inView && split.length > 1 ? " (" + split.join(", ") + ")" : "") +
    (f.state.originLabel ? ", " + t("nearest {place} first", {place: f.state.originLabel}) : "");
  f.ui.barCount.textContent = tn("{n} scheme", "{n} schemes", listed);
}
