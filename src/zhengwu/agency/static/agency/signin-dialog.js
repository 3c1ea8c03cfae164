/* 机关用户服务 (AG-3): 申请变更, 申请补领, 申请换领 and 申请撤销 open the image sign-in in a
 * dialog. Progressive enhancement: the buttons are links to the sign-in page (item
 * preselected), which is what happens without script, without <dialog> support, or when the
 * form cannot be loaded. No inline script anywhere (CSP).
 *
 * The form comes from /agency/signin/?item=…&dialog=1 and is posted back with fetch: a 400
 * answer is the form again with its errors (shown in the dialog, focus on the first wrong
 * field), a 204 answer names the next page in X-Agency-Redirect. Esc and the × button close
 * the dialog; focus returns to the button that opened it.
 */
(function () {
  "use strict";
  var dialog = document.getElementById("signin-dialog");
  if (!dialog || typeof dialog.showModal !== "function" || !window.fetch) {
    return;
  }
  var body = dialog.querySelector("[data-dialog-body]");
  var opener = null;

  function focusFirst() {
    var target =
      body.querySelector(".has-error input:not([type=hidden])") ||
      body.querySelector("input:not([type=hidden]), button");
    if (target) {
      target.focus();
    }
  }

  function show(html) {
    body.innerHTML = html;
    focusFirst();
  }

  function fallBack(href) {
    body.textContent = dialog.dataset.failed || "";
    window.location.assign(href);
  }

  function open(link) {
    var url = new URL(link.href, window.location.href);
    url.searchParams.set("dialog", "1");
    opener = link;
    body.textContent = dialog.dataset.loading || "";
    dialog.showModal();
    fetch(url.toString(), {
      credentials: "same-origin",
      headers: { "X-Requested-With": "XMLHttpRequest" },
    })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("HTTP " + response.status);
        }
        return response.text();
      })
      .then(show)
      .catch(function () {
        fallBack(link.href);
      });
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("a[data-signin-dialog]");
    if (!link || event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey) {
      return;
    }
    event.preventDefault();
    open(link);
  });

  dialog.addEventListener("click", function (event) {
    // the × button, or a click on the backdrop (the dialog element itself, outside its box)
    if (event.target.closest("[data-dialog-close]") || event.target === dialog) {
      dialog.close();
    }
  });

  dialog.addEventListener("close", function () {
    body.innerHTML = "";
    if (opener) {
      opener.focus();
    }
  });

  dialog.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches("#agency-signin")) {
      return;
    }
    event.preventDefault();
    var button = form.querySelector("button[type=submit]");
    if (button) {
      button.disabled = true;
    }
    fetch(form.action, {
      method: "POST",
      body: new FormData(form),
      credentials: "same-origin",
      headers: { "X-Requested-With": "XMLHttpRequest" },
    })
      .then(function (response) {
        var next = response.headers.get("X-Agency-Redirect");
        if (next) {
          window.location.assign(next);
          return null;
        }
        if (response.status !== 400) {
          throw new Error("HTTP " + response.status);
        }
        return response.text();
      })
      .then(function (html) {
        if (html !== null) {
          show(html);
        }
      })
      .catch(function () {
        // Let the browser post the form itself: the page answers with the errors.
        var flag = form.querySelector("input[name=dialog]");
        if (flag) {
          flag.remove();
        }
        form.submit();
      });
  });
})();
