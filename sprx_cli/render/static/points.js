/* sprx page: the schemes' places. Clustered here from plain arrays: a grid of CELL-pixel squares over
 * what is in view, drawn again after each move and each change of filters. Only what is on screen
 * becomes a marker (a few hundred at most), so 100,000 places cost one pass over two arrays.
 *
 * needs: COLOUR, button, cardPopupOptions, el, people, schemeCard, schemeLabel, schemeTitle, showCard, t,
 *   timings, tn
 * gives: APART, CELL, drawPlaces, spread
 */

var CELL = 48;
var APART = 44;  // px between the centres of two markers at least, or they become one cluster: no two
                 // targets overlap, each with room for a 24 px target (WCAG 2.2 target size)

// The grid's cells with any two whose centres are closer than APART (across a cell edge) merged, until
// none are: a point near its cell's edge never draws a marker on top of its neighbour's.
function spread(cells) {
  var list = Array.from(cells.values());
  for (var pass = 0; pass < 4; pass++) {
    var kept = [], merged = false;
    list.forEach(function (c) {
      var cx = c.sx / c.points.length, cy = c.sy / c.points.length;
      for (var i = 0; i < kept.length; i++) {
        var o = kept[i];
        if (Math.abs(o.sx / o.points.length - cx) < APART && Math.abs(o.sy / o.points.length - cy) < APART) {
          o.sx += c.sx;
          o.sy += c.sy;
          o.points = o.points.concat(c.points);
          merged = true;
          return;
        }
      }
      kept.push(c);
    });
    list = kept;
    if (!merged) break;
  }
  return list;
}

function drawPlaces(view, areas) {
  var D = view.D, SC = D.schemes, P = D.points, S = view.S, map = view.map;
  var MAX_ZOOM = map.getMaxZoom() || 18, N = P.lat.length;
  var mx = new Float64Array(N), my = new Float64Array(N), show = new Uint8Array(N).fill(1);
  var firstPoint = {}, single = {}, drawn = {clusters: 0, singles: 0, inClusters: 0};
  for (var k = 0; k < N; k++) {
    mx[k] = (P.lon[k] + 180) / 360;  // Web Mercator, 0..1, as Leaflet projects at zoom 0 / 256
    var sin = Math.sin(P.lat[k] * Math.PI / 180);
    my[k] = 0.5 - Math.log((1 + sin) / (1 - sin)) / (4 * Math.PI);
    if (!(P.scheme[k] in firstPoint)) firstPoint[P.scheme[k]] = k;
  }
  map.createPane("sprx-points").style.zIndex = 450;
  var group = L.layerGroup().addTo(map);
  map.on("moveend", draw);

  // A place: a round, focusable marker (24 px to touch) that says what it is.
  function placeMarker(k) {
    var si = P.scheme[k], colour = D.categories[SC.colour[si]].colour;
    var paused = SC.status[si] !== "active";
    var icon = L.divIcon({html: "", className: "sprx-place" + (paused ? " sprx-place-paused" : ""),
                          iconSize: L.point(24, 24)});
    var create = icon.createIcon;
    icon.createIcon = function (old) {
      var node = create.call(icon, old);
      node.style.setProperty("--sprx-colour", COLOUR.test(colour) ? colour : "#555555");
      node.setAttribute("role", "button");
      node.setAttribute("aria-label", schemeLabel(view, si) + (paused ? " " + t("(paused)") : ""));
      return node;
    };
    var m = L.marker([P.lat[k], P.lon[k]], {icon: icon, pane: "sprx-points", keyboard: true, riseOnHover: true});
    m.sprxPoint = k;
    m.sprxScheme = si;
    m.bindPopup(function () { return schemeCard(view, si, k); }, cardPopupOptions(map));
    return m;
  }

  // A cluster says how many places it holds, to a screen reader too; a click or Enter zooms in
  // (or, where they all share one spot, lists them).
  function clusterMarker(cell) {
    var count = cell.points.length;
    var size = count < 10 ? "small" : count < 100 ? "medium" : "large";
    var icon = L.divIcon({html: "<div><span>" + people(count) + "</span></div>",
                          className: "marker-cluster marker-cluster-" + size, iconSize: L.point(40, 40)});
    var create = icon.createIcon;
    icon.createIcon = function (old) {
      var node = create.call(icon, old);
      node.setAttribute("role", "button");
      node.setAttribute("aria-label", tn("{n} scheme here: zoom in to see them", "{n} schemes here: zoom in to see them", count));
      node.addEventListener("keydown", function (ev) {  // Leaflet's own Enter only opens popups
        if (ev.key === "Enter" || ev.key === " ") { ev.preventDefault(); activate(); }
      });
      return node;
    };
    var centre = map.unproject([cell.sx / count, cell.sy / count], map.getZoom());
    var m = L.marker(centre, {icon: icon, pane: "sprx-points", keyboard: true});
    m.sprxCount = count;
    m.on("click", activate);
    return m;

    function activate() {
      var lats = cell.points.map(function (p) { return P.lat[p]; }), lons = cell.points.map(function (p) { return P.lon[p]; });
      var bounds = L.latLngBounds([Math.min.apply(null, lats), Math.min.apply(null, lons)],
                                  [Math.max.apply(null, lats), Math.max.apply(null, lons)]);
      if (map.getZoom() < MAX_ZOOM && bounds.getNorthEast().distanceTo(bounds.getSouthWest()) > 1) {
        map.fitBounds(bounds.pad(0.1), {animate: false, maxZoom: MAX_ZOOM});
        return;
      }
      var box = el("div", "sprx-card");
      box.appendChild(el("h2", null, tn("{n} scheme here", "{n} schemes here", count)));
      var ul = el("ul", "sprx-list");
      cell.points.forEach(function (p) {
        var li = el("li");
        li.appendChild(button(schemeTitle(view, P.scheme[p]), null, function () {
          showCard(popup, schemeCard(view, P.scheme[p], p));
        }));
        ul.appendChild(li);
      });
      box.appendChild(ul);
      var popup = L.popup(cardPopupOptions(map)).setLatLng(centre).setContent(box).openOn(map);
    }
  }

  var opening = false, pending = false;  // a card opening pans the map: its marker is redrawn after

  function draw() {
    if (opening) { pending = true; return; }
    var z = map.getZoom(), scale = 256 * Math.pow(2, z), b = map.getPixelBounds();
    var x0 = b.min.x - CELL, x1 = b.max.x + CELL, y0 = b.min.y - CELL, y1 = b.max.y + CELL;
    var cells = new Map();
    for (var k = 0; k < N; k++) {
      if (!show[k]) continue;
      var px = mx[k] * scale, py = my[k] * scale;
      if (px < x0 || px > x1 || py < y0 || py > y1) continue;
      var key = Math.floor(px / CELL) * 4194304 + Math.floor(py / CELL);
      var cell = cells.get(key);
      if (!cell) cells.set(key, cell = {sx: 0, sy: 0, points: []});
      cell.sx += px;
      cell.sy += py;
      cell.points.push(k);
    }
    var open = map._popup && map._popup.isOpen && map._popup.isOpen() ? map._popup : null;
    var pane = map.getPane("sprx-points");
    var hadFocus = document.activeElement && pane.contains(document.activeElement);
    var cardFocus = open && open.getElement() && open.getElement().contains(document.activeElement);
    view.redrawing = true;  // (the card closed here is opened again at once: not closed for the person)
    group.clearLayers();
    single = {};
    drawn = {clusters: 0, singles: 0, inClusters: 0};
    spread(cells).forEach(function (cell) {
      if (cell.points.length === 1) {
        var m = placeMarker(cell.points[0]);
        single[cell.points[0]] = m;
        group.addLayer(m);
        drawn.singles++;
      } else {
        group.addLayer(clusterMarker(cell));
        drawn.clusters++;
        drawn.inClusters += cell.points.length;
      }
    });
    if (open && !map.hasLayer(open)) {  // a card stays open while the map moves (without moving it again)
      open.options.autoPan = false;
      open.openOn(map);
      var h = cardFocus && open.getElement().querySelector(".sprx-card h2");
      if (h) { h.tabIndex = -1; h.focus({preventScroll: true}); }
    }
    view.redrawing = false;
    if (hadFocus) {  // the marker that had the keyboard's focus was redrawn: focus stays in the map
      var first = pane.querySelector(".marker-cluster, .sprx-place");
      (first || map.getContainer()).focus();
    }
    timings.markersShown = performance.now();
  }

  // Open the card of place k: jump (no animation: a background tab never finishes one) to where
  // it is drawn on its own; a place that shares its spot with others gets its card at that spot.
  function openPoint(k) {
    var at = [P.lat[k], P.lon[k]];
    if (!single[k]) map.setView(at, Math.max(map.getZoom(), MAX_ZOOM - 1), {animate: false});
    var m = single[k];
    if (m) {
      opening = true;
      try { m.openPopup(); } finally { opening = false; }
      if (pending) { pending = false; draw(); }
    }
    else L.popup(cardPopupOptions(map)).setLatLng(at).setContent(schemeCard(view, P.scheme[k], k)).openOn(map);
  }

  // A scheme's card: at its first place when it is shown, else in the middle of its first area.
  function openScheme(si) {
    var k = firstPoint[si];
    if (k !== undefined && show[k]) {
      openPoint(k);
      return;
    }
    var area = areas.layers[SC.areas[si][0]];
    map.fitBounds(area.getBounds(), {animate: false});  // (moving still, the card would be panned to where the map was)
    L.popup(cardPopupOptions(map)).setLatLng(area.getBounds().getCenter()).setContent(schemeCard(view, si)).openOn(map);
  }

  // The map at a scheme's first place (or its first area), without opening its card.
  function showScheme(si) {
    var k = firstPoint[si];
    if (k !== undefined && show[k]) map.setView([P.lat[k], P.lon[k]], Math.max(map.getZoom(), MAX_ZOOM - 3), {animate: false});
    else if (SC.areas[si].length) map.fitBounds(areas.layers[SC.areas[si][0]].getBounds(), {animate: false});
  }

  return {
    draw: draw,
    openPoint: openPoint,
    openScheme: openScheme,
    showScheme: showScheme,
    // Show only the places of these schemes (indices into D.schemes); their areas list them alone.
    showOnly: function (list) {
      var keep = new Uint8Array(SC.id.length);
      list.forEach(function (si) { keep[si] = 1; });
      for (var k = 0; k < N; k++) show[k] = keep[P.scheme[k]];
      draw();
      areas.list(list);
    },
    shown: function () { var c = 0; for (var k = 0; k < N; k++) c += show[k]; return c; },
    drawn: function () { return drawn; },
    markerOf: function (k) { return single[k] || null; }
  };
}
