/* sprx finder: where the person is (a postcode, or their location), and the page's address, which
 * keeps everything chosen (filters, postcode, sort, view, shortlist), so that a copied link restores it.
 *
 * `f` is the finder's state (finder.js).
 *
 * needs: decoded, el, field, foldText, inGeometry, km, setKeywords, showResults, t, textMap, withinMiles
 * gives: NEAREST, RADII, areaAt, areaMiddle, areaNamed, buildWhere, carryState, clearOf, loadState, lookup,
 *   markHere, nearestPlaces, placeNamed, saveState, setOrigin, syncNear
 */

// The area (index into D.areas) a point falls in, or -1.
function areaAt(f, lat, lon) {
  var feats = f.D.boundaries.features;
  for (var i = 0; i < feats.length; i++) if (inGeometry(lon, lat, feats[i].geometry)) return feats[i].properties.a;
  return -1;
}

// A full postcode (its sector's centre) or a district, from the page's postcode table; null when unknown.
function lookup(f, text) {
  var D = f.D, code = text.toUpperCase().replace(/[^A-Z0-9]/g, "");
  if (!code || !D.postcodes) return null;
  var m = /^([A-Z]{1,2}[0-9][0-9A-Z]?)([0-9])([A-Z]{2})?$/.exec(code);
  if (m && m[3] && D.postcodes.sectors[m[1] + " " + m[2]]) {
    return {hit: D.postcodes.sectors[m[1] + " " + m[2]], label: m[1] + " " + m[2] + m[3], zoom: 15};
  }
  var district = m ? m[1] : code;
  if (D.postcodes.districts[district]) return {hit: D.postcodes.districts[district], label: district, zoom: 14};
  return null;
}

// A place of the page's place-name table (the places setting) the text names, as `lookup` gives a
// postcode; null when none.
function placeNamed(f, text) {
  var P = f.D.places, folded = foldText(text);
  if (!P || !folded) return null;
  if (!f.placeKeys) {
    f.placeKeys = textMap();
    Object.keys(P).forEach(function (name) {
      var key = foldText(name);
      if (!(key in f.placeKeys)) f.placeKeys[key] = name;
    });
  }
  var name = f.placeKeys[folded];
  return name === undefined ? null : {hit: P[name], label: name, zoom: 14};
}

var RADII = [1, 2, 5, 10];

// The distance and "only schemes that serve {area}" choices, shown once there is a place to measure from.
function syncNear(f) {
  var state = f.state, ui = f.ui, area = state.originArea;
  ui.near.hidden = !state.origin;
  ui.radius.value = String(state.radius || 0);
  ui.servesHere.parentNode.hidden = area < 0;
  ui.servesHereText.textContent = area >= 0 ? " " + t("Only schemes that serve {area}", {area: f.D.areas.name[area]}) : "";
  ui.servesHere.checked = !!state.servesHere && area >= 0;
}  // miles a search may be kept within

// The area (index into D.areas) whose name the text is, accents, case and spacing apart; -1 if none.
function areaNamed(f, text) {
  var folded = foldText(text), A = f.D.areas;
  if (!folded) return -1;
  var at = A.name.map(foldText).indexOf(folded);
  for (var a = 0; a < A.code.length && at < 0; a++) {  // (its other names: "LBBD", "Barking", "Caerdydd")
    if (A.aliases[a].some(function (x) { return foldText(x) === folded; })) at = a;
  }
  return at;
}

// The middle of an area's boundary (of its bounding box): where a search by its name measures from.
function areaMiddle(f, a) {
  var box = [90, 180, -90, -180];
  f.D.boundaries.features.forEach(function (feat) {
    if (feat.properties.a !== a) return;
    (function walk(c) {
      if (typeof c[0] === "number") {
        box = [Math.min(box[0], c[1]), Math.min(box[1], c[0]), Math.max(box[2], c[1]), Math.max(box[3], c[0])];
      } else c.forEach(walk);
    })(feat.geometry.coordinates);
  });
  return [(box[0] + box[2]) / 2, (box[1] + box[3]) / 2];
}

// Search from a place: the list sorted by distance, the place marked, and the map showing it with
// the nearest places that match (`here`: what the mark says, e.g. "SE1 7PB: the postcode you searched").
function setOrigin(f, lat, lon, area, label, zoom, here) {
  var state = f.state;
  state.origin = [lat, lon];
  state.originArea = area;
  state.originLabel = label;
  state.sort = "distance";
  f.ui.sort.value = "distance";
  syncNear(f);
  f.ui.whereStatus.textContent = area >= 0 ? t("Sorted by distance from {place} ({area}).", {place: label, area: f.D.areas.name[area]})
                                           : t("Sorted by distance from {place}.", {place: label});
  markHere(f, lat, lon, here);
  f.update();
  var near = nearestPlaces(f, lat, lon, NEAREST);
  if (!near.length) f.map.setView([lat, lon], zoom, {animate: false});
  else f.map.fitBounds(L.latLngBounds([[lat, lon]].concat(near.map(function (p) { return [f.D.points.lat[p], f.D.points.lon[p]]; }))),
                       {paddingTopLeft: clearOf(f.map, "top", "left"), paddingBottomRight: clearOf(f.map, "bottom", "right"),
                        maxZoom: 16, animate: false});
  showResults(f);
}

// The room the map's controls take in a corner (x beside them, y above or below them), at least 36 px:
// the places brought into view stay clear of them, where a finger can reach them.
function clearOf(map, vertical, horizontal) {
  var box = map.getContainer().getBoundingClientRect(), x = 36, y = 36;
  var corner = map.getContainer().querySelector(".leaflet-" + vertical + ".leaflet-" + horizontal);
  if (corner) {
    corner.querySelectorAll(".leaflet-control").forEach(function (c) {
      var r = c.getBoundingClientRect();
      if (!r.width) return;
      x = Math.max(x, (horizontal === "left" ? r.right - box.left : box.right - r.left) + 12);
      y = Math.max(y, (vertical === "top" ? r.bottom - box.top : box.bottom - r.top) + 12);
    });
  }
  return L.point(Math.min(x, box.width / 3), Math.min(y, box.height / 3));
}

var NEAREST = 3;  // places a postcode search brings into view, at least

// The `k` places nearest (lat, lon) of the schemes that match, nearest first.
function nearestPlaces(f, lat, lon, k) {
  var P = f.D.points, best = [];
  f.matching.forEach(function (si) {
    f.placesOf[si].forEach(function (p) {
      var d = km(lat, lon, P.lat[p], P.lon[p]);
      if (best.length < k || d < best[best.length - 1][0]) {
        best.push([d, p]);
        best.sort(function (x, y) { return x[0] - y[0]; });
        if (best.length > k) best.pop();
      }
    });
  });
  return best.map(function (x) { return x[1]; });
}

// The mark of the place searched from, which says what it is.
function markHere(f, lat, lon, text) {
  if (f.here) f.map.removeLayer(f.here);
  var icon = L.divIcon({html: "", className: "sprx-here", iconSize: L.point(22, 22)});
  var create = icon.createIcon;
  icon.createIcon = function (old) {
    var node = create.call(icon, old);
    node.setAttribute("role", "img");
    node.setAttribute("aria-label", text);
    node.title = text;
    return node;
  };
  f.here = L.marker([lat, lon], {icon: icon, interactive: false, keyboard: false, zIndexOffset: 1000}).addTo(f.map);
}

// The postcode field, its Find button and "Use my location".
function buildWhere(f, root) {
  var ui = f.ui;
  var where = el("form", "sprx-where");
  where.setAttribute("role", "search");
  var pcField = field(t("Postcode"), "sprx-postcode", "text"), pc = ui.postcode = pcField[1];
  pc.autocomplete = "postal-code";
  var hint = f.D.places ? el("p", "sprx-hint", t("Or the name of an area or a place")) : null;
  if (hint) hint.id = "sprx-postcode-hint";
  pc.setAttribute("aria-describedby", (hint ? "sprx-postcode-hint " : "") + "sprx-where-status");
  var find = el("button", null, t("Find"));
  find.type = "submit";
  var locate = el("button", null, t("Use my location"));
  locate.type = "button";
  var status = ui.whereStatus = el("p", "sprx-where-status");
  status.id = "sprx-where-status";
  status.setAttribute("aria-live", "polite");
  var near = ui.near = el("div", "sprx-near");
  near.hidden = true;
  var radiusLabel = el("label", null, t("Distance") + " ");
  var radius = ui.radius = el("select");
  radius.id = "sprx-radius";
  [[0, t("Any distance")]].concat(RADII.map(function (m) { return [m, withinMiles(m)]; })).forEach(function (x) {
    var opt = el("option", null, x[1]);
    opt.value = String(x[0]);
    radius.appendChild(opt);
  });
  radius.addEventListener("change", function () { f.state.radius = Number(radius.value) || null; f.update(); });
  radiusLabel.appendChild(radius);
  var hereLabel = el("label");
  var here = ui.servesHere = el("input");
  here.type = "checkbox";
  here.id = "sprx-serves-here";
  here.addEventListener("change", function () { f.state.servesHere = here.checked; f.update(); });
  hereLabel.appendChild(here);
  ui.servesHereText = hereLabel.appendChild(el("span"));
  near.appendChild(radiusLabel);
  near.appendChild(hereLabel);
  [pcField[0], pc, find, locate, hint, status, near].forEach(function (x) { if (x) where.appendChild(x); });
  if (!f.D.postcodes && !f.D.places) {
    pc.disabled = find.disabled = true;
    status.textContent = t("Postcode search needs a postcode table (the 'postcodes' setting).");
  }
  root.appendChild(where);
  where.addEventListener("submit", function (ev) {
    ev.preventDefault();
    var found = lookup(f, pc.value), area = found ? -1 : areaNamed(f, pc.value);
    if (area >= 0) {  // an area's name ("Hackney"): from its middle, and only what serves it
      var mid = areaMiddle(f, area);
      f.state.postcode = f.D.areas.name[area];
      f.state.servesHere = true;
      setOrigin(f, mid[0], mid[1], area, f.D.areas.name[area], 12, t("{area}: the area you searched", {area: f.D.areas.name[area]}));
      return;
    }
    var place = found ? null : placeNamed(f, pc.value);
    if (place) {  // a place's name ("Peckham"): from its centre
      f.state.postcode = place.label;
      setOrigin(f, place.hit[0], place.hit[1], place.hit[2], place.label, place.zoom,
                t("{place}: the place you searched", {place: place.label}));
      return;
    }
    if (!found && pc.value.trim() && !/\d/.test(pc.value)) {  // (words, not a postcode: "walking", "debt advice")
      var words = pc.value.trim();
      pc.value = "";
      f.ui.keywords.value = words;
      setKeywords(f, words);
      f.update();
      status.textContent = f.D.places
        ? t("“{words}” is not a postcode, an area or a place here, so it was searched as keywords.", {words: words})
        : t("“{words}” is not a postcode or an area here, so it was searched as keywords.", {words: words});
      showResults(f);
      return;
    }
    if (!found) {
      status.textContent = pc.value.trim() ? t("Postcode {postcode} is not in this map's areas.", {postcode: pc.value.trim()})
        : f.D.places ? t("Type a postcode, e.g. SE1 7PB, a district, e.g. SE1, or a place.")
        : t("Type a postcode, e.g. SE1 7PB, or a district, e.g. SE1.");
      return;
    }
    f.state.postcode = pc.value.trim().toUpperCase();
    setOrigin(f, found.hit[0], found.hit[1], found.hit[2], found.label, found.zoom,
              t("{postcode}: the postcode you searched", {postcode: found.label}));
  });
  locate.addEventListener("click", function () {
    if (!navigator.geolocation) { status.textContent = t("This browser cannot share its location."); return; }
    status.textContent = t("Finding your location…");
    navigator.geolocation.getCurrentPosition(function (pos) {
      var lat = pos.coords.latitude, lon = pos.coords.longitude;
      f.state.postcode = null;
      setOrigin(f, lat, lon, areaAt(f, lat, lon), t("your location"), 14, t("Your location"));
    }, function () { status.textContent = t("Your location is not available."); });
  });
}

// --- the address keeps it all ---

function saveState(f) {
  var state = f.state, days = f.D.keys.days, map = f.map, parts = [];
  f.groups.forEach(function (g) {
    if (state.chosen[g.key].length) {
      parts.push(g.key + "=" + state.chosen[g.key].map(function (o) { return encodeURIComponent(g.keys[o]); }).join(","));
    }
  });
  if (state.q.trim()) parts.push("q=" + encodeURIComponent(state.q.trim()));
  if (state.age !== null) parts.push("age=" + state.age);
  if (state.day !== null) parts.push("day=" + days[state.day]);
  if (state.postcode) parts.push("pc=" + encodeURIComponent(state.postcode));
  if (state.radius) parts.push("mi=" + state.radius);
  if (state.servesHere) parts.push("here=1");
  if (state.sort !== "name") parts.push("sort=" + state.sort);
  if (state.inView) parts.push("inview=1");
  if (state.shortlist.length) parts.push("sl=" + state.shortlist.map(encodeURIComponent).join(","));
  var c = map.getCenter();
  parts.push("view=" + c.lat.toFixed(5) + "," + c.lng.toFixed(5) + "," + map.getZoom());
  var hash = "#" + parts.join("&");
  if (location.hash !== hash) history.replaceState(null, "", hash);
  carryState();
}

// The links to the page in its other languages carry the finder's state: the same fragment (its
// filters are vocabulary keys, not words, so it means the same in every language).
function carryState() {
  var links = document.querySelectorAll("a.sprx-language");
  for (var i = 0; i < links.length; i++) {
    links[i].setAttribute("href", links[i].getAttribute("href").split("#")[0] + location.hash);
  }
}


function loadState(f) {
  var state = f.state, days = f.D.keys.days, params = textMap();
  location.hash.replace(/^#/, "").split("&").forEach(function (kv) {
    var at = kv.indexOf("=");
    if (at > 0) params[kv.slice(0, at)] = kv.slice(at + 1);
  });
  f.groups.forEach(function (g) {
    if (!params[g.key]) return;
    params[g.key].split(",").forEach(function (k) {
      var o = g.keys.indexOf(decoded(k));
      if (g.shown.indexOf(o) >= 0 && state.chosen[g.key].indexOf(o) < 0) state.chosen[g.key].push(o);
    });
  });
  if (params.q) setKeywords(f, decoded(params.q));
  var age = parseInt(params.age, 10);
  if (!isNaN(age) && f.hasAges) state.age = age;
  if (params.day && f.days[days.indexOf(params.day)]) state.day = days.indexOf(params.day);
  if (params.sort === "distance" || params.sort === "relevance") state.sort = params.sort;
  state.inView = params.inview === "1";
  if (params.sl) {
    state.shortlist = params.sl.split(",").map(decoded).filter(function (id) { return id in f.indexOfId; });
  }
  if (params.view) {
    var v = params.view.split(",").map(Number);
    if (v.length === 3 && v.every(isFinite)) f.map.setView([v[0], v[1]], v[2], {animate: false});
  }
  if (RADII.indexOf(Number(params.mi)) >= 0) state.radius = Number(params.mi);
  state.servesHere = params.here === "1";
  var named = params.pc ? areaNamed(f, decoded(params.pc)) : -1;
  if (named >= 0) {
    var mid = areaMiddle(f, named);
    state.postcode = f.D.areas.name[named];
    f.ui.postcode.value = state.postcode;
    state.origin = mid;
    state.originArea = named;
    state.originLabel = state.postcode;
    markHere(f, mid[0], mid[1], t("{area}: the area you searched", {area: state.postcode}));
  }
  if (params.pc && named < 0) {
    var found = lookup(f, decoded(params.pc)), place = found ? null : placeNamed(f, decoded(params.pc));
    if (found || place) {
      state.postcode = place ? place.label : decoded(params.pc);
      f.ui.postcode.value = state.postcode;
      var hit = (found || place).hit;
      state.origin = [hit[0], hit[1]];
      state.originArea = hit[2];
      state.originLabel = (found || place).label;
      markHere(f, hit[0], hit[1], found ? t("{postcode}: the postcode you searched", {postcode: found.label})
                                        : t("{place}: the place you searched", {place: place.label}));
    }
  }
}
