/* sprx finder: the results list and the shortlist (on the page, on paper and by email).
 *
 * `f` is the finder's state (finder.js).
 *
 * needs: ages, checkedNode, dayNames, el, focusHeading, joined, km, labelIn, labelList, longDate, milesAway,
 *   people, phoneLink, placeName, plainText, qrSvg, said, saveState, schemeCard, schemeLabel,
 *   schemePageLink, schemeTitle, summarise, t, tn
 * gives: PAGE, badges, closeSheet, distanceOf, handover, item, nearestOf, noResult, oneLine, openCard,
 *   ordered, pairsList, renderList, renderSheet, renderShortlist, searchLink, searchSaid, servesSaid,
 *   shortlistButton, showSheet, syncShortlistButtons, workerSaid
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

// The matching schemes in the order asked for (name, up to date first, or distance), each a pass
// over the schemes in name order (f.byName) rather than a sort of text.
function ordered(f) {
  var SC = f.D.schemes, P = f.D.points, state = f.state, rank = f.rank, keep = new Uint8Array(f.n);
  var b = state.inView ? f.map.getBounds() : null;
  f.matching.forEach(function (si) {
    if (!b || f.placesOf[si].some(function (p) { return b.contains([P.lat[p], P.lon[p]]); })) keep[si] = 1;
  });
  var byName = f.byName.filter(function (si) { return keep[si]; });
  // entries not checked for too long (or never) sink below current ones
  var sunk = function (si) { return SC.stale[si] || !SC.verified[si] ? 1 : 0; };
  if (state.sort === "relevance") {
    return byName.filter(function (si) { return !sunk(si); }).concat(byName.filter(sunk));
  }
  if (state.sort !== "distance" || !state.origin) return byName;
  var key = new Float64Array(f.n);
  byName.forEach(function (si) {
    var d = distanceOf(f, si);
    // a scheme with no place that serves the area searched comes to people there: first; one with
    // no place that does not serve it, last (listed all the same: only a radius hides anything)
    key[si] = d !== null ? d : (SC.areas[si].indexOf(state.originArea) >= 0 ? 0 : Infinity);
  });
  return byName.sort(function (x, y) { return key[x] - key[y] || rank[x] - rank[y]; });
}

// Whether the scheme serves the area searched from: "Serves Hackney", "Only serves Islington",
// "Only serves Camden, Islington and 3 more"; null without a search in one of the map's areas.
function servesSaid(f, si) {
  var A = f.D.areas, mine = f.D.schemes.areas[si], here = f.state.originArea;
  if (!f.state.origin || here < 0) return null;
  if (mine.indexOf(here) >= 0) return {serves: true, text: t("Serves {area}", {area: A.name[here]})};
  var names = mine.map(function (a) { return A.name[a]; });
  return {serves: false, text: names.length <= 3 ? t("Only serves {areas}", {areas: names.join(", ")})
    : tn("Only serves {areas} and {n} more", "Only serves {areas} and {n} more", names.length - 2,
         {areas: names.slice(0, 2).join(", ")})};
}

function badges(f, si) {
  var D = f.D, SC = D.schemes, freeIndex = f.freeIndex, out = [];
  if (SC.cost[si] === freeIndex && freeIndex >= 0) out.push(D.costs[freeIndex]);
  SC.delivery[si].forEach(function (d) { if (D.keys.delivery[d] !== "in-person") out.push(D.delivery[d]); });
  if (SC.languages[si].length > 1) out.push(SC.languages[si].map(function (l) { return D.languages[l]; }).join(", "));
  var step = D.keys.accessibility.indexOf("step-free");
  if (step >= 0 && SC.accessibility[si].indexOf(step) >= 0) out.push(D.accessibility[step]);
  if (SC.status[si] === "paused") out.push(t("Paused"));
  return out;
}

// "Add to shortlist" / "Remove from shortlist", on a list item, a card or the shortlist itself.
function shortlistButton(f, si) {
  var SC = f.D.schemes, state = f.state;
  var b = el("button", "sprx-shortlist-toggle");
  b.type = "button";
  function label() {
    var on = state.shortlist.indexOf(SC.id[si]) >= 0;
    b.textContent = on ? t("Remove from shortlist") : t("Add to shortlist");
    b.setAttribute("aria-pressed", on ? "true" : "false");
  }
  label();
  b.addEventListener("click", function (ev) {
    if (window.L) L.DomEvent.stopPropagation(ev);
    var at = state.shortlist.indexOf(SC.id[si]);
    if (at >= 0) state.shortlist.splice(at, 1); else state.shortlist.push(SC.id[si]);
    label();
    saveState(f);  // (first: the sheet and the email carry the link)
    renderShortlist(f);
    syncShortlistButtons(f);
  });
  b.sprxScheme = si;
  return b;
}

function syncShortlistButtons(f) {
  var SC = f.D.schemes, on = {};
  f.state.shortlist.forEach(function (id) { on[id] = true; });
  document.querySelectorAll(".sprx-shortlist-toggle").forEach(function (b) {
    var yes = !!on[SC.id[b.sprxScheme]];
    b.textContent = yes ? t("Remove from shortlist") : t("Add to shortlist");
    b.setAttribute("aria-pressed", yes ? "true" : "false");
  });
}

function item(f, si) {
  var D = f.D, SC = D.schemes, A = D.areas, S = f.S;
  var li = el("li", "sprx-result");
  li.setAttribute("data-scheme-id", SC.id[si]);
  var open = el("button", "sprx-linkbutton sprx-result-name", schemeTitle(f, si));
  open.type = "button";
  open.addEventListener("click", function () { openCard(f, si, open); });
  li.appendChild(el("h3", "sprx-result-heading")).appendChild(open);  // (a heading each: a screen reader's list of them)
  if (SC.provider[si] >= 0) li.appendChild(el("div", "sprx-result-provider", said(D, si, "provider", S(SC.provider[si]))));
  if (SC.description[si] >= 0) li.appendChild(el("div", "sprx-result-summary", said(D, si, "description", oneLine(S(SC.description[si])))));
  var cost = SC.cost[si] >= 0 && SC.cost[si] !== f.freeIndex ? labelIn(D, "costs", SC.cost[si]) : null;
  var facts = li.appendChild(el("div", "sprx-result-facts"));
  var known = joined([ages(SC.min_age[si], SC.max_age[si], SC.child_ages[si]), cost], " \u00b7 ");
  if (known) facts.appendChild(known).appendChild(document.createTextNode(" \u00b7 "));
  facts.appendChild(el("span", "sprx-result-areas", SC.areas[si].map(function (a) { return A.name[a]; }).join(", ")));
  var bs = badges(f, si);
  if (bs.length) {
    var row = el("div", "sprx-badges");
    bs.forEach(function (b) { row.appendChild(el("span", "sprx-badge sprx-tag", b)); });
    li.appendChild(row);
  }
  li.appendChild(el("div", "sprx-result-when", S(SC.hours[si]) || t("No fixed hours")));
  li.appendChild(el("div", "sprx-result-checked", checkedNode(D, si)));
  if (f.state.origin) {
    var d = distanceOf(f, si), serves = servesSaid(f, si);
    var where = el("div", "sprx-distance", d !== null ? milesAway(d) : t("No venue of its own"));
    if (serves) where.appendChild(el("span", serves.serves ? "sprx-serves" : "sprx-serves sprx-serves-not", " \u00b7 " + serves.text));
    li.appendChild(where);
  }
  var actions = li.appendChild(el("div", "sprx-result-actions"));
  actions.appendChild(shortlistButton(f, si));
  var phone = SC.phone[si] >= 0 ? phoneLink(S(SC.phone[si])) : null;
  if (phone) actions.appendChild(el("span", "sprx-result-phone")).appendChild(phone);
  var page = schemePageLink(D, si);
  if (page) actions.appendChild(page);
  return li;
}

// A description's first sentence, or its first 110 characters and "…": a row's one-line summary.
function oneLine(text) {
  var first = text.split(/(?<=[.!?])\s/)[0];
  return first.length <= 110 ? first : first.slice(0, 110).replace(/\s+\S*$/, "") + "\u2026";
}

// Open a scheme's card from the list where the person can see it: on a phone a sheet over the lower
// part of the screen, on a wider one the map's popup; the focus goes to its heading, and back to the
// list item when the card closes.
function openCard(f, si, from) {
  var narrow = window.matchMedia && window.matchMedia("(max-width: 800px)").matches;
  f.returnTo = from;
  if (narrow) {
    f.map.closePopup();
    f.api.showScheme(si);
    showSheet(f, si);
    return;
  }
  f.api.openScheme(si);
  var card = document.querySelector(".leaflet-popup .sprx-card");
  if (card) focusHeading(card);
}

function showSheet(f, si) {
  var sheet = f.ui.cardSheet;
  if (!sheet) {
    sheet = f.ui.cardSheet = el("div", "sprx-sheet");
    sheet.setAttribute("role", "dialog");
    sheet.setAttribute("aria-modal", "false");
    sheet.addEventListener("keydown", function (ev) { if (ev.key === "Escape") closeSheet(f); });
    document.body.appendChild(sheet);
  }
  sheet.textContent = "";
  var close = el("button", "sprx-sheet-close", t("Close"));
  close.type = "button";
  close.addEventListener("click", function () { closeSheet(f); });
  var card = schemeCard(f.api.view, si);
  sheet.appendChild(close);
  sheet.appendChild(card);
  var h = card.querySelector("h2");
  h.id = "sprx-sheet-heading";
  sheet.setAttribute("aria-labelledby", h.id);
  sheet.hidden = false;
  sheet.scrollTop = 0;
  focusHeading(card);
}

function closeSheet(f) {
  if (f.ui.cardSheet) f.ui.cardSheet.hidden = true;
  if (f.returnTo && document.contains(f.returnTo)) f.returnTo.focus();
}

function renderList(f) {
  var list = ordered(f), ui = f.ui, shown = f.state.shown;
  ui.results.textContent = "";
  ui.results.setAttribute("data-count", String(list.length));
  summarise(f, list.length);
  var frag = document.createDocumentFragment();
  list.slice(0, shown).forEach(function (si) { frag.appendChild(item(f, si)); });
  ui.results.appendChild(frag);
  if (!list.length) ui.results.appendChild(el("li", "sprx-noresult", noResult(f)));
  ui.more.hidden = list.length <= shown;
  ui.more.textContent = tn("Show more ({n} more)", "Show more ({n} more)", Math.max(0, list.length - shown));
}

// What an empty list says: the one choice to drop that would give most, with how many it gives.
function noResult(f) {
  var best = (f.drops || []).filter(function (x) { return x.count > 0; })[0];
  if (f.state.inView && f.matching.length) return t("No scheme in view matches: move the map, or untick “Only what is in view”.");
  if (!best) return t("No scheme matches. Try fewer filters.");
  return tn("No scheme matches all of these. Without “{filter}”, {n} scheme would.",
            "No scheme matches all of these. Without “{filter}”, {n} schemes would.", best.count, {filter: best.what});
}

function renderShortlist(f) {
  var D = f.D, SC = D.schemes, ui = f.ui;
  // the parts of each scheme the e-mail carries: how to take it up (the sheet carries everything)
  var emailed = [t("How to refer"), t("Phone"), t("Email"), t("Website"), t("Where"), t("Nearest place"), t("When")];
  ui.shortlist.textContent = "";
  var chosen = f.state.shortlist.map(function (id) { return f.indexOfId[id]; })
    .filter(function (si) { return si !== undefined; });
  if (!chosen.length) ui.shortlist.appendChild(el("li", "sprx-noresult", t("Nothing yet: use “Add to shortlist”.")));
  chosen.forEach(function (si) {
    var li = el("li");
    li.setAttribute("data-scheme-id", SC.id[si]);
    li.appendChild(el("span", null, schemeTitle(f, si))).appendChild(document.createTextNode(" "));
    li.appendChild(shortlistButton(f, si));
    ui.shortlist.appendChild(li);
  });
  ui.print.disabled = !chosen.length;
  ui.barShortlist.textContent = t("Shortlist ({n})", {n: people(chosen.length)});
  var link = searchLink(f);
  ui.copy.hidden = !link;
  if (link !== ui.copiedLink) ui.copied.textContent = "";  // (what was copied is no longer this search)
  document.body.classList.toggle("sprx-has-shortlist", chosen.length > 0);
  var text = function (pairs) {
    return pairs.map(function (p) { return (p[0] ? p[0] + ": " : "") + plainText(p[1]); }).join("\n");
  };
  if (chosen.length) {  // (the e-mail: the note, then what to do for each scheme; the sheet has the rest)
    var body = [text(workerSaid(f))].concat(chosen.map(function (si) {
      return schemeLabel(f, si) + "\n" + text(handover(f, si).filter(function (p) { return emailed.indexOf(p[0]) >= 0; }));
    }), [text(searchSaid(f).filter(function (p) { return p[0] === null || p[0] === t("This search"); }))])
      .filter(function (x) { return x; }).join("\n\n");
    ui.mail.setAttribute("href", "mailto:?subject=" + encodeURIComponent(t("Schemes for you: {title}", {title: D.title})) +
                         "&body=" + encodeURIComponent(body));
    ui.mail.removeAttribute("aria-disabled");
  } else {  // nothing to send: the link does nothing, and says so
    ui.mail.removeAttribute("href");
    ui.mail.setAttribute("aria-disabled", "true");
  }
  renderSheet(f, chosen);
}

// What was asked for, at the top of the sheet and the email: the place, the filters, the keywords,
// when, the data's date and the link that opens the same search again.
function searchSaid(f) {
  var state = f.state, out = [];
  if (state.originLabel) out.push([t("Near"), state.originLabel]);
  if (state.q.trim()) out.push([t("Keywords"), state.q.trim()]);
  f.groups.forEach(function (g) {
    if (state.chosen[g.key].length) out.push([g.legend, state.chosen[g.key].map(function (o) { return g.options[o]; }).join(", ")]);
  });
  if (state.age !== null) out.push([t("For a person aged"), String(state.age)]);
  if (state.day !== null) out.push([t("Open on"), dayNames()[state.day]]);
  out.push([t("Printed"), longDate(new Date())]);
  out.push([null, f.D.dataAsOf]);  // ("Data as of 23 November 2026": a sentence of its own)
  var link = searchLink(f);
  if (link) out.push([t("This search"), link]);
  return out;
}

// The address that opens this search again: on the published site (public_url), else the page's own
// when it is on the web; never a file on this computer.
function searchLink(f) {
  if (f.D.pageUrl) return f.D.pageUrl + location.hash;
  return /^https?:$/.test(location.protocol) ? location.href : null;
}

// What the link worker adds for the person: their own name, a note and the next step (kept on this
// device only: not in the page's address).
function workerSaid(f) {
  var ui = f.ui, out = [];
  [[t("From"), ui.workerName], [t("Note"), ui.workerNote], [t("Next step"), ui.workerNext]].forEach(function (x) {
    if (x[1] && x[1].value.trim()) out.push([x[0], x[1].value.trim()]);
  });
  return out;
}

// What a link worker checked, for one scheme: the pairs of the sheet and the email.
function handover(f, si) {
  var D = f.D, SC = D.schemes, P = D.points, S = f.S, mark = function (field) { return said(D, si, field, S(SC[field][si])); };
  var labelsOf = function (list, names) { return list.map(function (i) { return names[i]; }).join(", "); };
  var cost = SC.cost[si] >= 0 ? labelIn(D, "costs", SC.cost[si]) : null, near = nearestOf(f, si);
  var place = near === null ? null : joined([placeName(D, near, S(P.name[near])), S(P.address[near]), S(P.postcode[near])], ", ");
  var d = f.state.origin && near !== null ? km(f.state.origin[0], f.state.origin[1], P.lat[near], P.lon[near]) : null;
  if (place && d !== null) place.appendChild(document.createTextNode(" (" + milesAway(d) + ")"));
  var pairs = [
    [t("What it offers"), mark("description")], [t("Run by"), mark("provider")],
    [t("Cost"), joined([cost, mark("cost_description")], ": ")],
    [t("Who it is for"), joined([ages(SC.min_age[si], SC.max_age[si], SC.child_ages[si]),
                                 joined([labelList(D, "groups", SC.groups[si], ", "), said(D, si, "eligibility", S(SC.eligibility[si]))], "; ")], ": ")],
    [t("Languages"), labelsOf(SC.languages[si], D.languages)], [t("How to take part"), labelList(D, "delivery", SC.delivery[si], ", ")],
    [t("Access"), labelList(D, "accessibility", SC.accessibility[si], ", ")],
    [t("When"), joined([S(SC.hours[si]), mark("hours_note")], " \u00b7 ")],
    [t("How to refer"), joined([mark("how_to_refer"), S(SC.referral_url[si]), S(SC.referral_email[si])], " \u00b7 ")],
    [t("Phone"), S(SC.phone[si])], [t("Email"), S(SC.email[si])], [t("Website"), S(SC.website[si])],
    [near !== null && f.placesOf[si].length > 1 ? t("Nearest place") : t("Where"), place],
    [t("Areas"), labelsOf(SC.areas[si], D.areas.name)],
    [t("Last verified"), checkedNode(D, si)],
    [t("Suggest a change"), D.feedback ? D.feedback + " " + t("(say it is about {id})", {id: SC.id[si]}) : null]];
  return pairs.filter(function (p) { return p[1]; });
}

// The scheme's place nearest the place searched from (its first place without a search), or null.
function nearestOf(f, si) {
  var P = f.D.points, origin = f.state.origin, best = null, bestD = Infinity;
  f.placesOf[si].forEach(function (p) {
    var d = origin ? km(origin[0], origin[1], P.lat[p], P.lon[p]) : 0;
    if (d < bestD) { best = p; bestD = d; }
  });
  return best;
}

// The print sheet: what a person takes away, one section a scheme, the search at the top.
function renderSheet(f, chosen) {
  var D = f.D, sheet = f.ui.sheet;
  if (!sheet) return;
  sheet.textContent = "";
  sheet.appendChild(el("h1", null, t("{title}: shortlist", {title: D.title})));
  var worker = workerSaid(f);
  if (worker.length) sheet.appendChild(pairsList(worker, "sprx-print-worker"));
  sheet.appendChild(pairsList(searchSaid(f), "sprx-print-search"));
  // a QR code of the link, on the published site (public_url): a phone's camera opens the same list
  var qr = f.D.pageUrl ? qrSvg(searchLink(f), t("QR code of the link to this list")) : null;
  if (qr) {
    var box = sheet.appendChild(el("figure", "sprx-print-qr"));
    box.appendChild(qr);
    box.appendChild(el("figcaption", null, t("Scan with a phone's camera to open this list.")));
  }
  chosen.forEach(function (si) {
    var sec = el("section", "sprx-print-item");
    sec.appendChild(el("h2", null, schemeTitle(f, si)));
    sec.appendChild(pairsList(handover(f, si)));
    sheet.appendChild(sec);
  });
}

function pairsList(pairs, cls) {
  var out = document.createDocumentFragment(), dl = out.appendChild(el("dl", cls));
  pairs.forEach(function (pair) {
    if (pair[0] === null) {  // (a sentence of its own, not a label and its value: after the list)
      out.appendChild(el("p", "sprx-print-line", pair[1]));
      return;
    }
    dl.appendChild(el("dt", null, pair[0]));
    dl.appendChild(el("dd", null, pair[1]));
  });
  return out;
}
