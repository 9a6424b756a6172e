/* sprx map: builds the layers of a social-prescribing map from the JSON data block.
 *
 * Registry text is only ever put into the page with textContent (never innerHTML), and links
 * are made only from http(s), mailto and tel addresses, so nothing in the registry can run.
 * The one Leaflet API that takes HTML (layer-control labels) gets escaped text.
 */
(function () {
  "use strict";

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }

  function escapeHtml(text) {
    var d = document.createElement("div");
    d.textContent = String(text);
    return d.innerHTML;
  }

  function httpUrl(u) {
    try {
      var url = new URL(u);
      return (url.protocol === "http:" || url.protocol === "https:") ? url.href : null;
    } catch (e) {
      return null;
    }
  }

  var EMAIL = /^[A-Za-z0-9._%+'-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$/;
  var COLOUR = /^#[0-9a-fA-F]{6}$/;

  function link(href, text) {
    var a = el("a", null, text);
    a.setAttribute("href", href);
    a.setAttribute("rel", "noopener noreferrer");
    a.setAttribute("target", "_blank");
    return a;
  }

  // A button whose click replaces the popup content: the button leaves the page before the
  // click reaches the map, so Leaflet can no longer see it came from inside the popup and would
  // close it. Stop the click here.
  function button(text, cls, onClick) {
    var b = el("button", cls || "sprx-linkbutton", text);
    b.type = "button";
    b.addEventListener("click", function (ev) {
      L.DomEvent.stopPropagation(ev);
      onClick();
    });
    return b;
  }

  // Counts for people: 5,000 rather than 5000 (the same grouping as Python's f"{n:,}").
  function people(n) {
    return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  }

  function plural(n, word) {
    return people(n) + " " + word + (n === 1 ? "" : "s");
  }

  // The areas and their legend come first, in a small block of their own: a national registry's
  // schemes take seconds to inflate and parse, and the map need not be blank meanwhile.
  function loadAreas() {
    return JSON.parse(document.getElementById("sprx-areas").textContent);
  }

  // The rest. Large registries ship it gzip-compressed (base64); the browser inflates it.
  function loadData() {
    var node = document.getElementById("sprx-data");
    if (node.getAttribute("data-encoding") !== "gzip+base64") {
      return Promise.resolve(JSON.parse(node.textContent));
    }
    var raw = atob(node.textContent);
    var bytes = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i);
    var stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
    return new Response(stream).text().then(JSON.parse);
  }

  // Timings for the benchmark (performance.now() milliseconds since navigation started).
  var timings = window.sprxTimings = {};

  // Once the browser has painted what is on the page (a timer too: a hidden tab gets no frames).
  function afterPaint(then) {
    var done = false;
    function once() { if (!done) { done = true; then(); } }
    requestAnimationFrame(function () { setTimeout(once, 0); });
    setTimeout(once, 100);
  }

  window.sprxInit = function (map) {
    timings.init = performance.now();
    build(map, loadAreas());
  };

  function build(map, D) {
    // D is described field by field in sprx_cli/pagedata.py: tables are columns keyed by name. It
    // holds pagedata.FIRST until the rest is read (then D.schemes, D.points, D.strings, ...).
    var S = function (i) { return i >= 0 ? D.strings[i] : null; };
    var SC, P, A = D.areas;

    function statusBadge(status) {
      if (status === "active") return null;
      return el("span", "sprx-badge sprx-" + status, status === "paused" ? "Paused" : "Closed");
    }

    function row(dl, term, value) {
      if (value === null || value === "" || (Array.isArray(value) && !value.length)) return;
      dl.appendChild(el("dt", null, term));
      var dd = el("dd");
      if (value instanceof Node) dd.appendChild(value); else dd.textContent = value;
      dl.appendChild(dd);
    }

    function schemeCard(si, point) {
      var card = el("div", "sprx-card");
      var h = el("h2", null, S(SC.name[si]));
      var status = SC.status[si];
      var badge = statusBadge(status);
      if (badge) { h.appendChild(document.createTextNode(" ")); h.appendChild(badge); }
      card.appendChild(h);
      if (SC.provider[si] >= 0) card.appendChild(el("p", "sprx-provider", "Run by " + S(SC.provider[si])));
      if (SC.description[si] >= 0) card.appendChild(el("p", "sprx-desc", S(SC.description[si])));
      var dl = el("dl");
      if (point !== undefined) {
        var at = [S(P.name[point]), S(P.address[point]), S(P.postcode[point])]
          .filter(function (x) { return x; }).join(", ");
        row(dl, "Where", at);
        if (P.approximate[point]) row(dl, "Map position", "approximate location (postcode centre)");
        row(dl, "Access here", P.accessibility[point].map(function (a) { return D.accessibility[a]; }).join("; "));
        row(dl, "Open here", S(P.hours[point]));
      }
      row(dl, "Categories", SC.categories[si].map(function (c) { return D.categories[c].label; }).join("; "));
      row(dl, "Who can refer", SC.routes[si].map(function (r) { return D.routes[r]; }).join("; "));
      row(dl, "For", SC.groups[si].map(function (g) { return D.groups[g]; }).join("; "));
      row(dl, "Areas", SC.areas[si].map(function (a) { return A.name[a]; }).join("; "));
      var lo = SC.min_age[si], hi = SC.max_age[si];
      var ages = lo !== null && hi !== null ? (lo === hi ? "Age " + lo : "Ages " + lo + "–" + hi)
        : lo !== null ? "Aged " + lo + " and over" : hi !== null ? "Aged up to " + hi : null;
      row(dl, "Who can join", [ages, S(SC.eligibility[si])].filter(function (x) { return x; }).join(": "));
      var cost = SC.cost[si] >= 0 ? D.costs[SC.cost[si]] : null;
      var costText = [cost, S(SC.cost_description[si])].filter(function (x) { return x; }).join(": ");
      row(dl, "Cost", costText);
      row(dl, "How", SC.delivery[si].map(function (d) { return D.delivery[d]; }).join("; "));
      row(dl, "Languages", SC.languages[si].map(function (l) { return D.languages[l]; }).join("; "));
      row(dl, "Access", SC.accessibility[si].map(function (a) { return D.accessibility[a]; }).join("; "));
      row(dl, "When", [S(SC.hours[si]), S(SC.hours_note[si])].filter(function (x) { return x; }).join(" · "));
      var refer = el("span", "sprx-refer");
      if (SC.how_to_refer[si] >= 0) refer.appendChild(document.createTextNode(S(SC.how_to_refer[si])));
      var form = SC.referral_url[si] >= 0 ? httpUrl(S(SC.referral_url[si])) : null;
      if (form) {
        if (refer.childNodes.length) refer.appendChild(document.createTextNode(" "));
        refer.appendChild(link(form, "Referral form"));
      }
      var referEmail = SC.referral_email[si] >= 0 ? S(SC.referral_email[si]) : null;
      if (referEmail && EMAIL.test(referEmail)) {
        if (refer.childNodes.length) refer.appendChild(document.createTextNode(" · "));
        refer.appendChild(link("mailto:" + referEmail, referEmail));
      }
      if (refer.childNodes.length) row(dl, "How to refer", refer);
      var contact = el("span", "sprx-contact");
      var web = SC.website[si] >= 0 ? httpUrl(S(SC.website[si])) : null;
      if (web) contact.appendChild(link(web, S(SC.website[si])));
      var email = SC.email[si] >= 0 ? S(SC.email[si]) : null;
      if (email && EMAIL.test(email)) {
        if (contact.childNodes.length) contact.appendChild(document.createTextNode(" · "));
        contact.appendChild(link("mailto:" + email, email));
      }
      var phone = SC.phone[si] >= 0 ? S(SC.phone[si]) : null;
      if (phone) {
        if (contact.childNodes.length) contact.appendChild(document.createTextNode(" · "));
        var digits = phone.replace(/[^0-9+]/g, "");
        if (digits.length >= 3) contact.appendChild(link("tel:" + digits, phone));
        else contact.appendChild(document.createTextNode(phone));
      }
      if (contact.childNodes.length) row(dl, "Contact", contact);
      row(dl, "Charity number", S(SC.charity_number[si]));
      row(dl, "Status", status === "active" ? "Active" : (status === "paused" ? "Paused" : "Closed"));
      if (SC.verified[si]) {
        var v = el("span", SC.stale[si] ? "sprx-stale" : null, SC.verified[si]);
        if (SC.stale[si]) v.appendChild(document.createTextNode(" (may be out of date)"));
        row(dl, "Last verified", v);
      } else {
        row(dl, "Last verified", el("span", "sprx-stale", "never"));
      }
      card.appendChild(dl);
      var suggest = suggestLink(si);
      if (suggest) card.appendChild(el("p", "sprx-suggest")).appendChild(suggest);
      if (api && api.shortlistButton) card.appendChild(api.shortlistButton(si));
      return card;
    }

    // What each area shows: every scheme on the map, or (with the finder's filters) those that
    // match; its schemes once they are read.
    var shown = {count: A.count.slice(), value: A.value.slice(), schemes: null};

    function areaSchemes(list) {
      var lists = A.code.map(function () { return []; });
      list.forEach(function (si) { SC.areas[si].forEach(function (a) { lists[a].push(si); }); });
      return lists;
    }

    // "Suggest a change": an email to the keepers naming the scheme, with what the card shows.
    function suggestLink(si) {
      if (!D.feedback || !EMAIL.test(D.feedback)) return null;
      var details = [["Name", S(SC.name[si])], ["Provider", S(SC.provider[si])], ["Website", S(SC.website[si])],
                     ["Email", S(SC.email[si])], ["Phone", S(SC.phone[si])], ["How to refer", S(SC.how_to_refer[si])],
                     ["When", S(SC.hours[si])], ["Last verified", SC.verified[si]]]
        .filter(function (x) { return x[1]; }).map(function (x) { return x[0] + ": " + x[1]; }).join("\n");
      return link("mailto:" + D.feedback + "?subject=" + encodeURIComponent("Suggested change: " + SC.id[si]) +
                  "&body=" + encodeURIComponent("What should change?\n\n\nAs the map shows it now:\n" + details),
                  "Suggest a change");
    }

    function areaSummary(a) {
      return shown.count[a] === 0 ? D.zero.label
        : plural(shown.count[a], "active scheme") + (D.metric === "per-100k" ? " (" + shown.value[a] + " per 100,000)" : "");
    }

    function areaTooltip(a) {
      var box = el("div", "sprx-tip");
      box.appendChild(el("strong", null, A.name[a]));
      box.appendChild(el("div", A.count[a] === 0 ? "sprx-none" : null, areaSummary(a)));
      var cats = A.byCategory[a];
      for (var c = 0; c < cats.length; c++) {
        if (cats[c]) box.appendChild(el("div", "sprx-tip-cat", D.categories[c].label + ": " + people(cats[c])));
      }
      return box;
    }

    function areaPopup(a, popup) {
      var box = el("div", "sprx-card sprx-area-popup");
      box.appendChild(el("h2", null, A.name[a]));
      box.appendChild(el("p", A.count[a] === 0 ? "sprx-none" : null, areaSummary(a)));
      var list = shown.schemes ? shown.schemes[a] : [];
      if (list.length) {
        var ul = el("ul", "sprx-list");
        list.forEach(function (si) {
          var li = el("li");
          var b = button(S(SC.name[si]), null, function () {
            var card = schemeCard(si);
            var back = button("← All schemes in " + A.name[a], "sprx-linkbutton sprx-back",
                              function () { popup.setContent(areaPopup(a, popup)); });
            card.insertBefore(back, card.firstChild);
            popup.setContent(card);
          });
          li.appendChild(b);
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

    function areaStyle(a, band) {
      if (band < 0) {
        return {fillColor: "url(#sprx-hatch)", fillOpacity: 1, color: D.zero.border, weight: 2, dashArray: "5 3"};
      }
      var colour = D.bands[band].colour;
      return {fillColor: COLOUR.test(colour) ? colour : "#888888", fillOpacity: 0.7, color: D.border, weight: 1,
              dashArray: null};
    }

    // Choropleth: SVG, so that areas with no scheme can be hatched.
    var areaLayers = [];
    var areasLayer = L.geoJSON(D.boundaries, {
      renderer: L.svg({padding: 0.2}),
      style: function (f) {
        var a = f.properties.a;
        var cls = "sprx-area sprx-area-" + String(A.code[a]).replace(/[^A-Za-z0-9_-]/g, "");
        var style = areaStyle(a, A.band[a]);
        style.className = cls + (A.band[a] < 0 ? " sprx-zero" : "");
        return style;
      },
      onEachFeature: function (f, layer) {
        var a = f.properties.a;
        areaLayers[a] = layer;
        layer.bindTooltip(function () { return areaTooltip(a); }, {sticky: true});
        var popup = L.popup({maxWidth: 360, maxHeight: 400});
        popup.setContent(function () { return areaPopup(a, popup); });
        layer.bindPopup(popup);
      }
    });
    areasLayer.addTo(map);

    // Legend.
    var legend = L.control({position: "bottomright"});
    legend.onAdd = function () {
      // A disclosure, closed on a phone so the map stays visible; open on a wider screen.
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
      D.bands.forEach(function (b) {
        var r = el("div", "sprx-legend-row");
        var sw = el("span", "sprx-legend-swatch");
        sw.style.background = COLOUR.test(b.colour) ? b.colour : "#888888";
        r.appendChild(sw);
        r.appendChild(document.createTextNode(b.label));
        box.appendChild(r);
      });
      box.appendChild(el("div", "sprx-legend-note", "Dots: scheme locations, coloured by first category; faded dots are paused."));
      return box;
    };
    legend.addTo(map);
    map.attributionControl.addAttribution(escapeHtml(D.attribution));
    map.fitBounds(areasLayer.getBounds());
    timings.areasDrawn = performance.now();

    // Then the rest: the schemes, their places, search and the finder.
    var names, CELL = 48, MAX_ZOOM = map.getMaxZoom() || 18, N, mx, my, show, firstPoint, single, drawn,
        pointsLayer, api;
    afterPaint(function () {
      timings.areasPainted = performance.now();
      loadData().then(function (rest) {
        timings.dataParsed = performance.now();
        for (var key in rest) D[key] = rest[key];
        SC = D.schemes;
        P = D.points;
        shown.schemes = areaSchemes(SC.id.map(function (_, si) { return si; }));
        withSchemes();
        timings.built = performance.now();  // search and the finder's hooks; markers follow (markersLoaded)
      });
    });

    function withSchemes() {
      // Search over scheme and area names.
      names = SC.name.map(function (n) { return S(n).toLowerCase(); });
      var search = L.control({position: "topleft"});
      search.onAdd = function () {
        var box = el("div", "sprx-search leaflet-bar");
        var input = el("input");
        input.type = "search";
        input.placeholder = "Search schemes and areas";
        input.setAttribute("aria-label", "Search schemes and areas");
        var results = el("ul", "sprx-found");
        box.appendChild(input);
        box.appendChild(results);
        L.DomEvent.disableClickPropagation(box);
        L.DomEvent.disableScrollPropagation(box);
        input.addEventListener("input", function () {
          results.textContent = "";
          var q = input.value.trim().toLowerCase();
          if (q.length < 2) return;
          var found = 0;
          A.name.forEach(function (name, a) {
            if (found < 5 && String(name).toLowerCase().indexOf(q) >= 0) {
              found++;
              results.appendChild(result(name + " (area)", function () { openArea(a); }));
            }
          });
          for (var i = 0, n = 0; i < names.length && n < 10; i++) {
            if (names[i].indexOf(q) >= 0) {
              n++;
              results.appendChild(result(S(SC.name[i]), openScheme.bind(null, i)));
            }
          }
          if (!results.childNodes.length) results.appendChild(el("li", "sprx-noresult", "Nothing found"));
        });
        function result(text, action) {
          var li = el("li");
          li.appendChild(button(text, null, action));
          return li;
        }
        return box;
      };
      search.addTo(map);

      // Places: clustered here from plain arrays, a grid of CELL-pixel squares over what is in view,
      // drawn again after each move and each change of filters. Only what is on screen becomes a
      // marker (a few hundred at most), so 100,000 places cost one pass over two arrays.
      N = P.lat.length;
      mx = new Float64Array(N);
      my = new Float64Array(N);
      show = new Uint8Array(N).fill(1);
      firstPoint = {};
      single = {};
      drawn = {clusters: 0, singles: 0, inClusters: 0};
      for (var k = 0; k < N; k++) {
        mx[k] = (P.lon[k] + 180) / 360;  // Web Mercator, 0..1, as Leaflet projects at zoom 0 / 256
        var sin = Math.sin(P.lat[k] * Math.PI / 180);
        my[k] = 0.5 - Math.log((1 + sin) / (1 - sin)) / (4 * Math.PI);
        if (!(P.scheme[k] in firstPoint)) firstPoint[P.scheme[k]] = k;
      }
      map.createPane("sprx-points").style.zIndex = 450;
      pointsLayer = L.layerGroup().addTo(map);
      map.on("moveend", drawPoints);

      // What the finder drives: which schemes' places show, and how areas are shaded.
      api = {data: D, openArea: openArea, openScheme: openScheme, openPoint: openPoint,
             shownPoints: function () { var c = 0; for (var k = 0; k < N; k++) c += show[k]; return c; },
             drawn: function () { return drawn; },
             markerOf: function (k) { return single[k] || null; },
             showOnly: function (list) {
               var keep = new Uint8Array(SC.id.length);
               list.forEach(function (si) { keep[si] = 1; });
               for (var k = 0; k < N; k++) show[k] = keep[P.scheme[k]];
               drawPoints();
               shown.schemes = areaSchemes(list);
             },
             shadeAreas: function (counts) {
               var zeros = counts.filter(function (c) { return c === 0; }).length;
               document.querySelectorAll(".sprx-legend-zero-count").forEach(function (x) { x.textContent = people(zeros); });
               counts.forEach(function (c, a) {
                 shown.count[a] = c;
                 var pop = A.population[a];
                 shown.value[a] = D.metric === "per-100k" ? (pop ? Math.round(c * 1e7 / pop) / 100 : null) : c;
                 var band = bandOf(shown.value[a]);
                 var layer = areaLayers[a];
                 if (!layer) return;
                 layer.setStyle(areaStyle(a, band));
                 var path = layer.getElement && layer.getElement();
                 if (path) path.classList.toggle("sprx-zero", band < 0);
               });
             }};

      // Let the browser paint the controls, then add the markers.
      afterPaint(addMarkers);
    }

    function openArea(a) {
      var layer = areaLayers[a];
      map.fitBounds(layer.getBounds());
      layer.openPopup(layer.getBounds().getCenter());
    }

    // Open the card of place k: jump (no animation: a background tab never finishes one) to where
    // it is drawn on its own; a place that shares its spot with others gets its card at that spot.
    function openPoint(k) {
      var at = [P.lat[k], P.lon[k]];
      if (!single[k]) map.setView(at, Math.max(map.getZoom(), MAX_ZOOM - 1), {animate: false});
      var m = single[k];
      if (m) m.openPopup();
      else L.popup({maxWidth: 360}).setLatLng(at).setContent(schemeCard(P.scheme[k], k)).openOn(map);
    }

    function openScheme(si) {
      var k = firstPoint[si];
      if (k !== undefined && show[k]) {
        openPoint(k);
        return;
      }
      var a = SC.areas[si][0];
      var layer = areaLayers[a];
      map.fitBounds(layer.getBounds());
      L.popup({maxWidth: 360}).setLatLng(layer.getBounds().getCenter()).setContent(schemeCard(si)).openOn(map);
    }


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
        node.setAttribute("aria-label", S(SC.name[si]) + (paused ? " (paused)" : ""));
        return node;
      };
      var m = L.marker([P.lat[k], P.lon[k]], {icon: icon, pane: "sprx-points", keyboard: true, riseOnHover: true});
      m.sprxPoint = k;
      m.sprxScheme = si;
      m.bindPopup(function () { return schemeCard(si, k); }, {maxWidth: 360});
      return m;
    }

    // A cluster says how many places it holds, to a screen reader too; a click or Enter zooms in
    // (or, where they all share one spot, lists them).
    function clusterMarker(cell, scale) {
      var count = cell.points.length;
      var size = count < 10 ? "small" : count < 100 ? "medium" : "large";
      var icon = L.divIcon({html: "<div><span>" + people(count) + "</span></div>",
                            className: "marker-cluster marker-cluster-" + size, iconSize: L.point(40, 40)});
      var create = icon.createIcon;
      icon.createIcon = function (old) {
        var node = create.call(icon, old);
        node.setAttribute("role", "button");
        node.setAttribute("aria-label", plural(count, "scheme") + " here: zoom in to see them");
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
        box.appendChild(el("h2", null, plural(count, "scheme") + " here"));
        var ul = el("ul", "sprx-list");
        cell.points.forEach(function (p) {
          var li = el("li");
          li.appendChild(button(S(SC.name[P.scheme[p]]), null, function () { popup.setContent(schemeCard(P.scheme[p], p)); }));
          ul.appendChild(li);
        });
        box.appendChild(ul);
        var popup = L.popup({maxWidth: 360, maxHeight: 400}).setLatLng(centre).setContent(box).openOn(map);
      }
    }

    function drawPoints() {
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
      pointsLayer.clearLayers();
      single = {};
      drawn = {clusters: 0, singles: 0, inClusters: 0};
      cells.forEach(function (cell) {
        if (cell.points.length === 1) {
          var m = placeMarker(cell.points[0]);
          single[cell.points[0]] = m;
          pointsLayer.addLayer(m);
          drawn.singles++;
        } else {
          pointsLayer.addLayer(clusterMarker(cell, scale));
          drawn.clusters++;
          drawn.inClusters += cell.points.length;
        }
      });
      if (open && !map.hasLayer(open)) {  // a card stays open while the map moves (without moving it again)
        open.options.autoPan = false;
        open.openOn(map);
      }
      if (hadFocus) {  // the marker that had the keyboard's focus was redrawn: focus stays in the map
        var first = pane.querySelector(".marker-cluster, .sprx-place");
        (first || map.getContainer()).focus();
      }
      timings.markersShown = performance.now();
    }

    function addMarkers() {
      timings.firstPaint = performance.now();
      drawPoints();
      timings.markersLoaded = performance.now();
      // The choropleth can be switched off; the finder's filters choose the markers.
      var overlays = {};
      overlays[escapeHtml(D.metricLabel)] = areasLayer;
      L.control.layers(null, overlays, {collapsed: true, position: "topright"}).addTo(map);
      api.map = map;
      api.areas = areasLayer;
      window.sprxMap = api;
      if (window.sprxFinder) window.sprxFinder(api);
    }

  }
})();
