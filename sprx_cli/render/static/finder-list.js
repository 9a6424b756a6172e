/* sprx finder: the results list and the shortlist (on the page, on paper and by email).
 *
 * `f` is the finder's state (finder.js).
 */

var PAGE = 50;  // results shown at a time: the list renders lazily

// The distance in km from the searched place to the scheme's nearest place (null: none, or no search).
function distanceOf(f, si) {
  var P = f.D.points, origin = f.state.origin;
  if (!origin) return null;
  var best = null;
  f.placesOf[si].forEach(function (p) {
    var d = km(origin[0], origin[1], P.lat[p], P.lon[p]);
    if (best === null || d < best) best = d;
  });
  return best;
}

// The matching schemes in the order asked for (name, up to date first, or distance).
function ordered(f) {
  var SC = f.D.schemes, P = f.D.points, S = f.S, state = f.state, list = f.matching;
  if (state.inView) {
    var b = f.map.getBounds();
    list = list.filter(function (si) {
      return f.placesOf[si].some(function (p) { return b.contains([P.lat[p], P.lon[p]]); });
    });
  }
  var byName = function (x, y) { return S(SC.name[x]).localeCompare(S(SC.name[y])); };
  // entries not checked for too long (or never) sink below current ones
  var sunk = function (si) { return SC.stale[si] || !SC.verified[si] ? 1 : 0; };
  if (state.sort === "relevance") return list.slice().sort(function (x, y) { return sunk(x) - sunk(y) || byName(x, y); });
  if (state.sort !== "distance" || !state.origin) return list.slice().sort(byName);
  var key = {};
  list.forEach(function (si) {
    var d = distanceOf(f, si);
    // a scheme with no place that serves the area searched comes to people there: first
    key[si] = d !== null ? d : (SC.areas[si].indexOf(state.originArea) >= 0 ? 0 : Infinity);
  });
  return list.filter(function (si) { return key[si] !== Infinity; })
    .sort(function (x, y) { return key[x] - key[y] || byName(x, y); });
}

function badges(f, si) {
  var D = f.D, SC = D.schemes, freeIndex = f.freeIndex, out = [];
  if (SC.cost[si] === freeIndex && freeIndex >= 0) out.push(D.costs[freeIndex]);
  SC.delivery[si].forEach(function (d) { if (D.keys.delivery[d] !== "in-person") out.push(D.delivery[d]); });
  if (SC.languages[si].length > 1) out.push(SC.languages[si].map(function (l) { return D.languages[l]; }).join(", "));
  var step = D.keys.accessibility.indexOf("step-free");
  if (step >= 0 && SC.accessibility[si].indexOf(step) >= 0) out.push(D.accessibility[step]);
  if (SC.status[si] === "paused") out.push("Paused");
  return out;
}

// "Add to shortlist" / "Remove from shortlist", on a list item, a card or the shortlist itself.
function shortlistButton(f, si) {
  var SC = f.D.schemes, state = f.state;
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
    renderShortlist(f);
    syncShortlistButtons(f);
    saveState(f);
  });
  b.sprxScheme = si;
  return b;
}

function syncShortlistButtons(f) {
  var SC = f.D.schemes, on = {};
  f.state.shortlist.forEach(function (id) { on[id] = true; });
  document.querySelectorAll(".sprx-shortlist-toggle").forEach(function (b) {
    var yes = !!on[SC.id[b.sprxScheme]];
    b.textContent = yes ? "Remove from shortlist" : "Add to shortlist";
    b.setAttribute("aria-pressed", yes ? "true" : "false");
  });
}

function item(f, si) {
  var D = f.D, SC = D.schemes, A = D.areas, S = f.S;
  var li = el("li", "sprx-result");
  li.setAttribute("data-scheme-id", SC.id[si]);
  var open = el("button", "sprx-linkbutton sprx-result-name", S(SC.name[si]));
  open.type = "button";
  open.addEventListener("click", function () { f.api.openScheme(si); });
  li.appendChild(open);
  if (SC.provider[si] >= 0) li.appendChild(el("div", "sprx-result-provider", S(SC.provider[si])));
  li.appendChild(el("div", "sprx-result-areas", SC.areas[si].map(function (a) { return A.name[a]; }).join(", ")));
  var bs = badges(f, si);
  if (bs.length) {
    var row = el("div", "sprx-badges");
    bs.forEach(function (b) { row.appendChild(el("span", "sprx-badge sprx-tag", b)); });
    li.appendChild(row);
  }
  if (f.state.origin) {
    var d = distanceOf(f, si);
    li.appendChild(el("div", "sprx-distance", d !== null ? (d < 10 ? d.toFixed(1) : Math.round(d)) + " km away"
                                                 : "Serves this area"));
  }
  li.appendChild(shortlistButton(f, si));
  return li;
}

function renderList(f) {
  var list = ordered(f), ui = f.ui, shown = f.state.shown;
  ui.results.textContent = "";
  var frag = document.createDocumentFragment();
  list.slice(0, shown).forEach(function (si) { frag.appendChild(item(f, si)); });
  ui.results.appendChild(frag);
  if (!list.length) ui.results.appendChild(el("li", "sprx-noresult", "No scheme matches. Try fewer filters."));
  ui.more.hidden = list.length <= shown;
  ui.more.textContent = "Show more (" + people(Math.max(0, list.length - shown)) + " more)";
}

function renderShortlist(f) {
  var D = f.D, SC = D.schemes, S = f.S, ui = f.ui;
  ui.shortlist.textContent = "";
  var chosen = f.state.shortlist.map(function (id) { return f.indexOfId[id]; })
    .filter(function (si) { return si !== undefined; });
  if (!chosen.length) ui.shortlist.appendChild(el("li", "sprx-noresult", "Nothing yet: use \u201cAdd to shortlist\u201d."));
  chosen.forEach(function (si) {
    var li = el("li");
    li.setAttribute("data-scheme-id", SC.id[si]);
    li.appendChild(el("span", null, S(SC.name[si]) + " "));
    li.appendChild(shortlistButton(f, si));
    ui.shortlist.appendChild(li);
  });
  ui.print.disabled = !chosen.length;
  document.body.classList.toggle("sprx-has-shortlist", chosen.length > 0);
  var body = chosen.map(function (si) {
    return [S(SC.name[si]), S(SC.phone[si]) && "Phone: " + S(SC.phone[si]), S(SC.email[si]) && "Email: " + S(SC.email[si]),
            S(SC.website[si]), S(SC.how_to_refer[si]) && "How to refer: " + S(SC.how_to_refer[si])]
      .filter(function (x) { return x; }).join("\n");
  }).join("\n\n");
  ui.mail.setAttribute("href", "mailto:?subject=" + encodeURIComponent("Schemes for you: " + D.title) +
                       "&body=" + encodeURIComponent(body + (body ? "\n\n" : "") + location.href));
  renderSheet(f, chosen);
}

// The print sheet: what a person takes away, one section a scheme.
function renderSheet(f, chosen) {
  var D = f.D, SC = D.schemes, P = D.points, S = f.S, sheet = f.ui.sheet;
  if (!sheet) return;
  sheet.textContent = "";
  sheet.appendChild(el("h1", null, D.title + ": shortlist"));
  chosen.forEach(function (si) {
    var sec = el("section", "sprx-print-item");
    sec.appendChild(el("h2", null, S(SC.name[si])));
    var dl = el("dl");
    var places = f.placesOf[si].map(function (p) {
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
