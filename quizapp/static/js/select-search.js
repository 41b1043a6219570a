/* Long drop-downs (units, chapters) get a search box above them: type part of a name, with or
   without diacritics ("chieng dong" finds "Đoàn xã Chiềng Dong"), and the list keeps only the
   matching entries. The <select> itself stays the form field, so nothing changes without JS. */
(function () {
  "use strict";
  var MIN_OPTIONS = 15;
  var words = (document.currentScript && document.currentScript.dataset) || {};

  function fold(text) {
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "")
      .replace(/đ/g, "d").replace(/Đ/g, "D").toLowerCase().replace(/\s+/g, " ").trim();
  }

  function enhance(select, index) {
    var options = Array.prototype.slice.call(select.options);
    var folded = options.map(function (o) { return fold(o.textContent); });
    var box = document.createElement("input");
    box.type = "search";
    box.id = (select.id || "select-" + index) + "-search";
    box.className = "select-search";
    box.setAttribute("autocomplete", "off");
    box.setAttribute("aria-controls", select.id || "");
    box.setAttribute("aria-label", (words.label || "Tìm trong danh sách") + ": " +
      (select.labels && select.labels.length ? select.labels[0].textContent.trim() : ""));
    box.placeholder = words.placeholder || "";
    select.parentNode.insertBefore(box, select);
    box.addEventListener("input", function () {
      var words = fold(box.value).split(" ").filter(Boolean);
      var first = null;
      options.forEach(function (option, i) {
        var match = words.every(function (w) { return folded[i].indexOf(w) !== -1; });
        option.hidden = !match;
        option.disabled = !match && !option.selected;
        if (match && first === null) { first = option; }
      });
      if (first && select.selectedOptions.length && select.selectedOptions[0].hidden) {
        first.selected = true;
      }
    });
  }

  document.querySelectorAll("select").forEach(function (select, index) {
    if (select.options.length >= MIN_OPTIONS && !select.multiple) { enhance(select, index); }
  });
})();
