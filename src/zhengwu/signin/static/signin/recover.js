// 找回用户名: show only the field of the chosen 找回方式 (the server checks it either way).
(function () {
  "use strict";
  var method = document.getElementById("id_method");
  if (!method) return;
  function field(name) {
    var input = document.getElementById("id_" + name);
    return input ? input.closest(".field") : null;
  }
  function update() {
    var mobile = field("mobile"), idNumber = field("id_number");
    if (mobile) mobile.hidden = method.value !== "mobile";
    if (idNumber) idNumber.hidden = method.value !== "id_number";
  }
  method.addEventListener("change", update);
  update();
})();
