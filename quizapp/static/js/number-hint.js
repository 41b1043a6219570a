/* quizapp: beside a numeric answer, show how the number is read ("700.000" -> "= 700 000").
   The rules mirror read_number() in quizapp/services/attempts/grading.py (the grading reads the same way);
   tests/browser/test_member_pages_narrow.py checks that both agree. Without this file the
   review page shows the same reading after submitting. */
(function () {
  "use strict";

  var VI_GROUPED = /^[1-9][0-9]{0,2}(\.[0-9]{3})+$/;
  var EN_GROUPED = /^[1-9][0-9]{0,2}(,[0-9]{3})+$/;
  var DIGITS = /^[0-9]+$/;

  /* [whole digits, fraction digits] of an unsigned number as typed, or null. */
  function split(s) {
    var whole, fraction, at;
    if (s.indexOf(",") >= 0 && s.indexOf(".") >= 0) {
      if (s.lastIndexOf(",") > s.lastIndexOf(".")) {
        at = s.lastIndexOf(","); whole = s.slice(0, at); fraction = s.slice(at + 1);
        if (!VI_GROUPED.test(whole) || !DIGITS.test(fraction)) return null;
      } else {
        at = s.lastIndexOf("."); whole = s.slice(0, at); fraction = s.slice(at + 1);
        if (!EN_GROUPED.test(whole) || !DIGITS.test(fraction)) return null;
      }
      return [whole.replace(/[.,]/g, ""), fraction];
    }
    if (DIGITS.test(s)) return [s, ""];
    if (VI_GROUPED.test(s)) return [s.replace(/\./g, ""), ""];
    if (s.split(",").length > 2 && EN_GROUPED.test(s)) return [s.replace(/,/g, ""), ""];
    var marks = [",", "."];
    for (var i = 0; i < marks.length; i++) {
      at = s.indexOf(marks[i]);
      if (at < 0) continue;
      whole = s.slice(0, at); fraction = s.slice(at + 1);
      if ((whole === "" || DIGITS.test(whole)) && DIGITS.test(fraction)) return [whole || "0", fraction];
    }
    return null;
  }

  /* {negative, whole, fraction} or null: the same reading as the server's read_number(). */
  function readNumber(text) {
    var s = String(text).normalize("NFKC").replace(/\s+/g, "").replace(/\u2212/g, "-");
    var negative = s.charAt(0) === "-";
    if (s.charAt(0) === "-" || s.charAt(0) === "+") s = s.slice(1);
    var parts = split(s);
    if (!parts || parts[0].length > 30) return null;
    var whole = parts[0].replace(/^0+/, "") || "0";
    var fraction = parts[1].replace(/0+$/, "");
    return {negative: negative && !(whole === "0" && fraction === ""), whole: whole, fraction: fraction};
  }

  function describe(text, decimal) {
    var r = readNumber(text);
    if (!r) return null;
    var groups = r.whole.replace(/\B(?=([0-9]{3})+$)/g, "\u00a0");
    return "= " + (r.negative ? "-" : "") + groups + (r.fraction ? decimal + r.fraction : "");
  }

  function refresh(input) {
    var out = document.getElementById("reading-" + input.id);
    if (!out) return;
    var value = input.value.trim();
    var text = value === "" ? "" : describe(value, out.dataset.decimal || ",");
    out.textContent = text === null ? out.dataset.tUnread : text;
    out.classList.toggle("unread", text === null);
  }

  window.quizappReadNumber = function (text) {
    var r = readNumber(text);
    return r && (r.negative ? "-" : "") + r.whole + (r.fraction ? "." + r.fraction : "");
  };
  var inputs = document.querySelectorAll("input[data-number-reading]");
  Array.prototype.forEach.call(inputs, function (input) {
    refresh(input);
    input.addEventListener("input", function () { refresh(input); });
    input.addEventListener("change", function () { refresh(input); });
  });
})();
