// Small progressive enhancements for the registry pages; every page works without them.
(function () {
  "use strict";
  // The filter panel starts open on a desktop, folded on a phone.
  if (window.matchMedia("(min-width: 48rem)").matches) {
    document.querySelectorAll("details[data-open-wide]").forEach(function (el) { el.open = true; });
  }
})();
