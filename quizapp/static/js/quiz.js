/* quizapp quiz page: one question per screen, autosave with a local queue, a server-timed countdown.
   Without this file the page is a plain form that still works. */
(function () {
  "use strict";

  var printLink = document.getElementById("print-certificate");
  if (printLink) printLink.addEventListener("click", function (e) { e.preventDefault(); window.print(); });

  /* ---- the service worker (member pages): keeps the quiz for offline reloads ---- */
  var app = document.getElementById("member-app");
  /* The worker once it runs (navigator.serviceWorker.ready only serves pages inside its scope). */
  function activeWorker(reg) {
    if (!reg) return Promise.resolve(null);
    if (reg.active) return Promise.resolve(reg.active);
    var coming = reg.installing || reg.waiting;
    if (!coming) return Promise.resolve(null);
    return new Promise(function (resolve) {
      coming.addEventListener("statechange", function () {
        if (coming.state === "activated") resolve(coming);
        if (coming.state === "redundant") resolve(reg.active);
      });
    });
  }
  function toWorker(message) {
    if (!app || !("serviceWorker" in navigator)) return Promise.resolve();
    // Never hold the page up for long: a worker still installing gets at most two seconds.
    var patience = new Promise(function (resolve) { window.setTimeout(resolve, 2000); });
    return Promise.race([patience, navigator.serviceWorker.getRegistration(app.dataset.scope).then(activeWorker).then(function (worker) {
      if (!worker) return;
      return new Promise(function (resolve) {
        var channel = new MessageChannel();
        channel.port1.onmessage = function () { resolve(); };
        worker.postMessage(message, [channel.port2]);
      });
    }).catch(function () {})]);
  }
  if (app && "serviceWorker" in navigator && window.isSecureContext) {
    navigator.serviceWorker.register(app.dataset.sw, {scope: app.dataset.scope}).then(activeWorker)
      .then(function () { return toWorker({type: "owner", member: app.dataset.member}); }).then(function () {
      if (document.getElementById("quiz")) return toWorker({type: "keep", path: window.location.pathname});
    }).catch(function () {});
  }
  /* Signing out: the worker forgets the member's pages (the server also sends Clear-Site-Data). */
  document.querySelectorAll('form[action$="/auth/logout"]').forEach(function (f) {
    f.addEventListener("submit", function (e) {
      if (f.dataset.done) return;
      e.preventDefault();
      var ready = window.quizappBeforeSignOut ? window.quizappBeforeSignOut() : Promise.resolve();
      ready.then(function () { return toWorker({type: "signed-out"}); }).then(function () {
        f.dataset.done = "1"; f.submit();
      });
    });
  });

  var root = document.getElementById("quiz");
  if (!root) return;
  var form = document.getElementById("answers");
  var statusLine = document.getElementById("save-status");
  var timerEl = document.getElementById("timer");
  var alertEl = document.getElementById("timer-alert");
  // Announced: failures and offline/online changes only, not every "Đang lưu…/Đã lưu".
  var netEl = document.getElementById("net-alert"), netState = "online";
  function announce(text) { if (netEl) netEl.textContent = text; }
  function warn(text) { alertEl.textContent = text; alertEl.className = "timer-alert"; }
  var csrf = (document.querySelector('meta[name="csrf-token"]') || {}).content || "";
  var attemptId = parseInt(root.dataset.attempt, 10);
  var storeKey = "quizapp.attempt." + attemptId;
  var metaKey = storeKey + ".meta";  // acknowledged answers, clock, position, queued submission
  var d = root.dataset;
  /* Messages come translated from the page (data-t-*). */
  var T = {saved: d.tSaved, saving: d.tSaving, offline: d.tOffline, session: d.tSession, timeUp: d.tTimeUp,
           unsent: d.tUnsent, fiveMin: d.tFiveMin, oneMin: d.tOneMin, answered: d.tAnswered, flagged: d.tFlagged,
           progress: d.tProgress, conflict: d.tConflict, submitQueued: d.tSubmitQueued,
           nearDeadline: d.tNearDeadline, timeUpOffline: d.tTimeUpOffline, sending: d.tSending};

  /* ---- state: per question {seq (highest known), answer, flagged}; pending = not yet acknowledged ---- */
  var questions = {};   // qid -> {el, type, seq, pos}
  var pending = {};     // qid -> {a, f, s}
  var sections = Array.prototype.slice.call(root.querySelectorAll("fieldset.question[data-qid]"));
  sections.forEach(function (el) {
    questions[el.dataset.qid] = {el: el, type: el.dataset.type, seq: parseInt(el.dataset.seq, 10) || 0,
                                 pos: parseInt(el.dataset.pos, 10)};
  });

  function load() {
    try { return JSON.parse(window.localStorage.getItem(storeKey)) || {}; } catch (e) { return {}; }
  }
  function persist() {
    try {
      if (Object.keys(pending).length) window.localStorage.setItem(storeKey, JSON.stringify(pending));
      else window.localStorage.removeItem(storeKey);
    } catch (e) { /* storage full or disabled: the in-memory queue still works */ }
  }
  var meta = (function () {
    try { return JSON.parse(window.localStorage.getItem(metaKey)) || {}; } catch (e) { return {}; }
  })();
  meta.acked = meta.acked || {};
  function saveMeta() {
    try { window.localStorage.setItem(metaKey, JSON.stringify(meta)); } catch (e) { /* memory only */ }
  }
  function forget() {
    try { window.localStorage.removeItem(storeKey); window.localStorage.removeItem(metaKey); } catch (e) { /* none */ }
  }

  function readAnswer(q) {
    var inputs = q.el.querySelectorAll('[name="a' + q.el.dataset.qid + '"]');
    if (q.type === "multiple") {
      var picked = [];
      inputs.forEach(function (i) { if (i.checked) picked.push(parseInt(i.value, 10)); });
      return picked.sort(function (a, b) { return a - b; });
    }
    if (q.type === "single" || q.type === "true_false") {
      for (var k = 0; k < inputs.length; k++) if (inputs[k].checked) return parseInt(inputs[k].value, 10);
      return null;
    }
    return inputs[0].value;
  }
  function writeAnswer(q, answer, flagged) {
    var inputs = q.el.querySelectorAll('[name="a' + q.el.dataset.qid + '"]');
    inputs.forEach(function (i) {
      if (i.type === "radio") i.checked = answer !== null && parseInt(i.value, 10) === answer;
      else if (i.type === "checkbox") i.checked = Array.isArray(answer) && answer.indexOf(parseInt(i.value, 10)) >= 0;
      else i.value = answer === null || answer === undefined ? "" : answer;
    });
    q.el.querySelector('[name="f' + q.el.dataset.qid + '"]').checked = !!flagged;
  }
  function isAnswered(q) {
    var a = readAnswer(q);
    return Array.isArray(a) ? a.length > 0 : (a !== null && String(a).trim() !== "");
  }
  function paint(q) {
    var pal = document.getElementById("pal" + q.pos);
    if (!pal) return;
    var answered = isAnswered(q);
    var flagged = q.el.querySelector('[name="f' + q.el.dataset.qid + '"]').checked;
    pal.classList.toggle("answered", answered);
    pal.classList.toggle("flagged", flagged);
    pal.querySelector(".pal-state").textContent = (answered ? " " + T.answered : "") + (flagged ? " " + T.flagged : "");
    var progress = document.getElementById("progress");
    if (progress) progress.textContent = T.progress.replace("{a}", root.querySelectorAll(".pal.answered").length)
                                                 .replace("{n}", sections.length);
  }

  /* Merge what this phone still holds with what the server has: the higher sequence number wins.
     The page may come from the worker's cache: answers acknowledged since are kept here too. */
  Object.keys(meta.acked).forEach(function (qid) {
    var q = questions[qid], entry = meta.acked[qid];
    if (!q || !entry || entry.s <= q.seq) return;
    q.seq = entry.s;
    writeAnswer(q, entry.a, entry.f);
  });
  var stored = load();
  Object.keys(stored).forEach(function (qid) {
    var q = questions[qid], entry = stored[qid];
    if (qid === "prediction") { pending[qid] = entry; var p = document.getElementById("prediction"); if (p) p.value = entry.a; return; }
    if (!q || !entry || entry.s <= q.seq) return;
    pending[qid] = entry;
    q.seq = entry.s;
    writeAnswer(q, entry.a, entry.f);
  });
  persist();
  Object.keys(questions).forEach(function (qid) { paint(questions[qid]); });

  /* ---- one question per screen ---- */
  document.documentElement.classList.add("js");
  var current = null;
  var pageServerMs = parseInt(root.dataset.serverMs, 10);
  var positionTimer = null;
  function sendPosition() {
    var p = meta.pos;
    if (!p || p.sent || halted) return;
    window.fetch(root.dataset.positionUrl, {
      method: "POST", credentials: "same-origin",
      headers: {"Content-Type": "application/json", "X-CSRFToken": csrf, "Accept": "application/json"},
      body: JSON.stringify({position: p.p})
    }).then(function (r) { if (r.ok && meta.pos === p) { p.sent = true; saveMeta(); } }, function () {});
  }
  function rememberPosition(pos) {
    meta.pos = {p: pos, at: serverNow(), sent: false};
    saveMeta();
    window.clearTimeout(positionTimer);
    positionTimer = window.setTimeout(sendPosition, 800);
  }
  var moved = false;    // the member moved on this page: the server's position no longer applies
  function show(pos, focus) {
    var target = sections.filter(function (s) { return parseInt(s.dataset.pos, 10) === pos; })[0] || sections[0];
    if (!target) return;
    sections.forEach(function (s) { s.classList.toggle("is-current", s === target); });
    var prediction = document.getElementById("q-prediction");
    if (prediction) prediction.classList.toggle("is-current", target === sections[sections.length - 1]);
    root.querySelectorAll(".pal").forEach(function (p) { p.removeAttribute("aria-current"); });
    var pal = document.getElementById("pal" + target.dataset.pos);
    if (pal) pal.setAttribute("aria-current", "step");
    current = target;
    if (!focus) return;
    moved = true;
    rememberPosition(parseInt(target.dataset.pos, 10));  // first paint: changing the URL now would make the browser scroll to it
    if (window.history.replaceState) window.history.replaceState(null, "", "#q" + target.dataset.pos);
    target.querySelector("legend").setAttribute("tabindex", "-1");
    target.querySelector("legend").focus();
  }
  function posFromHash(hash) { var m = /^#q(\d+)$/.exec(hash || ""); return m ? parseInt(m[1], 10) : null; }
  /* Where to reopen: the link's #qN, else this phone's newer unsent move, else the server's. */
  function resumeAt() {
    var fromHash = posFromHash(window.location.hash);
    if (fromHash) return fromHash;
    var p = meta.pos;
    if (p && (!p.sent || p.at > pageServerMs)) return p.p;
    return parseInt(root.dataset.resume, 10) || 1;
  }
  root.addEventListener("click", function (e) {
    var link = e.target.closest('a[href^="#q"]');
    if (!link) return;
    e.preventDefault();
    show(posFromHash(link.getAttribute("href")) || 1, true);
  });

  /* ---- saving ---- */
  var tokenRenewed = false;
  var inFlight = false, failures = 0, retryTimer = null, offline = !navigator.onLine, halted = false;
  var note = document.getElementById("offline-note");
  function setStatus() {
    var n = Object.keys(pending).length;
    var text = offline && n ? T.offline.replace("{n}", n) : (n ? T.saving : T.saved);
    var state = offline ? "offline" : "online";
    if (state !== netState && (state === "online" || n)) { netState = state; announce(offline ? text : T.saved); }
    showNotes();
    if (statusLine.dataset.fixed) return;
    statusLine.textContent = text;
    statusLine.className = "save-status" + (offline && n ? " offline" : (n ? " saving" : " saved"));
  }
  /* Offline: what happens to a queued submission, and near the deadline, the server's rule. */
  function showNotes() {
    var n = Object.keys(pending).length, lines = [];
    if (meta.submit && !halted) lines.push(T.submitQueued);
    else if (offline && n && deadline - serverNow() <= 300000) lines.push(T.nearDeadline);
    var text = lines.join(" ");
    note.hidden = !text;
    note.querySelector(".text").textContent = text;
    document.getElementById("cancel-submit").hidden = !meta.submit;
  }
  function fixStatus(text) { announce(text); statusLine.textContent = text; statusLine.dataset.fixed = "1"; statusLine.className = "save-status offline"; }

  function snapshot(q) { return JSON.stringify([readAnswer(q), q.el.querySelector('[name="f' + q.el.dataset.qid + '"]').checked]); }
  Object.keys(questions).forEach(function (qid) { questions[qid].last = snapshot(questions[qid]); });

  function record(qid) {
    var q = questions[qid], now = snapshot(q);
    if (now === q.last) return;  // a blur after the typing pause already saved it
    q.last = now;
    var old = q.el.querySelector(".conflict-note");
    if (old) old.remove();
    q.seq += 1;
    pending[qid] = {a: readAnswer(q), f: q.el.querySelector('[name="f' + qid + '"]').checked, s: q.seq};
    persist();
    paint(q);
    setStatus();
    flush();
  }

  var clockOffset = pageServerMs - Date.now();
  var deadline = parseInt(root.dataset.deadlineMs, 10);
  var grace = parseInt(root.dataset.graceMs, 10) || 0;
  // A page from the worker's cache is older than the last contact: that contact's clock is right.
  if (meta.clock && meta.clock.server >= pageServerMs) { clockOffset = meta.clock.offset; deadline = meta.clock.deadline; }
  else { meta.clock = {server: pageServerMs, offset: clockOffset, deadline: deadline}; saveMeta(); }
  function serverNow() { return Date.now() + clockOffset; }
  function syncClock(body, sentAt) {
    if (body && body.server_time_ms) {
      var mid = (sentAt + Date.now()) / 2;  // assume the reply was made halfway through the round trip
      clockOffset = body.server_time_ms - mid;
      if (body.deadline_ms) deadline = body.deadline_ms;
      meta.clock = {server: body.server_time_ms, offset: clockOffset, deadline: deadline};
      saveMeta();
    }
  }

  function scheduleRetry() {
    if (retryTimer || halted) return;
    var delay = Math.min(30000, 1000 * Math.pow(2, Math.min(failures, 5)));
    retryTimer = window.setTimeout(function () { retryTimer = null; flush(); }, delay);
  }

  function finished(body) {
    halted = true;
    pending = {};
    persist();
    forget();
    toWorker({type: "attempt-ended", attempt: attemptId}).then(function () {
      window.location.href = (body && body.result_url) || root.dataset.resultUrl;
    });
  }

  function flush() {
    if (inFlight || halted) return Promise.resolve();
    var qid = Object.keys(pending)[0];
    if (qid === undefined) { setStatus(); return Promise.resolve(); }
    var entry = pending[qid];
    inFlight = true;
    var sentAt = Date.now();
    var payload = {attempt: attemptId, question: qid === "prediction" ? "prediction" : parseInt(qid, 10),
                   answer: entry.a, seq: entry.s, flagged: entry.f};
    return window.fetch(root.dataset.saveUrl, {
      method: "POST", credentials: "same-origin",
      headers: {"Content-Type": "application/json", "X-CSRFToken": csrf, "Accept": "application/json"},
      body: JSON.stringify(payload)
    }).then(function (reply) {
      return reply.json().catch(function () { return {}; }).then(function (body) { return {status: reply.status, body: body}; });
    }).then(function (r) {
      inFlight = false;
      syncClock(r.body, sentAt);
      if (r.status === 200 && r.body.ok) {
        offline = false; failures = 0; tokenRenewed = false;
        // Drop the entry unless a newer change to the same question was queued meanwhile.
        if (pending[qid] && pending[qid].s <= (qid === "prediction" ? entry.s : r.body.seq)) delete pending[qid];
        if (qid !== "prediction" && r.body.kept !== false) { meta.acked[qid] = {a: entry.a, f: entry.f, s: r.body.seq}; saveMeta(); }
        persist(); setStatus();
        // Another tab or device stored a different answer: show what the server keeps, and say so.
        if (r.body.kept === false) resync(qid);
        sendPosition();
        if (!Object.keys(pending).length && meta.submit) return sendSubmission();
        return flush();
      }
      if (r.body.error === "finished" || r.body.error === "too_late") { fixStatus(r.body.message); return finished(r.body); }
      if (r.body.error === "csrf" && !tokenRenewed) {
        // A page kept offline (or a restarted browser) carries an older token: fetch a fresh one once.
        tokenRenewed = true;
        return resync().then(flush);
      }
      if (r.body.error === "csrf" || r.body.error === "login" || r.status === 401) { offline = true; fixStatus(T.session); return; }
      if (r.status === 400 || r.status === 404) {
        // The server will never take this one (bad answer); keep the rest flowing.
        delete pending[qid]; persist(); setStatus(); return flush();
      }
      failures += 1; setStatus(); scheduleRetry();
    }, function () {
      inFlight = false; offline = true; failures += 1; setStatus(); scheduleRetry();
    });
  }

  /* Wait until every queued answer is acknowledged, or the network fails. */
  function drain(limitMs) {
    var until = Date.now() + limitMs;
    return new Promise(function (resolve) {
      (function step() {
        if (!Object.keys(pending).length || halted) return resolve(true);
        if (Date.now() > until) return resolve(false);
        if (retryTimer) { window.clearTimeout(retryTimer); retryTimer = null; }
        flush().then(function () { window.setTimeout(step, inFlight ? 100 : (offline ? 500 : 0)); });
      })();
    });
  }

  form.addEventListener("change", function (e) {
    var field = e.target.closest("fieldset.question[data-qid]");
    if (e.target.id === "prediction") { pending.prediction = {a: e.target.value, s: Date.now(), f: false}; persist(); setStatus(); flush(); return; }
    if (field) record(field.dataset.qid);
  });
  var typing = {};
  form.addEventListener("input", function (e) {
    var field = e.target.closest("fieldset.question[data-qid]");
    if (!field || e.target.type !== "text") return;
    var qid = field.dataset.qid;
    window.clearTimeout(typing[qid]);
    typing[qid] = window.setTimeout(function () { record(qid); }, 700);
  });
  /* Submitting without network: queued at once, sent first thing when the connection returns. */
  function queueSubmission() {
    meta.submit = true; saveMeta();
    fixStatus(T.offline.replace("{n}", Object.keys(pending).length));
    showNotes();
  }
  function sendSubmission() {
    if (halted || submittingNow) return Promise.resolve();
    submittingNow = true;
    return drain(15000).then(function (ok) {
      if (!ok || halted) return;
      // Make sure the server answers before leaving the page (a failed post would lose the page).
      return window.fetch(root.dataset.stateUrl, {credentials: "same-origin", headers: {"Accept": "application/json"}})
        .then(function (r) { return r.json(); })
        .then(function (body) {
          if (body.state && body.state !== "in_progress") return finished(body);
          if (!body.ok || halted) return;
          halted = true;
          forget();
          document.getElementById("final-submit").submit();
        }, function () { offline = true; setStatus(); });
    }).then(function () { submittingNow = false; }, function () { submittingNow = false; });
  }
  var submittingNow = false;
  document.getElementById("cancel-submit").addEventListener("click", function () {
    meta.submit = false; saveMeta(); delete statusLine.dataset.fixed; setStatus();
    document.getElementById("submit-button").focus();
  });
  form.addEventListener("submit", function (e) {
    e.preventDefault();
    Object.keys(typing).forEach(function (qid) { window.clearTimeout(typing[qid]); record(qid); });
    if (e.submitter && e.submitter.value === "save") { flush(); return; }
    if (offline || !navigator.onLine) { queueSubmission(); return; }
    statusLine.textContent = T.sending;
    drain(8000).then(function (ok) {
      if (ok) window.location.href = root.dataset.confirmUrl;
      else queueSubmission();
    });
  });
  window.quizappBeforeSignOut = function () { return drain(3000).then(forget); };
  window.addEventListener("online", function () {
    offline = false; failures = 0; delete statusLine.dataset.fixed;
    if (submitting) { resync(); return; }  // time is up: the server says what became of the attempt
    resync().then(function () { if (meta.submit) sendSubmission(); else flush(); });
  });
  window.addEventListener("offline", function () { offline = true; setStatus(); });

  /* ---- countdown from the server's clock ---- */
  var warned5 = false, warned1 = false, submitting = false;
  function pad(n) { return (n < 10 ? "0" : "") + n; }
  function tick() {
    var left = Math.max(0, Math.round((deadline - serverNow()) / 1000));
    var h = Math.floor(left / 3600), m = Math.floor((left % 3600) / 60), s = left % 60;
    timerEl.textContent = (h ? h + ":" + pad(m) : pad(m)) + ":" + pad(s);
    // Red from 5 minutes, and the warnings shown as well as announced (not to screen readers only).
    timerEl.parentNode.classList.toggle("low", left <= 300);
    if (left <= 300 && left > 60 && !warned5) { warned5 = true; warn(T.fiveMin); }
    if (left <= 60 && left > 0 && !warned1) { warned1 = true; warn(T.oneMin); }
    if (left === 0 && !submitting) timeUp();
    if (left <= 300) showNotes();
  }
  function timeUp() {
    submitting = true;
    fixStatus(T.timeUp);
    form.querySelectorAll("input, button").forEach(function (i) { i.disabled = true; });
    // Answers still queued are accepted during the grace period; send them, then submit.
    drain(Math.max(3000, grace - 2000)).then(function (ok) {
      if (halted) return;
      // Without network the server finalises by its own clock; the page learns it when back online.
      if (!ok && (offline || !navigator.onLine)) { fixStatus(T.timeUpOffline); return; }
      halted = true; document.getElementById("final-submit").submit();
    });
  }
  /* A page kept by the worker was drawn when it was kept: the first state says where the member
     went since on another device, unless the link or an unsent move on this phone says otherwise. */
  var firstState = true, linkedTo = posFromHash(window.location.hash);
  function followServerPosition(position) {
    if (!firstState) return;
    firstState = false;
    if (moved || linkedTo || (meta.pos && !meta.pos.sent) || !position) return;
    if (current && parseInt(current.dataset.pos, 10) !== position) show(position, false);
  }
  function resync(conflict) {
    var sentAt = Date.now();
    return window.fetch(root.dataset.stateUrl, {credentials: "same-origin", headers: {"Accept": "application/json"}})
      .then(function (r) { return r.json(); })
      .then(function (body) {
        syncClock(body, sentAt);
        if (body.state && body.state !== "in_progress") return finished(body);
        if (body.error) return;
        if (body.csrf) {  // a page kept offline may carry an older token
          csrf = body.csrf;
          document.querySelectorAll('input[name="csrf_token"]').forEach(function (i) { i.value = body.csrf; });
        }
        Object.keys(body.answers || {}).forEach(function (qid) {
          var q = questions[qid], saved = body.answers[qid];
          if (!q || pending[qid] || saved.seq < q.seq) return;
          q.seq = saved.seq;
          meta.acked[qid] = {a: saved.answer, f: saved.flagged, s: saved.seq};
          writeAnswer(q, saved.answer, saved.flagged);
          q.last = snapshot(q);
          paint(q);
        });
        saveMeta();
        followServerPosition(body.position);
        var q = conflict && questions[conflict];
        if (q) {
          var text = T.conflict.replace("{n}", q.pos);
          var line = q.el.querySelector(".conflict-note");
          if (!line) { line = document.createElement("p"); line.className = "conflict-note"; q.el.querySelector(".options, .field").before(line); }
          line.textContent = text;
          statusLine.textContent = text;
        }
        tick();
      }, function () { offline = true; setStatus(); });
  }
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "visible") { tick(); resync(); flush(); }
  });
  show(resumeAt(), false);
  tick();
  window.setInterval(tick, 1000);
  setStatus();
  if (navigator.onLine) resync();
  if (meta.submit) sendSubmission(); else flush();
})();
