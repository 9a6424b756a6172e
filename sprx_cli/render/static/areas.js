/* sprx page: the areas. The choropleth (SVG, so that areas with no scheme can be hatched), each
 * area's tooltip and popup, and the legend; shaded again when the finder's filters change.
 */

function drawAreas(view) {
  var D = view.D, A = D.areas, map = view.map;
  // What each area shows: every scheme on the map, or (with the finder's filters) those that
  // match; its schemes once they are read.
  var shown = {count: A.count.slice(), value: A.value.slice(), schemes: null};
  var layers = [];

  function summary(a) {
    return shown.count[a] === 0 ? D.zero.label
      : plural(shown.count[a], "active scheme") + (D.metric === "per-100k" ? " (" + shown.value[a] + " per 100,000)" : "");
  }

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
        li.appendChild(button(schemeLabel(view, si), null, function () {
          var card = schemeCard(view, si);
          var back = button("← All schemes in " + A.name[a], "sprx-linkbutton sprx-back",
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

  function bandOf(value) {
    if (!value || value <= 0 || !D.bands.length) return -1;
    for (var b = 0; b < D.bands.length; b++) if (value <= D.bands[b].high) return b;
    return D.bands.length - 1;
  }

  function style(band) {
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
        (A.band[a] < 0 ? " sprx-zero" : "");
      return s;
    },
    onEachFeature: function (f, area) {
      var a = f.properties.a;
      layers[a] = area;
      area.bindTooltip(function () { return tooltip(a); }, {sticky: true});
      var popup = L.popup(cardPopupOptions(map));
      popup.setContent(function () { return popupOf(a, popup); });
      area.bindPopup(popup);
    }
  });
  layer.addTo(map);
  legend(D).addTo(map);
  map.attributionControl.addAttribution(escapeHtml(D.attribution));
  map.fitBounds(layer.getBounds());

  return {
    layer: layer,
    layers: layers,
    // The schemes each area lists: those in `list` (indices into D.schemes) that serve it.
    list: function (list) {
      var SC = D.schemes, lists = A.code.map(function () { return []; });
      list.forEach(function (si) { SC.areas[si].forEach(function (a) { lists[a].push(si); }); });
      shown.schemes = lists;
    },
    // Shade each area by its count of the schemes the filters leave.
    shade: function (counts) {
      var zeros = counts.filter(function (c) { return c === 0; }).length;
      document.querySelectorAll(".sprx-legend-zero-count").forEach(function (x) { x.textContent = people(zeros); });
      counts.forEach(function (c, a) {
        shown.count[a] = c;
        var pop = A.population[a];
        shown.value[a] = D.metric === "per-100k" ? (pop ? Math.round(c * 1e7 / pop) / 100 : null) : c;
        var band = bandOf(shown.value[a]);
        var area = layers[a];
        if (!area) return;
        area.setStyle(style(band));
        var path = area.getElement && area.getElement();
        if (path) path.classList.toggle("sprx-zero", band < 0);
      });
    },
    open: function (a) {
      var area = layers[a];
      map.fitBounds(area.getBounds());
      area.openPopup(area.getBounds().getCenter());
    }
  };
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
    var zeroText = el("span", null, "0 — " + D.zero.label + " (");
    zeroText.appendChild(el("span", "sprx-legend-zero-count", people(D.zero.count)));
    zeroText.appendChild(document.createTextNode(")"));
    zero.appendChild(zeroText);
    box.appendChild(zero);
    var bands = el("div", "sprx-legend-bands");  // (two columns: the legend covers less of the map)
    D.bands.forEach(function (b) {
      var r = el("div", "sprx-legend-row");
      var sw = el("span", "sprx-legend-swatch");
      sw.style.background = COLOUR.test(b.colour) ? b.colour : "#888888";
      r.appendChild(sw);
      r.appendChild(document.createTextNode(b.label));
      bands.appendChild(r);
    });
    box.appendChild(bands);
    // the dots: which colour is which category (a scheme's dot has its first category's colour)
    var dots = el("details", "sprx-legend-dots");  // (folded: the map stays clear; the Category filter shows them too)
    dots.appendChild(el("summary", null, "Dot colours: first category"));
    D.categories.forEach(function (c) {
      var r = el("div", "sprx-legend-row");
      var dot = el("span", "sprx-legend-dot");
      dot.style.background = COLOUR.test(c.colour) ? c.colour : "#555555";
      r.appendChild(dot);
      r.appendChild(document.createTextNode(c.label));
      dots.appendChild(r);
    });
    dots.appendChild(el("div", "sprx-legend-note-dots", "Faded, dashed dots are paused schemes."));
    box.appendChild(dots);
    return box;
  };
  return control;
}
