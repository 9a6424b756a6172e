/* sprx finder: filters, a results list, postcode search, a shortlist to print, email or share.
 *
 * Works on the page's data (D, named in sprx_cli/pagedata.py) and the map that map.js built
 * (window.sprxMap). Registry text goes into the page with textContent only. Everything a person
 * chooses is kept in the address (#...), so copying the link restores it.
 */
(function () {
  "use strict";

  var DAY_KEYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
  var DAY_NAMES = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];
  var PAGE = 50;  // results shown at a time: the list renders lazily

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
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

  function people(n) { return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ","); }
  function plural(n, word) { return people(n) + " " + word + (n === 1 ? "" : "s"); }

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

  window.sprxFinder = function (api) {
    var D = api.data, SC = D.schemes, P = D.points, A = D.areas, map = api.map;
    var S = function (i) { return i >= 0 ? D.strings[i] : null; };
    var n = SC.id.length;
    var root = document.getElementById("sprx-finder");
    if (!root) return;

    // --- where each scheme is: its places, for distances ---
    var placesOf = [];
    for (var s = 0; s < n; s++) placesOf.push([]);
    for (var k = 0; k < P.lat.length; k++) placesOf[P.scheme[k]].push(k);
    var indexOfId = {};
    SC.id.forEach(function (id, i) { indexOfId[id] = i; });

    // --- the filter groups: a scheme matches a group when it has any option chosen in it ---
    var freeIndex = D.keys.costs.indexOf("free");
    var groups = [
      {key: "c", legend: "Category", options: D.categories.map(function (c) { return c.label; }),
       keys: D.categories.map(function (c) { return c.key || "none"; }),
       has: function (si, o) { return SC.categories[si].indexOf(o) >= 0 || (o === D.categories.length - 1 && !SC.categories[si].length && !D.categories[o].key); }},
      {key: "g", legend: "Who it is for", options: D.groups, keys: D.keys.groups,
       has: function (si, o) { return SC.groups[si].indexOf(o) >= 0; }},
      {key: "r", legend: "Who can refer", options: D.routes, keys: D.keys.routes,
       has: function (si, o) { return SC.routes[si].indexOf(o) >= 0; }},
      {key: "free", legend: "Cost", options: freeIndex >= 0 ? [D.costs[freeIndex]] : [], keys: ["1"],
       has: function (si) { return SC.cost[si] === freeIndex; }},
      {key: "d", legend: "How people take part", options: D.delivery, keys: D.keys.delivery,
       has: function (si, o) { return SC.delivery[si].indexOf(o) >= 0; }},
      {key: "l", legend: "Language", options: D.languages, keys: D.keys.languages,
       has: function (si, o) { return SC.languages[si].indexOf(o) >= 0; }},
      {key: "a", legend: "Access", options: D.accessibility, keys: D.keys.accessibility,
       has: function (si, o) {
         if (SC.accessibility[si].indexOf(o) >= 0) return true;
         return placesOf[si].some(function (p) { return P.accessibility[p].indexOf(o) >= 0; });
       }}
    ].filter(function (g) { return g.options.length; });

    var state = {chosen: {}, age: null, day: null, origin: null, originArea: -1, originLabel: "", sort: "name",
                 inView: false, shortlist: [], shown: PAGE};
    groups.forEach(function (g) { state.chosen[g.key] = []; });

    function matchesGroup(si, g) {
      var chosen = state.chosen[g.key];
      if (!chosen.length) return true;
      for (var i = 0; i < chosen.length; i++) if (g.has(si, chosen[i])) return true;
      return false;
    }
    function matchesAge(si) {
      if (state.age === null) return true;
      var lo = SC.min_age[si], hi = SC.max_age[si];
      return (lo === null || state.age >= lo) && (hi === null || state.age <= hi);
    }
    function matchesDay(si) { return state.day === null || (SC.days[si] & (1 << state.day)) !== 0; }
    // --- the panel ---
    root.textContent = "";
    var h = el("h2", null, "Find a scheme");
    h.id = "sprx-finder-heading";
    root.setAttribute("aria-labelledby", h.id);
    root.appendChild(h);

    var where = el("form", "sprx-where");
    where.setAttribute("role", "search");
    var pcField = field("Postcode", "sprx-postcode", "text"), pcLabel = pcField[0], pc = pcField[1];
    pc.autocomplete = "postal-code";
    pc.setAttribute("aria-describedby", "sprx-where-status");
    var find = el("button", null, "Find");
    find.type = "submit";
    var locate = el("button", null, "Use my location");
    locate.type = "button";
    var whereStatus = el("p", "sprx-where-status");
    whereStatus.id = "sprx-where-status";
    whereStatus.setAttribute("aria-live", "polite");
    [pcLabel, pc, find, locate, whereStatus].forEach(function (x) { where.appendChild(x); });
    if (!D.postcodes) {
      pc.disabled = find.disabled = true;
      whereStatus.textContent = "Postcode search needs a postcode table (the 'postcodes' setting).";
    }
    root.appendChild(where);

    var filters = el("details", "sprx-filters");
    filters.open = window.matchMedia ? !window.matchMedia("(max-width: 800px)").matches : true;
    filters.appendChild(el("summary", null, "Filters"));
    var countSpans = {};
    groups.forEach(function (g) {
      var fs = el("fieldset");
      fs.appendChild(el("legend", null, g.legend));
      countSpans[g.key] = [];
      g.options.forEach(function (label, o) {
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
          update();
        });
        var lab = el("label", null, label + " ");
        lab.setAttribute("for", id);
        var count = el("span", "sprx-option-count");
        lab.appendChild(count);
        countSpans[g.key].push(count);
        row.appendChild(box);
        row.appendChild(lab);
        fs.appendChild(row);
      });
      if (g.key === "g") {
        var ageRow = el("div", "sprx-option");
        var ageField = field("For a person aged ", "sprx-age", "number"), ageLabel = ageField[0], age = ageField[1];
        age.min = "0";
        age.max = "120";
        age.inputMode = "numeric";
        age.addEventListener("input", function () {
          var v = parseInt(age.value, 10);
          state.age = isNaN(v) ? null : v;
          update();
        });
        ageRow.appendChild(ageLabel);
        ageRow.appendChild(age);
        fs.appendChild(ageRow);
      }
      filters.appendChild(fs);
    });
    var dayFs = el("fieldset");
    dayFs.appendChild(el("legend", null, "Open on"));
    var dayCounts = [];
    ["Any day"].concat(DAY_NAMES).forEach(function (label, i) {
      var row = el("div", "sprx-option");
      var radio = el("input");
      radio.type = "radio";
      radio.name = "sprx-day";
      radio.id = "sprx-day-" + i;
      radio.checked = i === 0;
      radio.addEventListener("change", function () { state.day = i === 0 ? null : i - 1; update(); });
      var lab = el("label", null, label + " ");
      lab.setAttribute("for", radio.id);
      var count = el("span", "sprx-option-count");
      lab.appendChild(count);
      dayCounts.push(count);
      row.appendChild(radio);
      row.appendChild(lab);
      dayFs.appendChild(row);
    });
    filters.appendChild(dayFs);
    var clear = el("button", "sprx-clear", "Clear all");
    clear.type = "button";
    clear.addEventListener("click", function () {
      groups.forEach(function (g) { state.chosen[g.key] = []; });
      state.age = null;
      state.day = null;
      syncControls();
      update();
    });
    filters.appendChild(clear);
    root.appendChild(filters);

    var summary = part(root, "p", "sprx-count", "sprx-count", {"aria-live": "polite"});

    var tools = el("div", "sprx-list-tools");
    var sortLabel = el("label", null, "Sort by ");
    var sort = el("select");
    sort.id = "sprx-sort";
    [["name", "Name"], ["relevance", "Up to date first"], ["distance", "Distance"]].forEach(function (x) {
      var opt = el("option", null, x[1]);
      opt.value = x[0];
      sort.appendChild(opt);
    });
    sort.addEventListener("change", function () { state.sort = sort.value; update(); });
    sortLabel.appendChild(sort);
    var inViewLabel = el("label");
    var inView = el("input");
    inView.type = "checkbox";
    inView.id = "sprx-inview";
    inView.addEventListener("change", function () { state.inView = inView.checked; update(); });
    inViewLabel.appendChild(inView);
    inViewLabel.appendChild(document.createTextNode(" Only what is in view"));
    tools.appendChild(sortLabel);
    tools.appendChild(inViewLabel);
    root.appendChild(tools);

    var results = part(root, "ol", "sprx-result-list", "sprx-results", {"aria-label": "Matching schemes"});
    var more = el("button", "sprx-more", "Show more");
    more.type = "button";
    more.addEventListener("click", function () { state.shown += PAGE; renderList(); });
    root.appendChild(more);

    var slHeading = el("h2", null, "Shortlist");
    slHeading.id = "sprx-shortlist-heading";
    root.appendChild(slHeading);
    var shortlist = el("ul", "sprx-shortlist");
    shortlist.id = "sprx-shortlist";
    shortlist.setAttribute("aria-labelledby", slHeading.id);
    root.appendChild(shortlist);
    var slTools = el("div", "sprx-list-tools");
    var printButton = el("button", null, "Print");
    printButton.type = "button";
    printButton.addEventListener("click", function () { window.print(); });
    var mail = el("a", "sprx-mail", "Email");
    slTools.appendChild(printButton);
    slTools.appendChild(mail);
    root.appendChild(slTools);
    var sheet = document.getElementById("sprx-print");

    // --- what matches, and what each option would leave ---
    var matching = [];
    var areaCount = new Array(A.code.length);

    // One pass: for each scheme, how many of the choices it fails and (when one) which. It matches
    // when it fails none; an option of a group counts the schemes that fail nothing but that group.
    var AGE = groups.length, DAY = groups.length + 1;
    var fails = new Uint8Array(n), failed = new Int8Array(n);

    function update() {
      matching = [];
      for (var si = 0; si < n; si++) {
        var count = 0, which = -1;
        if (!matchesAge(si)) { count++; which = AGE; }
        if (!matchesDay(si)) { count++; which = DAY; }
        for (var g = 0; g < groups.length && count < 2; g++) {
          if (!matchesGroup(si, groups[g])) { count++; which = g; }
        }
        fails[si] = count;
        failed[si] = which;
        if (count === 0) matching.push(si);
      }
      groups.forEach(function (g, gi) {
        var counts = g.options.map(function () { return 0; });
        for (var si = 0; si < n; si++) {
          if (fails[si] > 1 || (fails[si] === 1 && failed[si] !== gi)) continue;
          for (var o = 0; o < g.options.length; o++) if (g.has(si, o)) counts[o]++;
        }
        counts.forEach(function (c, o) { countSpans[g.key][o].textContent = "(" + people(c) + ")"; });
      });
      var days = [0, 0, 0, 0, 0, 0, 0, 0];
      for (var sj = 0; sj < n; sj++) {
        if (fails[sj] > 1 || (fails[sj] === 1 && failed[sj] !== DAY)) continue;
        days[0]++;
        for (var d = 0; d < 7; d++) if (SC.days[sj] & (1 << d)) days[d + 1]++;
      }
      days.forEach(function (c, i) { dayCounts[i].textContent = "(" + people(c) + ")"; });
      shade();
      api.showOnly(matching);
      headline();
      state.shown = PAGE;
      renderList();
      renderShortlist();
      saveState();
    }

    function shade() {
      for (var a = 0; a < areaCount.length; a++) areaCount[a] = 0;
      matching.forEach(function (si) {
        if (SC.status[si] !== "active") return;
        SC.areas[si].forEach(function (a) { areaCount[a]++; });
      });
      api.shadeAreas(areaCount);
    }

    function headline() {
      var active = matching.filter(function (si) { return SC.status[si] === "active"; }).length;
      var served = areaCount.filter(function (c) { return c > 0; }).length;
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
      summary.textContent = (filtered ? plural(matching.length, "scheme") + " match" + (matching.length === 1 ? "es" : "")
                             + " the filters" : plural(n, "scheme")) + (state.originLabel ? ", nearest " + state.originLabel + " first" : "");
    }

    // --- the list ---
    function distanceOf(si) {
      if (!state.origin) return null;
      var best = null;
      placesOf[si].forEach(function (p) {
        var d = km(state.origin[0], state.origin[1], P.lat[p], P.lon[p]);
        if (best === null || d < best) best = d;
      });
      return best;
    }

    function ordered() {
      var list = matching;
      if (state.inView) {
        var b = map.getBounds();
        list = list.filter(function (si) {
          return placesOf[si].some(function (p) { return b.contains([P.lat[p], P.lon[p]]); });
        });
      }
      var byName = function (x, y) { return S(SC.name[x]).localeCompare(S(SC.name[y])); };
      // entries not checked for too long (or never) sink below current ones
      var sunk = function (si) { return SC.stale[si] || !SC.verified[si] ? 1 : 0; };
      if (state.sort === "relevance") return list.slice().sort(function (x, y) { return sunk(x) - sunk(y) || byName(x, y); });
      if (state.sort !== "distance" || !state.origin) return list.slice().sort(byName);
      var key = {};
      list.forEach(function (si) {
        var d = distanceOf(si);
        // a scheme with no place that serves the area searched comes to people there: first
        key[si] = d !== null ? d : (SC.areas[si].indexOf(state.originArea) >= 0 ? 0 : Infinity);
      });
      return list.filter(function (si) { return key[si] !== Infinity; })
        .sort(function (x, y) { return key[x] - key[y] || byName(x, y); });
    }

    function badges(si) {
      var out = [];
      if (SC.cost[si] === freeIndex && freeIndex >= 0) out.push(D.costs[freeIndex]);
      SC.delivery[si].forEach(function (d) { if (D.keys.delivery[d] !== "in-person") out.push(D.delivery[d]); });
      if (SC.languages[si].length > 1) out.push(SC.languages[si].map(function (l) { return D.languages[l]; }).join(", "));
      var step = D.keys.accessibility.indexOf("step-free");
      if (step >= 0 && SC.accessibility[si].indexOf(step) >= 0) out.push(D.accessibility[step]);
      if (SC.status[si] === "paused") out.push("Paused");
      return out;
    }

    function shortlistButton(si) {
      var b = el("button", "sprx-shortlist-toggle");
      b.type = "button";
      function label() {
        var on = state.shortlist.indexOf(SC.id[si]) >= 0;
        b.textContent = on ? "Remove from shortlist" : "Add to shortlist";
        b.setAttribute("aria-pressed", on ? "true" : "false");
      }
      label();
      b.addEventListener("click", function (ev) {
        if (window.L) L.DomEvent.stopPropagation(ev);
        var at = state.shortlist.indexOf(SC.id[si]);
        if (at >= 0) state.shortlist.splice(at, 1); else state.shortlist.push(SC.id[si]);
        label();
        renderShortlist();
        syncShortlistButtons();
        saveState();
      });
      b.sprxScheme = si;
      return b;
    }
    api.shortlistButton = shortlistButton;

    function syncShortlistButtons() {
      var on = {};
      state.shortlist.forEach(function (id) { on[id] = true; });
      document.querySelectorAll(".sprx-shortlist-toggle").forEach(function (b) {
        var yes = !!on[SC.id[b.sprxScheme]];
        b.textContent = yes ? "Remove from shortlist" : "Add to shortlist";
        b.setAttribute("aria-pressed", yes ? "true" : "false");
      });
    }

    function item(si, withDistance) {
      var li = el("li", "sprx-result");
      li.setAttribute("data-scheme-id", SC.id[si]);
      var open = el("button", "sprx-linkbutton sprx-result-name", S(SC.name[si]));
      open.type = "button";
      open.addEventListener("click", function () { api.openScheme(si); });
      li.appendChild(open);
      if (SC.provider[si] >= 0) li.appendChild(el("div", "sprx-result-provider", S(SC.provider[si])));
      li.appendChild(el("div", "sprx-result-areas", SC.areas[si].map(function (a) { return A.name[a]; }).join(", ")));
      var bs = badges(si);
      if (bs.length) {
        var row = el("div", "sprx-badges");
        bs.forEach(function (b) { row.appendChild(el("span", "sprx-badge sprx-tag", b)); });
        li.appendChild(row);
      }
      if (withDistance && state.origin) {
        var d = distanceOf(si);
        li.appendChild(el("div", "sprx-distance", d !== null ? (d < 10 ? d.toFixed(1) : Math.round(d)) + " km away"
                                                     : "Serves this area"));
      }
      li.appendChild(shortlistButton(si));
      return li;
    }

    function renderList() {
      var list = ordered();
      results.textContent = "";
      var frag = document.createDocumentFragment();
      list.slice(0, state.shown).forEach(function (si) { frag.appendChild(item(si, true)); });
      results.appendChild(frag);
      if (!list.length) results.appendChild(el("li", "sprx-noresult", "No scheme matches. Try fewer filters."));
      more.hidden = list.length <= state.shown;
      more.textContent = "Show more (" + people(Math.max(0, list.length - state.shown)) + " more)";
    }

    // --- the shortlist: on the page, on paper, by email ---
    function renderShortlist() {
      shortlist.textContent = "";
      var chosen = state.shortlist.map(function (id) { return indexOfId[id]; }).filter(function (si) { return si !== undefined; });
      if (!chosen.length) shortlist.appendChild(el("li", "sprx-noresult", "Nothing yet: use \u201cAdd to shortlist\u201d."));
      chosen.forEach(function (si) {
        var li = el("li");
        li.setAttribute("data-scheme-id", SC.id[si]);
        li.appendChild(el("span", null, S(SC.name[si]) + " "));
        li.appendChild(shortlistButton(si));
        shortlist.appendChild(li);
      });
      printButton.disabled = !chosen.length;
      document.body.classList.toggle("sprx-has-shortlist", chosen.length > 0);
      var body = chosen.map(function (si) {
        return [S(SC.name[si]), S(SC.phone[si]) && "Phone: " + S(SC.phone[si]), S(SC.email[si]) && "Email: " + S(SC.email[si]),
                S(SC.website[si]), S(SC.how_to_refer[si]) && "How to refer: " + S(SC.how_to_refer[si])]
          .filter(function (x) { return x; }).join("\n");
      }).join("\n\n");
      mail.setAttribute("href", "mailto:?subject=" + encodeURIComponent("Schemes for you: " + D.title) +
                        "&body=" + encodeURIComponent(body + (body ? "\n\n" : "") + location.href));
      renderSheet(chosen);
    }

    function renderSheet(chosen) {
      if (!sheet) return;
      sheet.textContent = "";
      sheet.appendChild(el("h1", null, D.title + ": shortlist"));
      chosen.forEach(function (si) {
        var sec = el("section", "sprx-print-item");
        sec.appendChild(el("h2", null, S(SC.name[si])));
        var dl = el("dl");
        var places = placesOf[si].map(function (p) {
          return [S(P.name[p]), S(P.address[p]), S(P.postcode[p])].filter(function (x) { return x; }).join(", ");
        }).filter(function (x) { return x; });
        [["What it offers", S(SC.description[si])], ["Run by", S(SC.provider[si])],
         ["How to refer", S(SC.how_to_refer[si])], ["Phone", S(SC.phone[si])], ["Email", S(SC.email[si])],
         ["Website", S(SC.website[si])], ["Address", places.join("; ")],
         ["When", [S(SC.hours[si]), S(SC.hours_note[si])].filter(function (x) { return x; }).join(" · ")],
         ["Last verified", SC.verified[si] || "never"],
         ["Suggest a change", D.feedback ? D.feedback + " (say it is about " + SC.id[si] + ")" : null]].forEach(function (pair) {
          if (!pair[1]) return;
          dl.appendChild(el("dt", null, pair[0]));
          dl.appendChild(el("dd", null, pair[1]));
        });
        sec.appendChild(dl);
        sheet.appendChild(sec);
      });
    }

    // --- postcode search and the person's location ---
    function areaAt(lat, lon) {
      var feats = D.boundaries.features;
      for (var i = 0; i < feats.length; i++) if (inGeometry(lon, lat, feats[i].geometry)) return feats[i].properties.a;
      return -1;
    }

    function setOrigin(lat, lon, area, label, zoom) {
      state.origin = [lat, lon];
      state.originArea = area;
      state.originLabel = label;
      state.sort = "distance";
      sort.value = "distance";
      map.setView([lat, lon], zoom);
      whereStatus.textContent = "Sorted by distance from " + label + (area >= 0 ? " (" + A.name[area] + ")" : "") + ".";
      update();
    }

    function lookup(text) {
      var t = text.toUpperCase().replace(/[^A-Z0-9]/g, "");
      if (!t || !D.postcodes) return null;
      var m = /^([A-Z]{1,2}[0-9][0-9A-Z]?)([0-9])([A-Z]{2})?$/.exec(t);
      if (m && m[3] && D.postcodes.sectors[m[1] + " " + m[2]]) {
        return {hit: D.postcodes.sectors[m[1] + " " + m[2]], label: m[1] + " " + m[2] + m[3], zoom: 15};
      }
      var district = m ? m[1] : t;
      if (D.postcodes.districts[district]) return {hit: D.postcodes.districts[district], label: district, zoom: 14};
      return null;
    }

    where.addEventListener("submit", function (ev) {
      ev.preventDefault();
      var found = lookup(pc.value);
      if (!found) {
        whereStatus.textContent = pc.value.trim() ? "Postcode " + pc.value.trim() + " is not in this map's areas."
                                                  : "Type a postcode, e.g. SE1 7PB, or a district, e.g. SE1.";
        return;
      }
      state.postcode = pc.value.trim().toUpperCase();
      setOrigin(found.hit[0], found.hit[1], found.hit[2], found.label, found.zoom);
    });
    locate.addEventListener("click", function () {
      if (!navigator.geolocation) { whereStatus.textContent = "This browser cannot share its location."; return; }
      whereStatus.textContent = "Finding your location…";
      navigator.geolocation.getCurrentPosition(function (pos) {
        var lat = pos.coords.latitude, lon = pos.coords.longitude;
        state.postcode = null;
        setOrigin(lat, lon, areaAt(lat, lon), "your location", 14);
      }, function () { whereStatus.textContent = "Your location is not available."; });
    });

    // --- the address keeps it all: filters, postcode, view, shortlist ---
    function saveState() {
      var parts = [];
      groups.forEach(function (g) {
        if (state.chosen[g.key].length) parts.push(g.key + "=" + state.chosen[g.key].map(function (o) { return encodeURIComponent(g.keys[o]); }).join(","));
      });
      if (state.age !== null) parts.push("age=" + state.age);
      if (state.day !== null) parts.push("day=" + DAY_KEYS[state.day]);
      if (state.postcode) parts.push("pc=" + encodeURIComponent(state.postcode));
      if (state.sort !== "name") parts.push("sort=" + state.sort);
      if (state.inView) parts.push("inview=1");
      if (state.shortlist.length) parts.push("sl=" + state.shortlist.map(encodeURIComponent).join(","));
      var c = map.getCenter();
      parts.push("view=" + c.lat.toFixed(5) + "," + c.lng.toFixed(5) + "," + map.getZoom());
      var hash = "#" + parts.join("&");
      if (location.hash !== hash) history.replaceState(null, "", hash);
    }

    function loadState() {
      var params = {};
      location.hash.replace(/^#/, "").split("&").forEach(function (kv) {
        var at = kv.indexOf("=");
        if (at > 0) params[kv.slice(0, at)] = kv.slice(at + 1);
      });
      groups.forEach(function (g) {
        if (!params[g.key]) return;
        params[g.key].split(",").forEach(function (k) {
          var o = g.keys.indexOf(decodeURIComponent(k));
          if (o >= 0 && state.chosen[g.key].indexOf(o) < 0) state.chosen[g.key].push(o);
        });
      });
      var age = parseInt(params.age, 10);
      if (!isNaN(age)) state.age = age;
      if (params.day && DAY_KEYS.indexOf(params.day) >= 0) state.day = DAY_KEYS.indexOf(params.day);
      if (params.sort === "distance" || params.sort === "relevance") state.sort = params.sort;
      state.inView = params.inview === "1";
      if (params.sl) state.shortlist = params.sl.split(",").map(decodeURIComponent).filter(function (id) { return id in indexOfId; });
      if (params.view) {
        var v = params.view.split(",").map(Number);
        if (v.length === 3 && v.every(isFinite)) map.setView([v[0], v[1]], v[2]);
      }
      if (params.pc) {
        var found = lookup(decodeURIComponent(params.pc));
        if (found) {
          state.postcode = decodeURIComponent(params.pc);
          pc.value = state.postcode;
          state.origin = [found.hit[0], found.hit[1]];
          state.originArea = found.hit[2];
          state.originLabel = found.label;
        }
      }
    }

    function syncControls() {
      groups.forEach(function (g) {
        g.options.forEach(function (_, o) {
          document.getElementById("sprx-f-" + g.key + "-" + o).checked = state.chosen[g.key].indexOf(o) >= 0;
        });
      });
      document.getElementById("sprx-age").value = state.age === null ? "" : String(state.age);
      document.getElementById("sprx-day-" + (state.day === null ? 0 : state.day + 1)).checked = true;
      sort.value = state.sort;
      inView.checked = state.inView;
    }

    map.on("moveend", function () {
      if (state.inView) renderList();
      saveState();
    });

    loadState();
    syncControls();
    update();
    api.finder = {state: state, update: update, matching: function () { return matching.slice(); }};
  };
})();
