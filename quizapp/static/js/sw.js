/* quizapp service worker, served at /m/sw.js (scope: the member pages).
   Keeps the quiz page of an attempt in progress with its CSS and JavaScript, so a reload or a
   restarted browser without network still shows the attempt; quiz.js keeps the answers.
   Pages are always asked of the network first: the cache only answers when the network fails.
   The server fills in CONFIG: {version, assets, scope, offline_html}. */
"use strict";
var CONFIG = __CONFIG__;
var CACHE = "quizapp-" + CONFIG.version;   // one cache per release: pages with their own files
var META = "quizapp-meta";                 // whose pages are kept (survives releases)
var OWNER_KEY = CONFIG.scope + "__owner";
var ATTEMPT = new RegExp("^" + CONFIG.scope + "attempts/(\\d+)(/[a-z]+)?$");
var NETWORK_PATIENCE_MS = 6000;            // weak signal: after this, a kept page answers

function pageKey(url) { var u = new URL(url); return u.origin + u.pathname; }
function isPage(request) { return ["/css/", "/js/", "/icons/"].every(function (p) { return request.url.indexOf("/static" + p) < 0; }); }

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
    return cache.addAll(CONFIG.assets).then(function () {
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

self.addEventListener("fetch", function (event) {
  var request = event.request, url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.mode === "navigate") {
    if (url.pathname.indexOf(CONFIG.scope) === 0) event.respondWith(navigate(event));
    return;
  }
  if (request.method !== "GET" || url.pathname.indexOf("/static/") !== 0) return;  // the API goes to the network
  // Versioned files: the cache first (they never change under one URL), else the network.
  event.respondWith(caches.open(CACHE).then(function (cache) {
    return cache.match(request).then(function (hit) { return hit || fetch(request); });
  }));
});
