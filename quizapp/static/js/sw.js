/* quizapp service worker, served at /m/sw.js (scope: the member pages).
   Keeps the quiz page of an attempt in progress with its CSS and JavaScript, so a reload or a
   restarted browser without network still shows the attempt; quiz.js keeps the answers.
   The quiz page of an attempt in progress, once kept, is opened from the cache: its questions come
   from the attempt's frozen snapshot and never change, so only the attempt's state is asked of the
   server (/m/api/attempts/<id>), and that answer is handed to the page's first state request.
   When the state says the attempt ended, nobody is signed in, or it is another account's, the kept
   page goes and the server's own answer for the page is shown (the result, the sign-in page).
   Every other page is asked of the network first: the cache only answers when the network fails.
   The server fills in CONFIG: {version, assets, scope, manifest, offline_html}. */
"use strict";
var CONFIG = __CONFIG__;
var CACHE = "quizapp-" + CONFIG.version;   // one cache per release: pages with their own files
var META = "quizapp-meta";                 // whose pages are kept (survives releases)
var OWNER_KEY = CONFIG.scope + "__owner";
var ATTEMPT = new RegExp("^" + CONFIG.scope + "attempts/(\\d+)(/[a-z]+)?$");
var NETWORK_PATIENCE_MS = 6000;            // weak signal: after this, a kept page answers
var HAND_OVER_MS = 15000;                  // a state fetched to open a kept page serves the page this long
var handed = {};                           // state path -> {body, at, mid}: for the page's first state request

function pageKey(url) { var u = new URL(url); return u.origin + u.pathname; }
function isPage(request) { var path = new URL(request.url).pathname; return path.indexOf(CONFIG.scope) === 0 && path !== CONFIG.manifest; }

/* Drop kept pages: all of them, or those whose path matches `only`. */
function dropPages(only) {
  return caches.open(CACHE).then(function (cache) {
    return cache.keys().then(function (keys) {
      return Promise.all(keys.filter(function (r) {
        return isPage(r) && (!only || new URL(r.url).pathname === only);
      }).map(function (r) { return cache.delete(r); }));
    });
  });
}

function owner() {
  return caches.open(META).then(function (c) { return c.match(OWNER_KEY); })
    .then(function (r) { return r ? r.text() : null; });
}
/* Another account on this phone: the previous member's pages go. */
function setOwner(who) {
  return owner().then(function (known) {
    if (known === who) return;
    return dropPages().then(function () {
      return caches.open(META).then(function (c) { return c.put(OWNER_KEY, new Response(who)); });
    });
  });
}

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(CACHE).then(function (cache) {
    return cache.addAll(CONFIG.assets.concat([CONFIG.manifest])).then(function () {
      // Pages kept by the previous release are fetched again, so old pages never meet new files.
      return caches.keys().then(function (names) {
        return Promise.all(names.filter(function (n) { return n !== CACHE && n !== META && n.indexOf("quizapp-") === 0; })
          .map(function (name) {
            return caches.open(name).then(function (old) { return old.keys(); }).then(function (keys) {
              return Promise.all(keys.filter(isPage).map(function (r) {
                return fetch(r.url, {credentials: "same-origin"}).then(function (fresh) {
                  if (fresh.ok && fresh.headers.get("X-Quizapp-Cache")) return cache.put(r.url, fresh);
                }, function () { /* offline during the update: the page is fetched when next opened */ });
              }));
            });
          }));
      });
    });
  }).then(function () { return self.skipWaiting(); }));
});

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (names) {
    return Promise.all(names.filter(function (n) { return n !== CACHE && n !== META && n.indexOf("quizapp-") === 0; })
      .map(function (n) { return caches.delete(n); }));
  }).then(function () { return self.clients.claim(); }));
});

self.addEventListener("message", function (event) {
  var data = event.data || {};
  var work = Promise.resolve();
  if (data.type === "owner") work = setOwner(String(data.member));
  else if (data.type === "attempt-ended") work = dropPages(CONFIG.scope + "attempts/" + data.attempt);
  else if (data.type === "signed-out") work = dropPages();
  else if (data.type === "keep") work = keep(data.path);  // a quiz page opened before the worker was ready
  event.waitUntil(work.then(function () {
    if (event.ports && event.ports[0]) event.ports[0].postMessage("done");
  }));
});

function keep(path) {
  return caches.open(CACHE).then(function (c) { return c.match(pageKey(self.location.origin + path)); }).then(function (hit) {
    if (hit) return;
    return fetch(path, {credentials: "same-origin", redirect: "manual"}).then(function (r) { return learn(path, r); }, function () {});
  });
}

function offlinePage() {
  return new Response(CONFIG.offline_html, {status: 503, headers: {"Content-Type": "text/html; charset=utf-8"}});
}

/* What a page's answer from the network means for what is kept. */
function learn(path, response) {
  if (response.type === "opaqueredirect") {
    // /m/attempts/5 redirecting means the attempt is over (or the session is): drop its page.
    var m = ATTEMPT.exec(path);
    return m ? dropPages(CONFIG.scope + "attempts/" + m[1]) : Promise.resolve();
  }
  return setOwner(response.headers.get("X-Quizapp-Member") || "").then(function () {
    var m = ATTEMPT.exec(path);
    if (m && m[2]) return dropPages(CONFIG.scope + "attempts/" + m[1]);  // result, submit…: it has ended
    if (response.ok && response.headers.get("X-Quizapp-Cache")) {
      return caches.open(CACHE).then(function (c) { return c.put(path, response); });
    }
    if (m) return dropPages(path);
  });
}

function navigate(event) {
  var request = event.request, path = new URL(request.url).pathname, m = ATTEMPT.exec(path);
  if (request.method !== "GET" || !m || m[2]) return networkFirst(event);
  return caches.open(CACHE).then(function (c) { return c.match(pageKey(request.url)); }).then(function (kept) {
    return kept ? fromKept(event, kept, m[1]) : networkFirst(event);
  });
}

function networkFirst(event) {
  var request = event.request, path = new URL(request.url).pathname;
  var network = fetch(request).then(function (response) {
    event.waitUntil(learn(path, response.type === "opaqueredirect" ? response : response.clone()));
    return response;
  });
  if (request.method !== "GET") return network.catch(offlinePage);
  var kept = caches.open(CACHE).then(function (c) { return c.match(pageKey(request.url)); });
  return new Promise(function (resolve) {
    var done = false;
    function answer(r) { if (!done) { done = true; resolve(r); } }
    var patience = setTimeout(function () { kept.then(function (r) { if (r) answer(r); }); }, NETWORK_PATIENCE_MS);
    network.then(function (r) { clearTimeout(patience); answer(r); }, function () {
      clearTimeout(patience);
      kept.then(function (r) { answer(r || offlinePage()); });
    });
  });
}

/* A kept quiz page: the attempt's state decides whether it may be shown. */
function fromKept(event, kept, attempt) {
  var statePath = CONFIG.scope + "api/attempts/" + attempt, sentAt = Date.now();
  var asked = fetch(statePath, {credentials: "same-origin", redirect: "manual", headers: {"Accept": "application/json"}})
    .then(function (reply) {
      return reply.json().then(function (body) { return {status: reply.status, body: body || {}}; },
                               function () { return {status: reply.status, body: {}}; });
    });
  return new Promise(function (resolve) {
    var done = false;
    function answer(r) { if (!done) { done = true; resolve(r); } }
    var patience = setTimeout(function () { answer(kept); }, NETWORK_PATIENCE_MS);
    asked.then(function (r) {
      clearTimeout(patience);
      var b = r.body;
      if (r.status === 200 && b.ok && b.state === "in_progress") {
        if (!done) handed[statePath] = {body: b, at: Date.now(), mid: (sentAt + Date.now()) / 2};
        return answer(kept);
      }
      var ended = r.status === 200 && b.ok && b.state, signedOut = r.status === 401 && b.error === "login";
      var notYours = r.status === 404 && b.error === "not_found";
      // Anything else (busy, an error, a proxy's page) says nothing: as without network, the kept page.
      if (!ended && !signedOut && !notYours) return answer(kept);
      // The attempt ended, nobody is signed in, or it is another account's: the page goes (all pages
      // when nobody is signed in), and the server answers the navigation (the result, the sign-in page).
      var drop = signedOut ? dropPages() : dropPages(CONFIG.scope + "attempts/" + attempt);
      event.waitUntil(drop);
      return drop.then(function () { if (!done) answer(networkFirst(event)); });
    }, function () {
      clearTimeout(patience);
      answer(kept);  // no network: the kept page, as it was
    });
  });
}

/* The state fetched to open a kept page, answered to the page's first state request (once). */
function handOver(path) {
  var h = handed[path];
  delete handed[path];
  if (!h || Date.now() - h.at > HAND_OVER_MS) return null;
  // The server's clock moved on while the page loaded: say so, so the countdown stays right.
  var body = Object.assign({}, h.body, {server_time_ms: h.body.server_time_ms + Math.round(Date.now() - h.mid)});
  return new Response(JSON.stringify(body), {headers: {"Content-Type": "application/json", "Cache-Control": "no-store"}});
}

self.addEventListener("fetch", function (event) {
  var request = event.request, url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.mode === "navigate") {
    if (url.pathname.indexOf(CONFIG.scope) === 0) event.respondWith(navigate(event));
    return;
  }
  if (request.method === "GET" && handed[url.pathname]) {
    var state = handOver(url.pathname);
    if (state) { event.respondWith(state); return; }
  }
  if (request.method !== "GET") return;
  if (url.pathname.indexOf("/static/") !== 0 && url.pathname !== CONFIG.manifest) return;  // the API goes to the network
  // Versioned files and the manifest: the cache first (they change only with a release), else the network.
  event.respondWith(caches.open(CACHE).then(function (cache) {
    return cache.match(request).then(function (hit) { return hit || fetch(request); });
  }));
});
