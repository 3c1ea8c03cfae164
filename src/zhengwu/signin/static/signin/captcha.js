// 换一张: a new image captcha without reloading the page (django-simple-captcha's refresh view).
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var button = event.target.closest(".captcha-refresh");
    if (!button) return;
    event.preventDefault();
    var row = button.closest(".captcha-row");
    fetch(button.getAttribute("data-refresh-url"), {
      headers: { "X-Requested-With": "XMLHttpRequest" },
      credentials: "same-origin",
    })
      .then(function (response) { return response.json(); })
      .then(function (data) {
        var image = row.querySelector("img.captcha");
        var key = row.querySelector("input[type=hidden]");
        var audio = row.querySelector("a[href$='.wav']");
        if (image) image.src = data.image_url;
        if (key) key.value = data.key;
        if (audio && data.audio_url) audio.href = data.audio_url;
        var text = row.querySelector("input[type=text]");
        if (text) { text.value = ""; text.focus(); }
      });
  });
})();
