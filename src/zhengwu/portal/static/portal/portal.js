/* Portal-wide behaviour, loaded by portal/base.html (no inline script: CSP). */
(function () {
  "use strict";
  // Polling regions marked data-pause-while-typing skip a refresh while the user types in
  // one of their inputs (the sandbox face page: a 不通过 reason being typed).
  document.addEventListener("htmx:beforeRequest", function (event) {
    var region = event.target.closest && event.target.closest("[data-pause-while-typing]");
    var active = document.activeElement;
    if (region && active && active.tagName === "INPUT" && region.contains(active)) {
      event.preventDefault();
      return;
    }
    // data-ignore-changes-from="selector": events from those elements do not trigger the
    // element's request (htmx trigger filters need eval, which the CSP forbids).
    var ignore = event.target.dataset && event.target.dataset.ignoreChangesFrom;
    var config = event.detail && event.detail.requestConfig;
    var origin = config && config.triggeringEvent && config.triggeringEvent.target;
    if (ignore && origin && origin.matches && origin.matches(ignore)) {
      event.preventDefault();
    }
  });
  // <form data-confirm="…">: ask before submitting (replaces inline onsubmit handlers).
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form instanceof HTMLFormElement && form.dataset.confirm) {
      if (!window.confirm(form.dataset.confirm)) {
        event.preventDefault();
      }
    }
  }, true);
})();
