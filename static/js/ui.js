/* Page behaviour that needs a little script, as a file (the Content-Security-Policy allows no inline script).
 *
 * - On a phone the header's menu is folded behind a "Menu" button (without JavaScript it stays open).
 * - On a phone the browse filters start folded, so the first results are on the first screen.
 * - A form with data-confirm="…" asks before it is sent (merging duplicates).
 */
(function () {
  "use strict";
  var PHONE = window.matchMedia("(max-width: 860px)");

  document.documentElement.classList.add("js");

  document.addEventListener("DOMContentLoaded", function () {
    var toggle = document.querySelector(".menu-toggle");
    var menu = document.getElementById("site-menu");
    if (toggle && menu) {
      toggle.addEventListener("click", function () {
        var open = toggle.getAttribute("aria-expanded") !== "true";
        toggle.setAttribute("aria-expanded", open ? "true" : "false");
        menu.classList.toggle("open", open);
      });
    }
    if (PHONE.matches) {
      Array.prototype.forEach.call(document.querySelectorAll("details.fold-on-phone"), function (box) {
        box.open = false;
      });
    }
    Array.prototype.forEach.call(document.querySelectorAll("form[data-confirm]"), function (form) {
      form.addEventListener("submit", function (event) {
        if (!window.confirm(form.getAttribute("data-confirm"))) event.preventDefault();
      });
    });
  });
})();
