// Idle-timeout warning (等保 2.0). The server enforces the timeout (IdleTimeoutMiddleware);
// this script only tells the person before it happens and lets them extend the session.
// Settings come from the <script> tag: data-idle, data-warn (seconds), data-ping, data-login,
// data-csrf, data-text, data-extend.
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script) return;
  var idle = parseInt(script.getAttribute("data-idle"), 10) * 1000;
  var warn = parseInt(script.getAttribute("data-warn"), 10) * 1000;
  var pingUrl = script.getAttribute("data-ping");
  var loginUrl = script.getAttribute("data-login");
  var warnText = script.getAttribute("data-text");
  var extendText = script.getAttribute("data-extend");
  var deadline, warnTimer, endTimer, tickTimer, banner;

  // The CSRF cookie is HttpOnly in production: the token comes from the page.
  function csrfToken() { return script.getAttribute("data-csrf") || ""; }

  function hide() {
    if (banner) { banner.remove(); banner = null; }
    clearInterval(tickTimer);
  }

  function show() {
    if (banner) return;
    banner = document.createElement("div");
    banner.className = "session-warning";
    banner.setAttribute("role", "alertdialog");
    banner.setAttribute("aria-live", "assertive");
    var text = document.createElement("p");
    var button = document.createElement("button");
    button.type = "button";
    button.textContent = extendText;
    button.addEventListener("click", extend);
    banner.appendChild(text);
    banner.appendChild(button);
    document.body.appendChild(banner);
    function tick() {
      var seconds = Math.max(0, Math.round((deadline - Date.now()) / 1000));
      text.textContent = warnText.replace("%(minutes)s", Math.floor(seconds / 60))
        .replace("%(seconds)s", seconds % 60);
    }
    tick();
    tickTimer = setInterval(tick, 1000);
    button.focus();
  }

  function schedule() {
    clearTimeout(warnTimer);
    clearTimeout(endTimer);
    hide();
    deadline = Date.now() + idle;
    warnTimer = setTimeout(show, Math.max(0, idle - warn));
    // A moment after the deadline: the server has timed the session out; show the login page.
    endTimer = setTimeout(function () { window.location.href = loginUrl + "?timeout=1"; }, idle + 2000);
  }

  function extend() {
    fetch(pingUrl, {
      method: "POST",
      credentials: "same-origin",
      headers: { "X-CSRFToken": csrfToken(), "X-Requested-With": "XMLHttpRequest" },
    }).then(function (response) {
      if (response.ok) { schedule(); } else { window.location.href = loginUrl + "?timeout=1"; }
    });
  }

  schedule();
  // Every htmx request is activity the server has seen: restart the clock.
  document.addEventListener("htmx:afterRequest", schedule);
})();
