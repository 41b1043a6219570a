// Reports: copy the reminder list, print the page. Enhancement only: without JS the
// list stays selectable and the "Bản in" link still opens the print view.
(function () {
  "use strict";

  function copyText(textarea) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(textarea.value);
    }
    // Older phones and plain-http intranets: select and use the legacy command.
    textarea.focus();
    textarea.select();
    textarea.setSelectionRange(0, textarea.value.length);
    return document.execCommand("copy") ? Promise.resolve() : Promise.reject(new Error("copy"));
  }
  // The reminders page (loaded after this file) copies its messages the same way.
  window.quizappCopyText = copyText;

  document.querySelectorAll("[data-copy-target]").forEach(function (button) {
    button.addEventListener("click", function () {
      var textarea = document.getElementById(button.getAttribute("data-copy-target"));
      var status = button.parentNode.querySelector(".copy-status");
      if (!textarea) { return; }
      copyText(textarea).then(function () {
        if (status) { status.textContent = button.getAttribute("data-copied"); }
      }, function () {
        textarea.select();
        if (status) { status.textContent = button.getAttribute("data-copy-failed"); }
      });
    });
  });

  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.addEventListener("click", function () { window.print(); });
  });
}());
