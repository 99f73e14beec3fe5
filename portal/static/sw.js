/* The portal's service worker (our own, no library): keeps the app shell, and for the signed-in user only the
 * pages the server lists at /offline/pages, so they open without a connection. Every kept page is stored in a
 * cache named after its user and checked against the user of the session last seen; a page rendered for nobody
 * (logged out) or for another user drops every kept page. Requests other than GET are never touched. */
"use strict";
var SHELL = "portal-shell-v1", META = "portal-meta", PAGES = "portal-pages-", SYNC_EVERY = 120000;

function meta(key, value) {
  return caches.open(META).then(function (c) {
    if (value === undefined) { return c.match(key).then(function (r) { return r ? r.json() : null; }); }
    return c.put(key, new Response(JSON.stringify(value), { headers: { "Content-Type": "application/json" } }));
  });
}
function dropPages(keep) {
  return caches.keys().then(function (names) {
    return Promise.all(names.filter(function (n) {
      return n.indexOf(PAGES) === 0 && n !== PAGES + keep;
    }).map(function (n) { return caches.delete(n); }));
  });
}
// The user whose session the browser holds now; a change (or none) forgets the pages kept for anyone else.
function setUser(user) {
  return meta("/user").then(function (known) {
    if (known === user) { return; }
    return dropPages(user || "").then(function () {
      return Promise.all([meta("/user", user), meta("/pages", []), meta("/synced", 0)]);
    });
  });
}
function key(url) { var u = new URL(url); return u.pathname + u.search; }

function sync(user, force) {
  return setUser(user).then(function () { return meta("/synced"); }).then(function (at) {
    if (!force && at && Date.now() - at < SYNC_EVERY) { return; }
    return fetch("/offline/pages", { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (list) {
        if (!list || list.user !== user) { return; }
        return Promise.all([
          meta("/pages", list.pages), meta("/synced", Date.now()),
          caches.open(SHELL).then(function (c) { return c.addAll(list.shell).catch(function () { /* next time */ }); }),
          caches.open(PAGES + user).then(function (c) {
            return c.keys().then(function (old) {  // pages no longer needed (report submitted, inspection signed)
              return Promise.all(old.filter(function (r) { return list.pages.indexOf(key(r.url)) < 0; })
                .map(function (r) { return c.delete(r); }));
            }).then(function () {
              return Promise.all(list.pages.map(function (p) {
                return fetch(p, { credentials: "same-origin" }).then(function (r) {
                  if (r.ok && r.headers.get("X-Portal-User") === user) { return c.put(p, r); }
                }).catch(function () { /* offline again: keep the last copy */ });
              }));
            });
          })
        ]);
      });
  }).catch(function () { /* nothing kept this time */ });
}

self.addEventListener("install", function () { self.skipWaiting(); });
self.addEventListener("activate", function (e) { e.waitUntil(self.clients.claim()); });

self.addEventListener("message", function (e) {
  var m = e.data || {};
  if (m.type === "sync" && m.user) { e.waitUntil(sync(String(m.user), !!m.force)); }
  if (m.type === "forget") { e.waitUntil(setUser(null)); }
});

function isStatic(url) { return /^\/([a-z0-9_]+\/)?static\//.test(url.pathname); }

function shell(req) {
  return caches.open(SHELL).then(function (c) {
    return c.match(req).then(function (hit) {
      return hit || fetch(req).then(function (r) {
        if (r.ok && new URL(req.url).searchParams.get("v")) { c.put(req, r.clone()); }
        return r;
      });
    });
  });
}

// The user of the browser's session now, from the readable companion of the session cookie (undefined: cannot tell).
function sessionUser() {
  if (!self.cookieStore) { return Promise.resolve(undefined); }
  return self.cookieStore.get("portal_user").then(function (c) { return c ? c.value : null; },
    function () { return undefined; });
}

// The kept copy, marked so the page shows the offline banner; its own headers (CSP included) stay. Only for the
// user of the last page seen online, and of the session the browser holds now.
function keptCopy(req, fragment) {
  return Promise.all([meta("/user"), sessionUser()]).then(function (users) {
    var user = users[0];
    if (!user || (users[1] !== undefined && users[1] !== user)) { return Response.error(); }
    return caches.open(PAGES + user).then(function (c) { return c.match(key(req.url)); }).then(function (hit) {
      if (!hit || hit.headers.get("X-Portal-User") !== user) { return Response.error(); }
      if (fragment) { return hit; }
      return hit.text().then(function (html) {
        return new Response(html.replace('<main id="main"', '<main id="main" data-offline-copy="1"'),
          { status: 200, headers: hit.headers });
      });
    });
  });
}

function page(req, fragment) {
  return fetch(req).then(function (r) {
    var user = r.headers.get("X-Portal-User");
    var done = (fragment ? Promise.resolve() : setUser(user)).then(function () {
      if (!user || !r.ok || r.redirected) { return; }
      return meta("/pages").then(function (pages) {
        if (pages && pages.indexOf(key(req.url)) >= 0) {
          return caches.open(PAGES + user).then(function (c) { return c.put(key(req.url), r.clone()); });
        }
      });
    });
    return done.then(function () { return r; }, function () { return r; });
  }, function () { return keptCopy(req, fragment); });
}

self.addEventListener("fetch", function (e) {
  var req = e.request, url = new URL(req.url);
  if (req.method !== "GET" || url.origin !== self.location.origin) { return; }
  if (isStatic(url)) { e.respondWith(shell(req)); return; }
  if (req.mode === "navigate") { e.respondWith(page(req, false)); return; }
  // a part of a kept page loaded by htmx (an inspection's section): network first, else the kept copy
  e.respondWith(meta("/pages").then(function (pages) {
    return pages && pages.indexOf(key(req.url)) >= 0 ? page(req, true) : fetch(req);
  }));
});
