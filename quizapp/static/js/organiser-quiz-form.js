/* Quiz form: show only the draw-rule input that applies, and list the chosen bank version's topics. */
(function () {
  "use strict";
  var form = document.querySelector("form.quiz-form");
  if (!form) { return; }
  var version = form.querySelector("select[name=bank_version]");
  var help = document.getElementById("topic-help");
  var custom = form.querySelector("textarea[name=draw_custom]");

  function topics() {
    var option = version && version.options[version.selectedIndex];
    if (!option || !option.dataset.topics) { return {}; }
    try { return JSON.parse(option.dataset.topics); } catch (e) { return {}; }
  }

  function showTopics() {
    if (!help) { return; }
    var list = topics();
    help.textContent = "";
    var names = Object.keys(list);
    if (!names.length) { return; }
    help.appendChild(document.createTextNode(help.dataset.intro + " "));
    help.appendChild(document.createTextNode(names.map(function (t) { return t + " (" + list[t] + ")"; }).join("; ")));
  }

  function mode() {
    var checked = form.querySelector("input[name=draw_mode]:checked");
    return checked ? checked.value : "all";
  }

  function showDetail() {
    var current = mode();
    form.querySelectorAll(".draw-detail").forEach(function (block) {
      block.hidden = block.dataset.mode !== current;
    });
    if (current === "custom" && custom && !custom.value.trim()) {
      var list = topics();
      custom.value = Object.keys(list).map(function (t) { return t + " = " + list[t]; }).join("\n");
    }
  }

  if (version) { version.addEventListener("change", showTopics); }
  form.querySelectorAll("input[name=draw_mode]").forEach(function (radio) {
    radio.addEventListener("change", showDetail);
  });
  showTopics();
  showDetail();
})();
