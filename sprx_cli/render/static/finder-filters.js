/* sprx finder: the filters. Groups of options (a scheme matches a group when it has any option
 * chosen in it; it matches the filters when it matches every group), an age and a day, each option
 * showing how many schemes it would leave.
 *
 * `f` is the finder's state (finder.js): the page's data, the person's choices and the panel.
 *
 * needs: COLOUR, distanceOf, el, field, labelIn, people, setKeywords, syncNear, t, tn, withinMiles
 * gives: MILE, ageControl, applyFilters, buildFilters, dayControl, dayNames, drops, filterGroup,
 *   filterGroups, markOn, matchesAge, matchesDay, matchesGroup, matchesWhere, offered, present,
 *   syncControls
 */

// The days of the week in the page's language, Monday first (D.keys.days' order).
function dayNames() {
  return [t("Monday"), t("Tuesday"), t("Wednesday"), t("Thursday"), t("Friday"), t("Saturday"), t("Sunday")];
}

// The filter groups this page's data has options for.
function filterGroups(f) {
  var D = f.D, SC = D.schemes, P = D.points, freeIndex = f.freeIndex;
  return [
    {key: "c", list: "categories", legend: t("Category"), options: D.categories.map(function (c) { return c.label; }),
     keys: D.categories.map(function (c) { return c.key || "none"; }),
     has: function (si, o) { return SC.categories[si].indexOf(o) >= 0 || (o === D.categories.length - 1 && !SC.categories[si].length && !D.categories[o].key); }},
    {key: "g", list: "groups", legend: t("Who it is for"), options: D.groups, keys: D.keys.groups,
     has: function (si, o) { return SC.groups[si].indexOf(o) >= 0; }},
    {key: "r", list: "routes", legend: t("Who can refer"), options: D.routes, keys: D.keys.routes,
     has: function (si, o) { return SC.routes[si].indexOf(o) >= 0; }},
    {key: "free", list: "costs", at: function () { return freeIndex; }, legend: t("Cost"), options: freeIndex >= 0 ? [D.costs[freeIndex]] : [], keys: ["1"],
     has: function (si) { return SC.cost[si] === freeIndex; }},
    {key: "d", list: "delivery", legend: t("How people take part"), options: D.delivery, keys: D.keys.delivery,
     has: function (si, o) { return SC.delivery[si].indexOf(o) >= 0; }},
    {key: "l", legend: t("Language"), options: D.languages, keys: D.keys.languages,
     has: function (si, o) { return SC.languages[si].indexOf(o) >= 0; }},
    {key: "a", list: "accessibility", legend: t("Access"), options: D.accessibility, keys: D.keys.accessibility,
     has: function (si, o) {
       if (SC.accessibility[si].indexOf(o) >= 0) return true;
       return f.placesOf[si].some(function (p) { return P.accessibility[p].indexOf(o) >= 0; });
     }}
  ].map(function (g) {
    g.shown = present(f, g);
    return g;
  }).filter(function (g) { return g.shown.length; });
}

// The options of a group that some scheme has (only real choices are offered), by option index.
function present(f, g) {
  var seen = new Uint8Array(g.options.length), left = g.options.length;
  for (var si = 0; si < f.n && left; si++) {
    for (var o = 0; o < g.options.length; o++) if (!seen[o] && g.has(si, o)) { seen[o] = 1; left--; }
  }
  return g.options.map(function (_, o) { return o; }).filter(function (o) { return seen[o]; });
}

function matchesGroup(f, si, g) {
  var chosen = f.state.chosen[g.key];
  if (!chosen.length) return true;
  for (var i = 0; i < chosen.length; i++) if (g.has(si, chosen[i])) return true;
  return false;
}

// The age is of the person who attends: where a scheme's ages are a child's (parents and carers of
// under-fives), an adult matches too, as the one who brings the child.
function matchesAge(f, si) {
  var SC = f.D.schemes, age = f.state.age;
  if (age === null) return true;
  if (SC.child_ages[si] && age >= f.D.rules.adult) return true;
  var lo = SC.min_age[si], hi = SC.max_age[si];
  return (lo === null || age >= lo) && (hi === null || age <= hi);
}

// A day keeps the schemes that open on it and those without fixed hours (phone befriending, home
// visits), which a row marks "No fixed hours".
function matchesDay(f, si) {
  var m = f.D.schemes.days[si];
  return f.state.day === null || m === 0 || (m & (1 << f.state.day)) !== 0;
}

var MILE = 1.609344;  // km

// Where the person is: within the radius chosen (a scheme without a place of its own when it serves the
// area searched), and serving that area when "Only schemes that serve {area}" is ticked.
function matchesWhere(f, si) {
  var state = f.state, serves = state.originArea >= 0 && f.D.schemes.areas[si].indexOf(state.originArea) >= 0;
  if (state.servesHere && state.originArea >= 0 && !serves) return false;
  if (!state.radius || !state.origin) return true;
  var d = distanceOf(f, si);
  return d !== null ? d <= state.radius * MILE : serves;
}

// The age of the person (always in view: what a link worker asks first), then the filters in a
// disclosure (closed on a phone), each group folded in one of its own whose summary says how many of
// its choices are on; `f.ui` keeps their count labels.
function buildFilters(f, root) {
  var state = f.state, ui = f.ui;
  if (f.hasAges) root.appendChild(ageControl(f)).classList.add("sprx-age-row");
  var filters = el("details", "sprx-filters");
  filters.open = window.matchMedia ? !window.matchMedia("(max-width: 800px)").matches : true;
  var summary = filters.appendChild(el("summary", null, t("Filters")));
  ui.filtersOn = summary.appendChild(el("span", "sprx-on"));
  ui.countSpans = {};
  ui.dayCounts = [];
  ui.groupOn = {};
  ui.groupBox = {};
  f.groups.forEach(function (g) {
    var fs = filterGroup(f, filters, g.key, g.legend);
    ui.countSpans[g.key] = [];
    g.shown.forEach(function (o) {
      var label = g.options[o];
      var id = "sprx-f-" + g.key + "-" + o;
      var row = el("div", "sprx-option");
      var box = el("input");
      box.type = "checkbox";
      box.id = id;
      box.value = String(o);
      box.addEventListener("change", function () {
        var list = state.chosen[g.key], at = list.indexOf(o);
        if (box.checked && at < 0) list.push(o);
        if (!box.checked && at >= 0) list.splice(at, 1);
        f.update();
      });
      var lab = el("label", null, g.list ? labelIn(f.D, g.list, g.at ? g.at(o) : o) : label);
      lab.appendChild(document.createTextNode(" "));
      lab.setAttribute("for", id);
      if (g.key === "c" && COLOUR.test(f.D.categories[o].colour)) {  // the colour of its dots on the map
        var dot = el("span", "sprx-legend-dot sprx-option-dot");
        dot.style.background = f.D.categories[o].colour;
        dot.setAttribute("aria-hidden", "true");
        lab.insertBefore(dot, lab.firstChild);
      }
      var count = el("span", "sprx-option-count");
      lab.appendChild(count);
      f.ui.countSpans[g.key][o] = count;
      row.appendChild(box);
      row.appendChild(lab);
      fs.appendChild(row);
    });
  });
  if (f.days.some(function (d) { return d; })) dayControl(f, filterGroup(f, filters, "day", t("Open on")));
  var clear = el("button", "sprx-clear", t("Clear all"));
  clear.type = "button";
  clear.addEventListener("click", function () {
    f.groups.forEach(function (g) { state.chosen[g.key] = []; });
    state.age = null;
    state.day = null;
    state.radius = null;
    state.servesHere = false;
    setKeywords(f, "");
    syncControls(f);
    f.update();
  });
  filters.appendChild(clear);
  root.appendChild(filters);
}

// A group of filters folded in a disclosure of its own ("Category", "(2 on)" when two are ticked): its
// fieldset, whose legend names it to assistive technology.
function filterGroup(f, filters, key, legend) {
  var box = filters.appendChild(el("details", "sprx-filter-group"));
  box.setAttribute("data-group", key);
  var summary = box.appendChild(el("summary"));
  summary.appendChild(el("span", "sprx-group-name", legend));
  f.ui.groupOn[key] = summary.appendChild(el("span", "sprx-on"));
  f.ui.groupBox[key] = box;
  var fs = box.appendChild(el("fieldset"));
  fs.appendChild(el("legend", "sprx-visually-hidden", legend));
  return fs;
}

// How many choices are on, in each group's summary and the filters' own.
function markOn(f) {
  var state = f.state, ui = f.ui, total = 0;
  var said = function (node, n) { node.textContent = n ? " " + tn("({n} on)", "({n} on)", n) : ""; };
  f.groups.forEach(function (g) {
    var n = state.chosen[g.key].length;
    total += n;
    said(ui.groupOn[g.key], n);
  });
  if (ui.groupOn.day) {
    said(ui.groupOn.day, state.day !== null ? 1 : 0);
    total += state.day !== null ? 1 : 0;
  }
  said(ui.filtersOn, total);
}

function ageControl(f) {
  var ageRow = el("div", "sprx-option");
  var ageField = field(t("For a person aged") + " ", "sprx-age", "number"), age = ageField[1];
  age.min = "0";
  age.max = "120";
  age.inputMode = "numeric";
  age.addEventListener("input", function () {
    var v = parseInt(age.value, 10);
    f.state.age = isNaN(v) ? null : v;
    f.update();
  });
  ageRow.appendChild(ageField[0]);
  ageRow.appendChild(age);
  return ageRow;
}

function dayControl(f, dayFs) {
  f.ui.dayCounts = [];
  [t("Any day")].concat(dayNames())
.forEach(function (label, i) {
    if (i > 0 && !f.days[i - 1]) return;  // a day no scheme opens on
    var row = el("div", "sprx-option");
    var radio = el("input");
    radio.type = "radio";
    radio.name = "sprx-day";
    radio.id = "sprx-day-" + i;
    radio.checked = i === 0;
    radio.addEventListener("change", function () { f.state.day = i === 0 ? null : i - 1; f.update(); });
    var lab = el("label", null, label + " ");
    lab.setAttribute("for", radio.id);
    var count = el("span", "sprx-option-count");
    lab.appendChild(count);
    f.ui.dayCounts[i] = count;
    row.appendChild(radio);
    row.appendChild(lab);
    dayFs.appendChild(row);
  });
}

// The controls as the state says (after "Clear all", or a link that restores a search).
function syncControls(f) {
  var state = f.state;
  f.groups.forEach(function (g) {
    g.shown.forEach(function (o) {
      document.getElementById("sprx-f-" + g.key + "-" + o).checked = state.chosen[g.key].indexOf(o) >= 0;
    });
  });
  var age = document.getElementById("sprx-age"), day = document.getElementById("sprx-day-" + (state.day === null ? 0 : state.day + 1));
  if (age) age.value = state.age === null ? "" : String(state.age);
  if (day) day.checked = true;
  // (a group with choices restored from a link opens, so that they can be seen and changed)
  f.groups.forEach(function (g) { if (state.chosen[g.key].length) f.ui.groupBox[g.key].open = true; });
  if (state.day !== null && f.ui.groupBox.day) f.ui.groupBox.day.open = true;
  f.ui.keywords.value = state.q;
  f.ui.sort.value = state.sort;
  f.ui.inView.checked = state.inView;
  syncNear(f);
}

// The schemes the filters leave, and each option's count. One pass: for each scheme, how many of the
// choices it fails and (when one) which. It matches when it fails none; an option of a group counts
// the schemes that fail nothing but that group.
function applyFilters(f) {
  var SC = f.D.schemes, n = f.n, groups = f.groups, AGE = groups.length, DAY = groups.length + 1;
  var WHERE = groups.length + 2;
  var fails = f.fails, failed = f.failed, kwOk = f.kwOk, matching = [];
  for (var si = 0; si < n; si++) {
    var count = 0, which = -1;
    if (!matchesAge(f, si)) { count++; which = AGE; }
    if (!matchesDay(f, si)) { count++; which = DAY; }
    if (!matchesWhere(f, si)) { count++; which = WHERE; }
    for (var g = 0; g < groups.length && count < 2; g++) {
      if (!matchesGroup(f, si, groups[g])) { count++; which = g; }
    }
    fails[si] = count;  // (the keywords apart: a keystroke reuses these)
    failed[si] = which;
    if (count === 0 && (!kwOk || kwOk[si])) matching.push(si);
  }
  // a scheme without the keywords counts for no option
  var counted = function (si, gi) { return (fails[si] === 0 || (fails[si] === 1 && failed[si] === gi)) && (!kwOk || kwOk[si]); };
  groups.forEach(function (g, gi) {
    var counts = g.options.map(function () { return 0; });
    for (var si = 0; si < n; si++) {
      if (!counted(si, gi)) continue;
      for (var o = 0; o < g.options.length; o++) if (g.has(si, o)) counts[o]++;
    }
    g.shown.forEach(function (o) {
      var span = f.ui.countSpans[g.key][o];
      span.textContent = "(" + people(counts[o]) + ")";
      offered(span, counts[o] > 0 || f.state.chosen[g.key].indexOf(o) >= 0);  // (a choice giving none: not offered)
    });
  });
  var days = [0, 0, 0, 0, 0, 0, 0, 0];
  for (var sj = 0; sj < n; sj++) {
    if (!counted(sj, DAY)) continue;
    days[0]++;
    for (var d = 0; d < 7; d++) if (SC.days[sj] === 0 || SC.days[sj] & (1 << d)) days[d + 1]++;
  }
  days.forEach(function (c, i) {
    if (!f.ui.dayCounts[i]) return;
    f.ui.dayCounts[i].textContent = "(" + people(c) + ")";
    offered(f.ui.dayCounts[i], i === 0 || c > 0 || f.state.day === i - 1);
  });
  f.drops = drops(f, counted, AGE, DAY, WHERE);
  markOn(f);
  return matching;
}

// An option's row shown or not, by its count's element; a fieldset with none shown goes too.
function offered(span, yes) {
  var row = span.parentNode.parentNode;
  row.hidden = !yes;
  var fs = row.parentNode;
  fs.hidden = !Array.prototype.some.call(fs.querySelectorAll(".sprx-option"), function (r) { return !r.hidden; });
  fs.parentNode.hidden = fs.hidden;  // (its disclosure)
}

// Each choice made, with how many schemes would match without it (the others kept): what an empty
// result suggests dropping, the one that gives most first.
function drops(f, counted, AGE, DAY, WHERE) {
  var state = f.state, out = [], n = f.n, fails = f.fails;
  var without = function (gi) { var c = 0; for (var si = 0; si < n; si++) if (fails[si] === 1 && counted(si, gi)) c++; return c; };
  f.groups.forEach(function (g, gi) {
    if (!state.chosen[g.key].length) return;
    out.push({what: g.legend + ": " + state.chosen[g.key].map(function (o) { return g.options[o]; }).join(", "), count: without(gi)});
  });
  if (state.age !== null) out.push({what: t("For a person aged") + " " + state.age, count: without(AGE)});
  if (state.day !== null) out.push({what: t("Open on") + " " + dayNames()[state.day], count: without(DAY)});
  if (state.origin && (state.radius || state.servesHere)) {
    out.push({what: state.radius ? withinMiles(state.radius) : t("Only schemes that serve {area}", {area: f.D.areas.name[state.originArea]}),
              count: without(WHERE)});
  }
  if (f.kwOk) {
    var c = 0;
    for (var si = 0; si < n; si++) if (fails[si] === 0 && !f.kwOk[si]) c++;
    out.push({what: t("Keywords") + ": " + state.q.trim(), count: c});
  }
  return out.sort(function (x, y) { return y.count - x.count; });
}
