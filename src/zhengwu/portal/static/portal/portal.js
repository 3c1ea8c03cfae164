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
  // <button data-copy="text" data-copied="…" data-copy-failed="…">: copy the text to the
  // clipboard and say so in the next .copy-status (the agent's signing link to pass on).
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-copy]");
    if (!button) {
      return;
    }
    var status = button.parentElement && button.parentElement.querySelector(".copy-status");
    var say = function (text) {
      if (status) {
        status.textContent = text || "";
      }
    };
    var text = button.dataset.copy;
    if (navigator.clipboard && navigator.clipboard.writeText) {
      navigator.clipboard.writeText(text).then(
        function () { say(button.dataset.copied); },
        function () { say(button.dataset.copyFailed); }
      );
    } else {
      say(button.dataset.copyFailed);
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
