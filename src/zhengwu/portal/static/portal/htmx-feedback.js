// Every htmx action shows its outcome where the user looks (issue 11), with no inline script
// (the Content-Security-Policy allows no 'unsafe-inline').
//
// * Error answers (4xx/5xx) are swapped like successes: htmx 2 drops them by default, so a
//   429 "获取短信验证码过于频繁，请15秒后再试" never appeared. An HTML fragment is shown as
//   the server wrote it; a JSON error {code, message, field} or an empty body becomes a
//   role="alert" message; an element without a target gets the message right after it.
// * A network failure or a timeout says so next to the element that was used.
// * Every 获取短信验证码 button (an htmx button whose text says so, or one marked
//   data-sms-countdown) is disabled and counts down after a request: the resend period after a
//   success (data-sms-countdown seconds, 60 by default), the seconds the server asked for after
//   a refusal (Retry-After, or "请N秒后再试" in the message).
(function () {
  "use strict";

  var SMS_TEXT = "获取短信验证码";
  var DEFAULT_SECONDS = 60;

  function lang() {
    return (document.documentElement.getAttribute("lang") || "zh-hans").toLowerCase();
  }

  function t(zh, en) {
    return lang().indexOf("en") === 0 ? en : zh;
  }

  function alertNode(message) {
    var node = document.createElement("span");
    node.className = "error htmx-error";
    node.setAttribute("role", "alert");
    node.textContent = message;
    return node;
  }

  function escapeHtml(text) {
    var div = document.createElement("div");
    div.textContent = text;
    return div.innerHTML;
  }

  function showNear(elt, message) {
    if (!elt || !elt.parentNode) return;
    var next = elt.nextElementSibling;
    if (next && next.classList && next.classList.contains("htmx-error")) {
      next.textContent = message;
      return;
    }
    elt.parentNode.insertBefore(alertNode(message), elt.nextSibling);
  }

  function clearNear(elt) {
    var next = elt && elt.nextElementSibling;
    if (next && next.classList && next.classList.contains("htmx-error")) next.remove();
  }

  function jsonMessage(xhr) {
    var type = xhr.getResponseHeader("Content-Type") || "";
    if (type.indexOf("application/json") !== 0) return null;
    try {
      var body = JSON.parse(xhr.responseText);
      return body && typeof body.message === "string" ? body.message : null;
    } catch (e) {
      return null;
    }
  }

  function fallbackMessage(status) {
    if (status === 429) return t("操作过于频繁，请稍后再试", "Too many requests, please try later");
    if (status === 403) return t("请刷新页面后重试", "Please reload the page and try again");
    if (status >= 500) return t("系统繁忙，请稍后再试", "The service is busy, please try later");
    return t("操作失败，请检查后重试", "The action failed, please check and try again");
  }

  function errorText(xhr) {
    var message = jsonMessage(xhr);
    if (message) return message;
    var text = (xhr.responseText || "").trim();
    if (text && (xhr.getResponseHeader("Content-Type") || "").indexOf("text/html") === 0) {
      var div = document.createElement("div");
      div.innerHTML = text;
      message = (div.textContent || "").trim();
      if (message && message.length < 200) return message;
    }
    return fallbackMessage(xhr.status);
  }

  // --- the 获取短信验证码 countdown ------------------------------------------------------------

  function isSmsButton(elt) {
    if (!elt || elt.tagName !== "BUTTON") return false;
    if (elt.hasAttribute("data-sms-countdown")) return true;
    var label = elt.getAttribute("data-sms-label") || elt.textContent || "";
    return label.indexOf(SMS_TEXT) !== -1 || /send (sms|verification) code/i.test(label);
  }

  function waitSeconds(xhr) {
    var header = parseInt(xhr.getResponseHeader("Retry-After") || "", 10);
    if (header > 0) return header;
    var match = /(\d+)\s*(秒|s(ec(ond)?s?)?\b)/i.exec(errorText(xhr));
    return match ? parseInt(match[1], 10) : 0;
  }

  function countdown(button, seconds) {
    if (!(seconds > 0)) return;
    if (!button.hasAttribute("data-sms-label")) {
      button.setAttribute("data-sms-label", button.textContent.trim());
    }
    var label = button.getAttribute("data-sms-label");
    var left = seconds;
    if (button._smsTimer) clearInterval(button._smsTimer);
    button.disabled = true;
    button.setAttribute("aria-disabled", "true");
    function tick() {
      if (left <= 0) {
        clearInterval(button._smsTimer);
        button._smsTimer = null;
        button.disabled = false;
        button.removeAttribute("aria-disabled");
        button.textContent = label;
        return;
      }
      button.textContent = t(left + "秒后重新获取", "Resend in " + left + " s");
      left -= 1;
    }
    tick();
    button._smsTimer = setInterval(tick, 1000);
  }

  function afterSmsRequest(button, xhr) {
    if (!xhr) return;
    if (xhr.status >= 200 && xhr.status < 300) {
      var seconds = parseInt(button.getAttribute("data-sms-countdown") || "", 10);
      countdown(button, seconds > 0 ? seconds : DEFAULT_SECONDS);
    } else {
      countdown(button, waitSeconds(xhr));
    }
  }

  // --- wiring ---------------------------------------------------------------------------------

  document.addEventListener("htmx:beforeSwap", function (evt) {
    var xhr = evt.detail.xhr;
    if (!xhr || xhr.status < 400) return;
    var elt = evt.detail.requestConfig ? evt.detail.requestConfig.elt : evt.target;
    var target = evt.detail.target;
    var message = jsonMessage(xhr);
    var html = (xhr.responseText || "").trim();
    var isHtml = (xhr.getResponseHeader("Content-Type") || "").indexOf("text/html") === 0;
    if (!target || target === document.body) {
      evt.detail.shouldSwap = false;
      showNear(elt, errorText(xhr));
      return;
    }
    evt.detail.shouldSwap = true;
    evt.detail.isError = false;
    if (message || !isHtml || !html) {
      evt.detail.serverResponse =
        '<span class="error htmx-error" role="alert">' + escapeHtml(errorText(xhr)) + "</span>";
    }
  });

  document.addEventListener("htmx:afterRequest", function (evt) {
    var elt = evt.detail.elt;
    if (evt.detail.successful) clearNear(elt);
    if (isSmsButton(elt)) afterSmsRequest(elt, evt.detail.xhr);
  });

  function networkError(evt) {
    showNear(
      evt.detail.elt,
      t("网络异常，请检查网络后重试", "Network error, please check your connection and retry")
    );
  }
  document.addEventListener("htmx:sendError", networkError);
  document.addEventListener("htmx:timeout", networkError);

  // Exposed for pages that start a countdown themselves (e.g. after a full-page submit).
  window.zhengwuSmsCountdown = countdown;

  document.addEventListener("DOMContentLoaded", function () {
    var buttons = document.querySelectorAll("[data-sms-countdown-start]");
    for (var i = 0; i < buttons.length; i++) {
      countdown(buttons[i], parseInt(buttons[i].getAttribute("data-sms-countdown-start"), 10));
    }
  });
})();
