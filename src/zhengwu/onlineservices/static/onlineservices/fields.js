// Conditional fields of an application form (data-show-if / data-equals), shown only when the
// field they depend on has the given value. A static file: the CSP allows no inline script.
document.querySelectorAll("[data-show-if]").forEach(function (box) {
  var source = document.querySelector('[name="' + box.dataset.showIf + '"]');
  if (!source) return;
  var sync = function () { box.hidden = source.value !== box.dataset.equals; };
  source.addEventListener("change", sync);
  sync();
});
