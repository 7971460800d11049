// align comparison page: highlight a sentence's aligned sentences in the other columns.
(function () {
  "use strict";
  function aligned(el) {
    var ids = (el.getAttribute("data-aligned") || "").split(" ").filter(Boolean);
    return ids.map(function (id) { return document.querySelectorAll('[data-sid="' + id + '"]'); });
  }
  function mark(el, on) {
    el.classList.toggle("focus", on);
    aligned(el).forEach(function (list) {
      list.forEach(function (other) { other.classList.toggle("hl", on); });
    });
  }
  // A static report has no server to render ?view=: apply it here (harmless when served).
  var view = new URLSearchParams(window.location.search).get("view");
  if (view === "both" || view === "original" || view === "translation") {
    document.body.className = "view-" + view;
  }
  document.querySelectorAll(".s[data-sid]").forEach(function (el) {
    el.addEventListener("mouseenter", function () { mark(el, true); });
    el.addEventListener("mouseleave", function () { mark(el, false); });
    el.addEventListener("focus", function () { mark(el, true); });
    el.addEventListener("blur", function () { mark(el, false); });
  });
})();
