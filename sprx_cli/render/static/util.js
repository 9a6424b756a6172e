/* sprx page: what every module of the page's script shares.
 *
 * The modules (render/assets.py, SCRIPTS) are joined in a fixed order into one script inside one
 * function, so they share these names and put nothing on `window` but what they mean to.
 *
 * Registry text is only ever put into the page with textContent (never innerHTML), and links are
 * made only from http(s), mailto and tel addresses, so nothing in the registry can run. The one
 * Leaflet API that takes HTML (layer-control labels, the attribution) gets escaped text.
 *
 * needs: (nothing)
 * gives: COLOUR, afterPaint, button, decoded, el, emailRule, escapeHtml, field, httpUrl, inGeometry, inRing,
 *   km, link, loadAreas, loadData, part, textMap, timings
 */

// Timings for the benchmark (performance.now() milliseconds since navigation started).
var timings = window.sprxTimings = {};
var COLOUR = /^#[0-9a-fA-F]{6}$/;

// A map from text keys that registry text or an address may name: no inherited keys ("constructor",
// "__proto__" are keys like any other).
function textMap() { return Object.create(null); }

// A part of an address decoded (%20 is a space); a stray "%" that is no escape stays as it is.
function decoded(text) {
  try { return decodeURIComponent(text); } catch (e) { return text; }
}

// An element; `text` a text (put in with textContent) or a node (registry text marked by `said`).
function el(tag, cls, text) {
  var e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text instanceof Node) e.appendChild(text);
  else if (text !== undefined && text !== null) e.textContent = String(text);
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

// An email address as sprx's own rule accepts it: the pattern travels in the page's data (D.rules).
function emailRule(D) {
  var pattern = new RegExp(D.rules.email);
  return function (text) { return typeof text === "string" && pattern.test(text); };
}

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

// Once the browser has painted what is on the page (a timer too: a hidden tab gets no frames).
function afterPaint(then) {
  var done = false;
  function once() { if (!done) { done = true; then(); } }
  requestAnimationFrame(function () { setTimeout(once, 0); });
  setTimeout(once, 100);
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
