/* sprx finder: filters, a results list, postcode search, a shortlist to print, email or share.
 *
 * Works on the page's data (D, named in sprx_cli/render/pagedata.py) and the map that map.js
 * built (its api, window.sprxMap). Registry text goes into the page with textContent only.
 *
 * `f`, the finder's state, is what its modules (finder-filters.js, finder-list.js,
 * finder-where.js) share: the data, the person's choices (`state`), the panel's elements (`ui`),
 * the schemes that match, and `update()`, which applies a change everywhere.
 */

window.sprxFinder = function (api) {
  var root = document.getElementById("sprx-finder");
  if (!root) return;
  var D = api.data, SC = D.schemes, P = D.points, A = D.areas, n = SC.id.length;
  var f = {api: api, D: D, map: api.map, n: n, ui: {}, matching: [],
           S: function (i) { return i >= 0 ? D.strings[i] : null; },
           freeIndex: D.keys.costs.indexOf("free"), placesOf: [], indexOfId: {},
           fails: new Uint8Array(n), failed: new Int8Array(n), areaCount: new Array(A.code.length)};
  // where each scheme is (its places, for distances), and each by its id (the shortlist's)
  for (var s = 0; s < n; s++) f.placesOf.push([]);
  for (var k = 0; k < P.lat.length; k++) f.placesOf[P.scheme[k]].push(k);
  SC.id.forEach(function (id, i) { f.indexOfId[id] = i; });
  f.groups = filterGroups(f);
  f.state = {chosen: {}, age: null, day: null, origin: null, originArea: -1, originLabel: "", sort: "name",
             inView: false, shortlist: [], shown: PAGE};
  f.groups.forEach(function (g) { f.state.chosen[g.key] = []; });
  f.update = function () { update(f); };

  buildPanel(f, root);
  api.shortlistButton = function (si) { return shortlistButton(f, si); };
  f.map.on("moveend", function () {
    if (f.state.inView) renderList(f);
    saveState(f);
  });
  loadState(f);
  syncControls(f);
  update(f);
  api.finder = {state: f.state, update: f.update, matching: function () { return f.matching.slice(); }};
};

// The panel: where, the filters, the count, how the list is sorted, the list, the shortlist.
function buildPanel(f, root) {
  var ui = f.ui, state = f.state;
  root.textContent = "";
  var h = el("h2", null, "Find a scheme");
  h.id = "sprx-finder-heading";
  root.setAttribute("aria-labelledby", h.id);
  root.appendChild(h);
  buildWhere(f, root);
  buildFilters(f, root);
  ui.summary = part(root, "p", "sprx-count", "sprx-count", {"aria-live": "polite"});

  var tools = el("div", "sprx-list-tools");
  var sortLabel = el("label", null, "Sort by ");
  var sort = ui.sort = el("select");
  sort.id = "sprx-sort";
  [["name", "Name"], ["relevance", "Up to date first"], ["distance", "Distance"]].forEach(function (x) {
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
  inViewLabel.appendChild(document.createTextNode(" Only what is in view"));
  tools.appendChild(sortLabel);
  tools.appendChild(inViewLabel);
  root.appendChild(tools);

  ui.results = part(root, "ol", "sprx-result-list", "sprx-results", {"aria-label": "Matching schemes"});
  var more = ui.more = el("button", "sprx-more", "Show more");
  more.type = "button";
  more.addEventListener("click", function () { state.shown += PAGE; renderList(f); });
  root.appendChild(more);

  var slHeading = el("h2", null, "Shortlist");
  slHeading.id = "sprx-shortlist-heading";
  root.appendChild(slHeading);
  ui.shortlist = el("ul", "sprx-shortlist");
  ui.shortlist.id = "sprx-shortlist";
  ui.shortlist.setAttribute("aria-labelledby", slHeading.id);
  root.appendChild(ui.shortlist);
  var slTools = el("div", "sprx-list-tools");
  ui.print = el("button", null, "Print");
  ui.print.type = "button";
  ui.print.addEventListener("click", function () { window.print(); });
  ui.mail = el("a", "sprx-mail", "Email");
  slTools.appendChild(ui.print);
  slTools.appendChild(ui.mail);
  root.appendChild(slTools);
  ui.sheet = document.getElementById("sprx-print");
}

// A change of any choice: what matches, the counts, the markers, the shading, the list and the address.
function update(f) {
  f.matching = applyFilters(f);
  shade(f);
  f.api.showOnly(f.matching);
  headline(f);
  f.state.shown = PAGE;
  renderList(f);
  renderShortlist(f);
  saveState(f);
}

function shade(f) {
  var SC = f.D.schemes, areaCount = f.areaCount;
  for (var a = 0; a < areaCount.length; a++) areaCount[a] = 0;
  f.matching.forEach(function (si) {
    if (SC.status[si] !== "active") return;
    SC.areas[si].forEach(function (a) { areaCount[a]++; });
  });
  f.api.shadeAreas(areaCount);
}

function headline(f) {
  var D = f.D, SC = D.schemes, A = D.areas, matching = f.matching, n = f.n;
  var active = matching.filter(function (si) { return SC.status[si] === "active"; }).length;
  var served = f.areaCount.filter(function (c) { return c > 0; }).length;
  var text = plural(active, "scheme") + " in " + people(served) + " of " + plural(A.code.length, "area");
  var head = document.querySelector(".sprx-headline");
  if (head) head.textContent = text;
  var gaps = document.querySelector(".sprx-gaps");
  var zero = A.code.length - served;
  if (gaps) {
    gaps.textContent = plural(zero, "area") + " with " + D.zero.label;
    gaps.hidden = zero === 0;
  }
  var filtered = matching.length !== n;
  f.ui.summary.textContent = (filtered ? plural(matching.length, "scheme") + " match" +
                              (matching.length === 1 ? "es" : "") + " the filters" : plural(n, "scheme")) +
    (f.state.originLabel ? ", nearest " + f.state.originLabel + " first" : "");
}
