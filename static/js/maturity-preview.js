// Shows the claimed maturity the innovation would have if the chosen level were saved.
// The server recomputes it on save; this is only a preview (the page works without it).
(function () {
  "use strict";
  var box = document.getElementById("maturity-preview");
  if (!box) return;
  var base = parseFloat(box.getAttribute("data-base")) || 0;
  var target = box.querySelector("[data-role=value]");
  var lang = document.documentElement.lang || "id";
  var format = new Intl.NumberFormat(lang, { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  document.querySelectorAll("input[type=radio][data-score]").forEach(function (radio) {
    radio.addEventListener("change", function () {
      if (radio.checked) target.textContent = format.format(base + parseFloat(radio.getAttribute("data-score")));
    });
  });
})();
