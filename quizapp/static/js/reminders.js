// Reminders: share a member's message through the phone's own apps (Web Share API), copy it
// where sharing is missing, copy every message at once, and mark "Đã nhắc" without leaving the
// page (a filled-in activation code is shown only once). Without JS: the messages stay
// selectable and "Đã nhắc" is a plain form.
(function () {
  "use strict";

  // reports.js, loaded first on the same page, copies (clipboard API or the legacy command).
  var copyValue = window.quizappCopyText;

  function say(button, text) {
    var status = button.closest(".actions").querySelector(".copy-status");
    if (status) { status.textContent = text; }
  }

  function copyWithStatus(button, copyButton, textarea) {
    copyValue(textarea).then(function () {
      say(button, copyButton.getAttribute("data-copied"));
    }, function () {
      textarea.select();
      say(button, copyButton.getAttribute("data-copy-failed"));
    });
  }

  document.querySelectorAll("[data-share]").forEach(function (button) {
    button.addEventListener("click", function () {
      var textarea = document.getElementById(button.getAttribute("data-share"));
      var copyButton = button.parentNode.querySelector("[data-copy-target]");
      var data = { title: button.getAttribute("data-title"), text: textarea.value };
      if (navigator.share && (!navigator.canShare || navigator.canShare(data))) {
        navigator.share(data).catch(function (error) {
          // the secretary closed the share sheet: nothing to do; anything else: copy instead
          if (error && error.name !== "AbortError") { copyWithStatus(button, copyButton, textarea); }
        });
      } else {
        copyWithStatus(button, copyButton, textarea);
      }
    });
  });

  document.querySelectorAll("[data-copy-all]").forEach(function (button) {
    button.addEventListener("click", function () {
      copyWithStatus(button, button, document.getElementById("remind-all"));
    });
  });

  document.querySelectorAll("form[data-remind-done]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (!window.fetch) { return; }
      event.preventDefault();
      var button = form.querySelector("button");
      button.disabled = true;
      fetch(form.action, {
        method: "POST", body: new FormData(form), credentials: "same-origin",
        headers: { "X-Requested-With": "fetch", "Accept": "application/json" }
      }).then(function (reply) {
        if (!reply.ok) { throw new Error(String(reply.status)); }
        return reply.json();
      }).then(function (data) {
        form.closest(".remind-item").querySelector("[data-remind-state]").textContent = data.text;
        button.disabled = false;
      }, function () {
        form.submit();  // let the server answer in full (an error page says what went wrong)
      });
    });
  });
}());
