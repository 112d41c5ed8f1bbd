// The layout's behaviour (templates/base.html): the phone menu, focus on the first
// error after a failed save, and the name of a chosen file. Every page works without it.
(function () {
  "use strict";
  // Lets the CSS fold the menu behind ☰ on a phone; without JavaScript it stays open.
  document.documentElement.classList.add("js");

  function menu() {
    var toggle = document.querySelector(".menu-toggle");
    var panel = toggle && document.getElementById(toggle.getAttribute("aria-controls"));
    if (!panel) { return; }
    function setOpen(open, returnFocus) {
      panel.classList.toggle("open", open);
      toggle.setAttribute("aria-expanded", open ? "true" : "false");
      if (!open && returnFocus) { toggle.focus(); }
    }
    function isOpen() { return panel.classList.contains("open"); }
    toggle.addEventListener("click", function () { setOpen(!isOpen(), false); });
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && isOpen()) { setOpen(false, panel.contains(document.activeElement)); }
    });
    // A tap or click anywhere else closes it, as people expect of a menu on a phone.
    document.addEventListener("pointerdown", function (event) {
      if (isOpen() && !panel.contains(event.target) && !toggle.contains(event.target)) { setOpen(false, false); }
    });
  }

  // After a failed save the page comes back with the errors: put the cursor on
  // the first field to correct (a screen reader then reads its error with it),
  // or on the message above the form when no field is to blame.
  function focusFirstError() {
    var field = document.querySelector(".has-error input:not([type=hidden]), .has-error select, .has-error textarea");
    var target = field || document.querySelector("[data-focus-on-load]");
    if (!target) { return; }
    if (!field && !target.hasAttribute("tabindex")) { target.setAttribute("tabindex", "-1"); }
    target.focus();
    if (target.scrollIntoView) { target.scrollIntoView({ block: "center" }); }
  }

  // Ask before destructive actions (a form with data-confirm="question").
  function confirmations() {
    Array.prototype.forEach.call(document.querySelectorAll("form[data-confirm]"), function (form) {
      form.addEventListener("submit", function (event) {
        if (!window.confirm(form.getAttribute("data-confirm"))) { event.preventDefault(); }
      });
    });
  }

  // A file box in the page's language (hungbinh/forms.py, FileInput): the chosen file's name next to its button.
  function filePicks() {
    Array.prototype.forEach.call(document.querySelectorAll(".file-pick input[type=file]"), function (input) {
      var name = input.parentNode.querySelector(".file-pick-name");
      function show() {
        var files = Array.prototype.map.call(input.files || [], function (f) { return f.name; });
        name.textContent = files.length ? files.join(", ") : name.getAttribute("data-none");
        input.parentNode.classList.toggle("chosen", files.length > 0);
      }
      input.addEventListener("change", show);
      show();
    });
  }

  function init() {
    menu();
    filePicks();
    focusFirstError();
    confirmations();
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", init); } else { init(); }
})();
