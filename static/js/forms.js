/* Small helpers for forms, without inline script (the Content-Security-Policy allows only files from this site).
 *
 * Registration: the city list shows only the cities of the chosen region (the server checks it too), and
 * only the organization section that was chosen ("new" or "existing") is shown. Without JavaScript the
 * whole form stays visible and works.
 */
(function () {
  "use strict";

  function filterCities(region, city) {
    var label = region.options[region.selectedIndex] ? region.options[region.selectedIndex].text : "";
    Array.prototype.forEach.call(city.querySelectorAll("optgroup"), function (group) {
      var match = group.label === label;
      group.hidden = !match;
      group.disabled = !match;
    });
    var chosen = city.options[city.selectedIndex];
    if (chosen && chosen.parentNode.disabled) {
      var first = city.querySelector("optgroup:not([disabled]) option");
      if (first) first.selected = true;
    }
  }

  function showOrgSection(form) {
    var checked = form.querySelector("input[name=org_mode]:checked");
    var mode = checked ? checked.value : "new";
    Array.prototype.forEach.call(form.querySelectorAll("[data-org-mode]"), function (section) {
      section.hidden = section.getAttribute("data-org-mode") !== mode;
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var region = document.getElementById("org_region");
    var city = document.getElementById("org_city");
    if (region && city) {
      filterCities(region, city);
      region.addEventListener("change", function () { filterCities(region, city); });
    }
    var choice = document.querySelector(".org-choice");
    if (choice) {
      var form = choice.closest("form");
      showOrgSection(form);
      Array.prototype.forEach.call(form.querySelectorAll("input[name=org_mode]"), function (radio) {
        radio.addEventListener("change", function () { showOrgSection(form); });
      });
    }
  });
})();
