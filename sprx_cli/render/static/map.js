/* sprx page: the map, put together. The areas and their legend come from the page's first, small
 * data block and are drawn at once; then the rest of the data is read (pagedata.py names every
 * field of D), and the places, the search and the finder follow.
 *
 * `view` is what the modules share of one map: the Leaflet map, the page's data D, S (a text by
 * its index in D.strings), isEmail (sprx's email rule), and `api`, what the finder and the tests
 * drive (window.sprxMap).
 *
 * needs: addSearch, afterPaint, carryState, drawAreas, drawPlaces, emailRule, escapeHtml, keywordMatcher,
 *   loadAreas, loadData, markStale, say, t, timings, useWords
 * gives: addMarkers, clearAttribution, leafletWords
 */

window.sprxInit = function (map) {
  timings.init = performance.now();
  var D = loadAreas();
  useWords(D);
  carryState();
  leafletWords(map);
  var view = {map: map, D: D, api: null, S: function (i) { return i >= 0 ? D.strings[i] : null; }};
  var areas = drawAreas(view);
  clearAttribution(map);
  // Escape closes a card from wherever the focus is in the map (Leaflet's own only from the map itself)
  map.getContainer().addEventListener("keydown", function (ev) { if (ev.key === "Escape") map.closePopup(); });
  timings.areasDrawn = performance.now();
  afterPaint(function () {
    timings.areasPainted = performance.now();
    loadData().then(function (rest) {
      timings.dataParsed = performance.now();
      for (var key in rest) D[key] = rest[key];
      markStale(D);
      view.isEmail = emailRule(D);
      view.keywords = keywordMatcher(D, view.S);
      areas.list(D.schemes.id.map(function (_, si) { return si; }));
      var places = drawPlaces(view, areas);
      addSearch(view, places, areas);
      view.api = {data: D, openArea: areas.open, openScheme: places.openScheme, openPoint: places.openPoint,
                  showScheme: places.showScheme, view: view, needBands: areas.needBands,
                  shownPoints: places.shown, drawn: places.drawn, markerOf: places.markerOf,
                  showOnly: places.showOnly, shadeAreas: areas.shade, keywords: view.keywords};
      timings.built = performance.now();  // search and the finder's hooks; markers follow (markersLoaded)
      afterPaint(function () { addMarkers(view, places, areas); });  // the controls are painted first
    });
  });
};

// Leaflet's own words (its zoom buttons, layers button and popups' close button) in the page's language.
function leafletWords(map) {
  var label = function (node, text) {
    if (!node) return;
    node.title = text;
    node.setAttribute("aria-label", text);
  };
  if (map.zoomControl) {
    label(map.zoomControl._zoomInButton, t("Zoom in"));
    label(map.zoomControl._zoomOutButton, t("Zoom out"));
  }
  map.on("popupopen", function (ev) {
    var close = ev.popup.getElement() && ev.popup.getElement().querySelector(".leaflet-popup-close-button");
    if (close) close.setAttribute("aria-label", t("Close popup"));
  });
}

// The scale bar (bottom left) above the attribution where the attribution is wide enough to reach it.
function clearAttribution(map) {
  var box = map.getContainer(), attribution = box.querySelector(".leaflet-control-attribution");
  var left = box.querySelector(".leaflet-bottom.leaflet-left");
  if (!attribution || !left) return;
  function place() {
    left.style.bottom = "0px";
    var a = attribution.getBoundingClientRect(), l = left.getBoundingClientRect();
    if (a.left < l.right) left.style.bottom = Math.ceil(a.height) + "px";
  }
  place();
  map.on("resize", place);
}

function addMarkers(view, places, areas) {
  timings.firstPaint = performance.now();
  places.draw();
  timings.markersLoaded = performance.now();
  // The choropleth can be switched off; the finder's filters choose the markers.
  var overlays = {};
  overlays[escapeHtml(view.D.metricLabel)] = areas.layer;
  overlays[escapeHtml(t("Area names"))] = areas.labels;
  var layers = L.control.layers(null, overlays, {collapsed: true, position: "topright"}).addTo(view.map);
  var toggle = layers.getContainer().querySelector(".leaflet-control-layers-toggle");
  if (toggle) {
    toggle.title = t("Layers");
    toggle.setAttribute("aria-label", t("Layers"));
  }
  view.api.map = view.map;
  view.api.areas = areas.layer;
  view.api.say = function (name, n, numbers) { return say(view.D, name, n, numbers); };  // (for tests)
  window.sprxMap = view.api;
  if (window.sprxFinder) window.sprxFinder(view.api);
}
