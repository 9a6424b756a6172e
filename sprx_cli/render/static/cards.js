/* sprx page: a scheme's card, with what a referrer needs and the links to act on it.
 *
 * `view` is the map's state (map.js): the page's data `D`, `S` (text by index), `isEmail`, and
 * the api the finder adds its shortlist button to.
 *
 * needs: checkedWords, el, foldText, httpUrl, isoDate, joined, labelIn, labelList, link, placeName, said, t,
 *   tNodes, textMap, tn
 * gives: ages, cardPopupOptions, checkedNode, contacts, focusHeading, labels, markStale, phoneLink, referral,
 *   row, schemeCard, schemeLabel, schemePageLink, schemeTitle, showCard, statusBadge, suggestLink,
 *   twinDetail, twins
 */

function statusBadge(status) {
  if (status === "active") return null;
  return el("span", "sprx-badge sprx-" + status, status === "paused" ? t("Paused") : t("Closed"));
}

function row(dl, term, value) {
  if (value === null || value === "" || (Array.isArray(value) && !value.length)) return;
  dl.appendChild(el("dt", null, term));
  var dd = el("dd");
  if (value instanceof Node) dd.appendChild(value); else dd.textContent = value;
  dl.appendChild(dd);
}

// Text of a list of indices into one of the page's label lists, "; " between.
function labels(indices, list) {
  return indices.map(function (i) { return list[i]; }).join("; ");
}

// Ages for people: "Ages 18–65", "Aged 50 and over", "Aged up to 25", or null.
// Entries stale on the day the page is read (not the day it was built): last verified longer ago than
// D.staleAfter months, as `sprx validate` warns on the day it runs.
function markStale(D) {
  var now = new Date(), cutoff = new Date(now.getFullYear(), now.getMonth() - D.staleAfter, now.getDate());
  D.schemes.verified.forEach(function (v, si) {
    if (v && isoDate(v) < cutoff) D.schemes.stale[si] = 1;
  });
}

// When the entry was last checked, in words, flagged when it is stale or was never checked.
function checkedNode(D, si) {
  var SC = D.schemes, flagged = SC.stale[si] || !SC.verified[si];
  var node = el("span", flagged ? "sprx-checked sprx-stale" : "sprx-checked", checkedWords(SC.verified[si]));
  if (SC.stale[si]) {
    node.appendChild(document.createTextNode(" \u2014 " + tn("over {n} month ago: it may have changed",
                                                             "over {n} months ago: it may have changed", D.staleAfter)));
  }
  return node;
}

function ages(lo, hi, child) {
  if (child && (lo !== null || hi !== null)) {
    var theirs = ages(lo, hi);
    return t("Children: {ages}, with a parent or carer", {ages: theirs});
  }
  return lo !== null && hi !== null ? (lo === hi ? t("Age {age}", {age: lo}) : t("Ages {low}–{high}", {low: lo, high: hi}))
    : lo !== null ? t("Aged {age} and over", {age: lo}) : hi !== null ? t("Aged up to {age}", {age: hi}) : null;
}

// A card's popup on the map: as tall as the map allows above the attribution, panned clear of it.
function cardPopupOptions(map) {
  var attribution = map.getContainer().querySelector(".leaflet-control-attribution");
  var bottom = (attribution ? attribution.offsetHeight : 0) + 12;
  return {maxWidth: 360, maxHeight: Math.max(160, map.getSize().y - bottom - 70),
          autoPanPaddingTopLeft: L.point(12, 12), autoPanPaddingBottomRight: L.point(12, bottom)};
}

// The keyboard's focus on a card's heading (where a screen reader starts reading it).
function focusHeading(card) {
  var h = card.querySelector("h2");
  if (!h) return;
  h.tabIndex = -1;
  h.focus({preventScroll: true});
}

// A card in place of what a popup showed (an area's list, a spot's list), the focus on its heading.
function showCard(popup, card) {
  popup.setContent(card);
  focusHeading(card);
}

var twins = null;  // per scheme: 1 when another scheme has the same name (found when first asked)

// What tells apart schemes that share a name: its provider (when not the name), its first area and
// its first place ("Bolton, BL3 2HP"); "" for a name no other scheme has.
function twinDetail(view, si) {
  var D = view.D, SC = D.schemes, P = D.points, S = view.S;
  if (!twins) {
    var seen = textMap(), n = SC.id.length;
    twins = {flag: new Uint8Array(n), place: new Int32Array(n).fill(-1)};
    var keyOf = {};  // (a text's key once per text: schemes of one name share its index)
    var key = SC.name.map(function (i) { return keyOf[i] || (keyOf[i] = S(i).toLowerCase().trim()); });
    key.forEach(function (k) { seen[k] = (seen[k] || 0) + 1; });
    key.forEach(function (k, si) { twins.flag[si] = seen[k] > 1 ? 1 : 0; });
    for (var k = P.scheme.length - 1; k >= 0; k--) twins.place[P.scheme[k]] = k;
  }
  if (!twins.flag[si]) return "";
  var parts = [], p = twins.place[si];
  if (SC.provider[si] >= 0 && foldText(S(SC.provider[si])) !== foldText(S(SC.name[si]))) parts.push(S(SC.provider[si]));
  if (SC.areas[si].length) parts.push(D.areas.name[SC.areas[si][0]]);
  if (p >= 0) parts.push(S(P.postcode[p]) || S(P.name[p]) || S(P.address[p]));
  return parts.filter(function (x) { return x; }).join(", ");
}

// A scheme's name as a list or a search names it: with what tells it apart from schemes of the same name.
function schemeLabel(view, si) {
  var detail = twinDetail(view, si);
  return view.S(view.D.schemes.name[si]) + (detail ? " \u2014 " + detail : "");
}

// The same, to show: its name marked as English where the page's language has no translation of it.
function schemeTitle(view, si) {
  var out = document.createDocumentFragment(), detail = twinDetail(view, si);
  out.appendChild(said(view.D, si, "name", view.S(view.D.schemes.name[si])));
  if (detail) out.appendChild(document.createTextNode(" \u2014 " + detail));
  return out;
}

// The card of scheme `si`, at its place `point` when one is given.
function schemeCard(view, si, point) {
  var D = view.D, SC = D.schemes, P = D.points, A = D.areas, S = view.S;
  var card = el("div", "sprx-card");
  var h = el("h2", null, said(D, si, "name", S(SC.name[si])));
  var detail = twinDetail(view, si);
  if (detail) h.appendChild(el("span", "sprx-twin", " \u2014 " + detail));
  var status = SC.status[si];
  var badge = statusBadge(status);
  if (badge) { h.appendChild(document.createTextNode(" ")); h.appendChild(badge); }
  card.appendChild(h);
  // (at the top: in view as the card opens, however long the card is)
  if (view.api && view.api.shortlistButton) card.appendChild(view.api.shortlistButton(si));
  if (SC.provider[si] >= 0) {
    card.appendChild(el("p", "sprx-provider", tNodes("Run by {provider}", {provider: said(D, si, "provider", S(SC.provider[si]))})));
  }
  if (SC.description[si] >= 0) card.appendChild(el("p", "sprx-desc", said(D, si, "description", S(SC.description[si]))));
  var dl = el("dl");
  if (point !== undefined) {
    row(dl, t("Where"), joined([placeName(D, point, S(P.name[point])), S(P.address[point]), S(P.postcode[point])], ", "));
    if (P.approximate[point]) row(dl, t("Map position"), t("approximate location (postcode centre)"));
    row(dl, t("Access here"), labelList(D, "accessibility", P.accessibility[point]));
    row(dl, t("Open here"), S(P.hours[point]));
  }
  row(dl, t("Categories"), labelList(D, "categories", SC.categories[si]));
  row(dl, t("Who can refer"), labelList(D, "routes", SC.routes[si]));
  row(dl, t("For"), labelList(D, "groups", SC.groups[si]));
  row(dl, t("Areas"), labels(SC.areas[si], A.name));
  row(dl, t("Who can join"), joined([ages(SC.min_age[si], SC.max_age[si], SC.child_ages[si]), said(D, si, "eligibility", S(SC.eligibility[si]))], ": "));
  var cost = SC.cost[si] >= 0 ? labelIn(D, "costs", SC.cost[si]) : null;
  row(dl, t("Cost"), joined([cost, said(D, si, "cost_description", S(SC.cost_description[si]))], ": "));
  row(dl, t("How"), labelList(D, "delivery", SC.delivery[si]));
  row(dl, t("Languages"), labels(SC.languages[si], D.languages));
  row(dl, t("Access"), labelList(D, "accessibility", SC.accessibility[si]));
  row(dl, t("When"), joined([S(SC.hours[si]), said(D, si, "hours_note", S(SC.hours_note[si]))], " · "));
  var refer = referral(view, si);
  if (refer.childNodes.length) row(dl, t("How to refer"), refer);
  var contact = contacts(view, si);
  if (contact.childNodes.length) row(dl, t("Contact"), contact);
  row(dl, t("Charity number"), S(SC.charity_number[si]));
  row(dl, t("Status"), status === "active" ? t("Active") : (status === "paused" ? t("Paused") : t("Closed")));
  row(dl, t("Last checked"), checkedNode(D, si));
  card.appendChild(dl);
  var suggest = suggestLink(view, si);
  if (suggest) card.appendChild(el("p", "sprx-suggest")).appendChild(suggest);
  var page = schemePageLink(D, si);
  if (page) card.appendChild(el("p", "sprx-scheme-page")).appendChild(page);
  return card;
}

// The scheme's page of its own on the published site (printable, to share), or null where there is none.
function schemePageLink(D, si) {
  if (!D.schemePages) return null;
  var a = link(D.schemePages + encodeURIComponent(D.schemes.id[si]) + ".html", t("Full details: its own page"));
  a.classList.add("sprx-scheme-page-link");
  a.removeAttribute("target");
  a.removeAttribute("rel");
  return a;
}

// How to refer: the words, the referral form and the referral email.
function referral(view, si) {
  var SC = view.D.schemes, S = view.S;
  var refer = el("span", "sprx-refer");
  if (SC.how_to_refer[si] >= 0) refer.appendChild(said(view.D, si, "how_to_refer", S(SC.how_to_refer[si])));
  var form = SC.referral_url[si] >= 0 ? httpUrl(S(SC.referral_url[si])) : null;
  if (form) {
    if (refer.childNodes.length) refer.appendChild(document.createTextNode(" "));
    refer.appendChild(link(form, t("Referral form")));
  }
  var referEmail = SC.referral_email[si] >= 0 ? S(SC.referral_email[si]) : null;
  if (view.isEmail(referEmail)) {
    if (refer.childNodes.length) refer.appendChild(document.createTextNode(" · "));
    refer.appendChild(link("mailto:" + referEmail, referEmail));
  }
  return refer;
}

// The website, email and phone, each a link.
function contacts(view, si) {
  var SC = view.D.schemes, S = view.S;
  var contact = el("span", "sprx-contact");
  var web = SC.website[si] >= 0 ? httpUrl(S(SC.website[si])) : null;
  if (web) contact.appendChild(link(web, S(SC.website[si])));
  var email = SC.email[si] >= 0 ? S(SC.email[si]) : null;
  if (view.isEmail(email)) {
    if (contact.childNodes.length) contact.appendChild(document.createTextNode(" · "));
    contact.appendChild(link("mailto:" + email, email));
  }
  var phone = SC.phone[si] >= 0 ? S(SC.phone[si]) : null;
  if (phone) {
    if (contact.childNodes.length) contact.appendChild(document.createTextNode(" · "));
    contact.appendChild(phoneLink(phone));
  }
  return contact;
}

// A phone number to tap to call (as it is written, where it has too few digits to call).
function phoneLink(phone) {
  var digits = phone.replace(/[^0-9+]/g, "");
  if (digits.length < 3) return document.createTextNode(phone);
  var a = el("a", "sprx-phone", phone);
  a.setAttribute("href", "tel:" + digits);
  return a;
}

// "Suggest a change": an email to the keepers naming the scheme, with what the card shows.
function suggestLink(view, si) {
  var D = view.D, SC = D.schemes, S = view.S;
  if (!view.isEmail(D.feedback)) return null;
  var details = [[t("Name"), S(SC.name[si])], [t("Provider"), S(SC.provider[si])], [t("Website"), S(SC.website[si])],
                 [t("Email"), S(SC.email[si])], [t("Phone"), S(SC.phone[si])], [t("How to refer"), S(SC.how_to_refer[si])],
                 [t("When"), S(SC.hours[si])], [t("Last verified"), SC.verified[si]]]
    .filter(function (x) { return x[1]; }).map(function (x) { return x[0] + ": " + x[1]; }).join("\n");
  return link("mailto:" + D.feedback + "?subject=" + encodeURIComponent(t("Suggested change: {id}", {id: SC.id[si]})) +
              "&body=" + encodeURIComponent(t("What should change?") + "\n\n\n" + t("As the map shows it now:") + "\n" + details),
              t("Suggest a change"));
}
