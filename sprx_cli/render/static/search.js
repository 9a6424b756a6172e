/* sprx page: the map's search box, over the names of the areas and, by keywords (keywords.js, as the
 * finder's Keywords field), the schemes.
 *
 * needs: button, el, keywordWords, schemeTitle, t
 * gives: addSearch
 */

function addSearch(view, places, areas) {
  var D = view.D, SC = D.schemes, A = D.areas, S = view.S;
  var search = L.control({position: "topleft"});
  search.onAdd = function () {
    var box = el("div", "sprx-search leaflet-bar");
    var input = el("input");
    input.type = "search";
    input.placeholder = t("Search schemes and areas");
    input.setAttribute("aria-label", t("Search schemes and areas"));
    var results = el("ul", "sprx-found");
    box.appendChild(input);
    box.appendChild(results);
    L.DomEvent.disableClickPropagation(box);
    L.DomEvent.disableScrollPropagation(box);
    input.addEventListener("focus", function () { view.keywords(["a"]); }, {once: true});  // (its texts, ahead)
    input.addEventListener("input", function () {
      results.textContent = "";
      var q = input.value.trim().toLowerCase();
      if (q.length < 2) return;
      var found = 0;
      A.name.forEach(function (name, a) {
        if (found < 5 && String(name).toLowerCase().indexOf(q) >= 0) {
          found++;
          results.appendChild(result(name + " " + t("(area)"), function () { areas.open(a); }));
        }
      });
      var hits = view.keywords(keywordWords(q));
      for (var i = 0, n = 0; hits && i < hits.length && n < 10; i++) {
        if (hits[i]) {
          n++;
          results.appendChild(result(schemeTitle(view, i), places.openScheme.bind(null, i)));
        }
      }
      if (!results.childNodes.length) results.appendChild(el("li", "sprx-noresult", t("Nothing found")));
    });
    function result(text, action) {
      var li = el("li");
      li.appendChild(button(text, null, action));
      return li;
    }
    return box;
  };
  search.addTo(view.map);
}
