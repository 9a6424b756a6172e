/* sprx page: the areas. The choropleth (SVG, so that areas with no scheme can be hatched), each
 * area's tooltip and popup, and the legend; shaded again when the finder's filters change.
 *
 * needs: COLOUR, button, cardPopupOptions, el, escapeHtml, people, schemeCard, schemeTitle, showCard,
 *   statusBadge, t, tn
 * gives: areaLabels, drawAreas, legend, legendRow, needClasses, needLegend, round1
 */

function drawAreas(view) {
  var D = view.D, A = D.areas, map = view.map;
  // What each area shows: every scheme on the map, or (with the finder's filters) those that
  // match; its schemes once they are read.
  var shown = {count: A.count.slice(), value: A.value.slice(), schemes: null};
  var layers = [];

  function summary(a) {
    if (D.metric === "need") {
      var c = needOf[a];
      return activeSchemes(shown.count[a]) + (c.rate !== null ? " " + t("({rate} per 100,000)", {rate: String(c.rate)}) : "") +
        "; " + (A.imdRank[a] !== null ? t("IMD 2025 rank {rank} of 296", {rank: A.imdRank[a]})
                : t("no IMD 2025 rank: {why}", {why: A.imdWhy[a]})) +
        "; " + (c.need ? t("need third {need}, provision third {provision}", {need: c.need, provision: c.provision}) +
                (c.need === 1 && c.provision === 1 ? ": " + t("least served") : "") : D.need.unclassed);
    }
    return shown.count[a] === 0 ? (shown.zeroLabel || D.zero.label)
      : activeSchemes(shown.count[a]) + (D.metric === "per-100k" ? " " + t("({rate} per 100,000)", {rate: String(shown.value[a])}) : "");
  }
  function activeSchemes(n) {
    return tn("{n} active scheme", "{n} active schemes", n);
  }
  var needOf = D.metric === "need" ? needClasses(D, A.count) : null;

  function tooltip(a) {
    var box = el("div", "sprx-tip");
    box.appendChild(el("strong", null, A.name[a]));
    box.appendChild(el("div", A.count[a] === 0 ? "sprx-none" : null, summary(a)));
    var cats = A.byCategory[a];
    for (var c = 0; c < cats.length; c++) {
      if (cats[c]) box.appendChild(el("div", "sprx-tip-cat", D.categories[c].label + ": " + people(cats[c])));
    }
    return box;
  }

  function popupOf(a, popup) {
    var box = el("div", "sprx-card sprx-area-popup");
    box.appendChild(el("h2", null, A.name[a]));
    box.appendChild(el("p", A.count[a] === 0 ? "sprx-none" : null, summary(a)));
    var list = shown.schemes ? shown.schemes[a] : [];
    if (list.length) {
      var SC = D.schemes, ul = el("ul", "sprx-list");
      list.forEach(function (si) {
        var li = el("li");
        li.appendChild(button(schemeTitle(view, si), null, function () {
          var card = schemeCard(view, si);
          var back = button("← " + t("All schemes in {area}", {area: A.name[a]}), "sprx-linkbutton sprx-back",
                            function () { showCard(popup, popupOf(a, popup)); });
          card.insertBefore(back, card.firstChild);
          showCard(popup, card);
        }));
        var badge = statusBadge(SC.status[si]);
        if (badge) { li.appendChild(document.createTextNode(" ")); li.appendChild(badge); }
        ul.appendChild(li);
      });
      box.appendChild(ul);
    }
    return box;
  }

  // An area's name and what it shows, for assistive technology ("Hackney: 3 active schemes").
  function named(a) {
    var path = layers[a] && layers[a].getElement && layers[a].getElement();
    if (!path) return;
    path.setAttribute("role", "img");
    path.setAttribute("aria-label", A.name[a] + ": " + summary(a));
  }

  function bandOf(value) {
    if (!value || value <= 0 || !D.bands.length) return -1;
    for (var b = 0; b < D.bands.length; b++) if (value <= D.bands[b].high) return b;
    return D.bands.length - 1;
  }

  function style(band) {
    if (D.metric === "need" && band === 0) {  // the least served: outlined
      return {fillColor: D.bands[0].colour, fillOpacity: 0.85, color: "#111111", weight: 3.5, dashArray: null};
    }
    if (band < 0) {
      return {fillColor: "url(#sprx-hatch)", fillOpacity: 1, color: D.zero.border, weight: 2, dashArray: "5 3"};
    }
    var colour = D.bands[band].colour;
    return {fillColor: COLOUR.test(colour) ? colour : "#888888", fillOpacity: 0.7, color: D.border, weight: 1,
            dashArray: null};
  }

  var layer = L.geoJSON(D.boundaries, {
    renderer: L.svg({padding: 0.2}),
    style: function (f) {
      var a = f.properties.a;
      var s = style(A.band[a]);
      s.className = "sprx-area sprx-area-" + String(A.code[a]).replace(/[^A-Za-z0-9_-]/g, "") +
        (A.band[a] < 0 ? " sprx-zero" : "") + (D.metric === "need" && A.band[a] === 0 ? " sprx-least-served" : "");
      return s;
    },
    onEachFeature: function (f, area) {
      var a = f.properties.a;
      layers[a] = area;
      area.bindTooltip(function () { return tooltip(a); }, {sticky: true});
      // (Leaflet points the area at its tooltip while shown and leaves the pointer when it closes)
      area.on("tooltipclose", function () {
        var path = area.getElement && area.getElement();
        if (path) path.removeAttribute("aria-describedby");
      });
      var popup = L.popup(cardPopupOptions(map));
      popup.setContent(function () { return popupOf(a, popup); });
      area.bindPopup(popup);
    }
  });
  layer.addTo(map);
  layers.forEach(function (area, a) { named(a); });
  var labels = areaLabels(map, layers, A);
  legend(D).addTo(map);
  map.attributionControl.addAttribution(escapeHtml(D.attribution));
  map.fitBounds(layer.getBounds(), {animate: false});  // (a card opened meanwhile would be put back by its end)

  return {
    layer: layer,
    layers: layers,
    labels: labels,
    // The schemes each area lists: those in `list` (indices into D.schemes) that serve it.
    list: function (list) {
      var SC = D.schemes, lists = A.code.map(function () { return []; });
      list.forEach(function (si) { SC.areas[si].forEach(function (a) { lists[a].push(si); }); });
      shown.schemes = lists;
    },
    // Shade each area by its count of the schemes the filters leave; `zeroLabel` says what an area with
    // none has none of ("no arts & creativity schemes recorded"), null without filters.
    shade: function (counts, zeroLabel) {
      shown.zeroLabel = zeroLabel || null;
      if (D.metric === "need") needOf = needClasses(D, counts);
      var zeros = D.metric === "need" ? needOf.filter(function (x) { return x.band < 0; }).length
        : counts.filter(function (c) { return c === 0; }).length;
      document.querySelectorAll(".sprx-legend-zero-count").forEach(function (x) { x.textContent = people(zeros); });
      counts.forEach(function (c, a) {
        shown.count[a] = c;
        var pop = A.population[a];
        shown.value[a] = D.metric === "per-100k" ? (pop ? Math.round(c * 1e7 / pop) / 100 : null) : c;
        var band = D.metric === "need" ? needOf[a].band : bandOf(shown.value[a]);
        var area = layers[a];
        if (!area) return;
        area.setStyle(style(band));
        var path = area.getElement && area.getElement();
        if (path) {
          path.classList.toggle("sprx-zero", band < 0);
          path.classList.toggle("sprx-least-served", D.metric === "need" && band === 0);
        }
      });
      counts.forEach(function (c, a) { named(a); });  // (after: the need map's classes are of every area)
    },
    // The need map's band per area as last shaded (-1: not classed); null on another map.
    needBands: function () { return needOf ? needOf.map(function (x) { return x.band; }) : null; },
    open: function (a) {
      var area = layers[a];
      map.fitBounds(area.getBounds(), {animate: false});  // (moving still, the popup would be panned wrong)
      area.openPopup(area.getBounds().getCenter());
    }
  };
}

// Each area's name on the map, in its middle (a layer of its own, in the layers control): hidden when
// the map is zoomed out too far to read them, and to assistive technology (the areas are named).
function areaLabels(map, layers, A) {
  var group = L.layerGroup();
  layers.forEach(function (area, a) {
    var tip = L.tooltip({permanent: true, direction: "center", className: "sprx-area-label", interactive: false})
      .setLatLng(area.getCenter ? area.getCenter() : area.getBounds().getCenter())
      .setContent(el("span", null, A.name[a]));  // (a node: Leaflet would read a string as HTML)
    group.addLayer(tip);
  });
  var hide = function () {
    map.getContainer().classList.toggle("sprx-labels-far", map.getZoom() < 10);
    group.eachLayer(function (tip) { var e = tip.getElement(); if (e) e.setAttribute("aria-hidden", "true"); });
  };
  group.on("add", hide);
  map.on("zoomend", hide);
  group.addTo(map);
  return group;
}

// The legend: a disclosure, closed on a phone so the map stays visible; open on a wider screen.
function legend(D) {
  var control = L.control({position: "bottomright"});
  control.onAdd = function () {
    var box = el("details", "sprx-legend leaflet-bar");
    box.open = !(window.matchMedia && window.matchMedia("(max-width: 800px)").matches);
    var title = el("summary");
    title.appendChild(el("strong", null, D.metricLabel));
    box.appendChild(title);
    var zero = el("div", "sprx-legend-row");
    zero.appendChild(el("span", "sprx-legend-swatch sprx-legend-zero"));
    var zeroText = el("span", null, (D.metric === "need" ? D.need.unclassed : "0 — " + D.zero.label) + " (");
    zeroText.appendChild(el("span", "sprx-legend-zero-count", people(D.metric === "need"
      ? D.areas.band.filter(function (b) { return b < 0; }).length : D.zero.count)));
    zeroText.appendChild(document.createTextNode(")"));
    zero.appendChild(zeroText);
    box.appendChild(zero);
    if (D.metric === "need") needLegend(D, box);
    var bands = el("div", "sprx-legend-bands");  // (two columns: the legend covers less of the map)
    if (D.metric === "need") bands.style.display = "none";  // (the grid says them)
    D.bands.forEach(function (b) { bands.appendChild(legendRow("sprx-legend-swatch", b.colour, "#888888", b.label)); });
    box.appendChild(bands);
    // the dots: which colour is which category (a scheme's dot has its first category's colour)
    var dots = el("details", "sprx-legend-dots");  // (folded: the map stays clear; the Category filter shows them too)
    dots.appendChild(el("summary", null, t("Dot colours: first category")));
    D.categories.forEach(function (c) { dots.appendChild(legendRow("sprx-legend-dot", c.colour, "#555555", c.label)); });
    dots.appendChild(el("div", "sprx-legend-note-dots", t("Faded, dashed dots are paused schemes.")));
    box.appendChild(dots);
    return box;
  };
  return control;
}

// A legend's row: a swatch of `colour` (the fallback when it is not #rrggbb) and its label.
function legendRow(cls, colour, fallback, label) {
  var r = el("div", "sprx-legend-row"), sw = el("span", cls);
  sw.style.background = COLOUR.test(colour) ? colour : fallback;
  r.appendChild(sw);
  r.appendChild(document.createTextNode(label));
  return r;
}

// Need beside provision, as aggregate/need.py rules it: of the areas with a population and an IMD
// rank, thirds by rank (1 = most deprived) and by schemes per 100,000 (one decimal, 1 = least), ties
// by code; band = 3 (need - 1) + (provision - 1), -1 for an area left out.
function needClasses(D, counts) {
  var A = D.areas, out = [], both = [];
  counts.forEach(function (c, a) {
    var pop = A.population[a], rate = pop ? round1(c * 100000 / pop) : null;
    out.push({rate: rate, need: null, provision: null, band: -1});
    if (rate !== null && A.imdRank[a] !== null) both.push(a);
  });
  var byCode = function (x, y) { return A.code[x] < A.code[y] ? -1 : A.code[x] > A.code[y] ? 1 : 0; };
  both.slice().sort(function (x, y) { return A.imdRank[x] - A.imdRank[y] || byCode(x, y); })
    .forEach(function (a, i) { out[a].need = 1 + Math.floor(3 * i / both.length); });
  both.slice().sort(function (x, y) { return out[x].rate - out[y].rate || byCode(x, y); })
    .forEach(function (a, i) { out[a].provision = 1 + Math.floor(3 * i / both.length); });
  both.forEach(function (a) { out[a].band = 3 * (out[a].need - 1) + (out[a].provision - 1); });
  return out;
}

// x to one decimal as Python's round(x, 1): the nearest by x's exact value, ties (x.25, x.75) to even.
function round1(x) {
  var frac = x - Math.floor(x);
  if (frac === 0.25 || frac === 0.75) {
    var f = Math.floor(x * 10);
    return (f % 2 === 0 ? f : f + 1) / 10;
  }
  return Number(x.toFixed(1));
}

// The need map's legend: a 3×3 grid, more deprived upwards, fewer schemes per resident to the right
// (the least served at the top right, outlined as on the map).
function needLegend(D, box) {
  var grid = el("div", "sprx-need-grid");
  grid.setAttribute("role", "img");
  var said = [];
  for (var n = 1; n <= 3; n++) {  // (the most deprived third on top)
    for (var p = 3; p >= 1; p--) {
      var b = D.bands[3 * (n - 1) + (p - 1)], cell = el("span", "sprx-need-cell" + (n === 1 && p === 1 ? " sprx-least-served" : ""));
      cell.style.background = COLOUR.test(b.colour) ? b.colour : "#888888";
      grid.appendChild(cell);
      said.push(b.label);
    }
  }
  grid.setAttribute("aria-label", t("3 by 3 colours: {colours}", {colours: said.join("; ")}));
  var wrap = el("div", "sprx-need-legend");
  wrap.appendChild(el("div", "sprx-need-y", "\u2191 " + D.need.axes.need));
  wrap.appendChild(grid);
  wrap.appendChild(el("div", "sprx-need-x", D.need.axes.provision + " \u2192"));
  wrap.appendChild(el("div", "sprx-legend-note", t("Outlined: least served (most deprived third, least provision).")));
  box.appendChild(wrap);
}
