/* Offline work: registers the service worker, shows the offline banner, and queues what is saved without a
 * connection (htmx posts from inside [data-offline]) in IndexedDB, per user, to send in order when the link
 * returns: at page load and on "online". Each post carries an idempotency key made here, so a replay after a
 * lost answer is answered once; a fresh CSRF token is fetched before sending. Texts come from #offline-texts
 * (translated by the server). Without IndexedDB or a service worker everything stays online-only. */
(function () {
  "use strict";
  var T = document.getElementById("offline-texts");
  if (!T || !window.indexedDB || !window.fetch || !window.Promise) { return; }
  var main = document.getElementById("main");
  var user = main ? main.dataset.user : "";
  var pending = 0, flushing = false, dbp = null;

  // --- storage ---------------------------------------------------------------------------------------------
  function db() {
    return dbp || (dbp = new Promise(function (ok, ko) {
      var r = indexedDB.open("portal-offline", 1);
      r.onupgradeneeded = function () { r.result.createObjectStore("queue", { keyPath: "id", autoIncrement: true }); };
      r.onsuccess = function () { ok(r.result); };
      r.onerror = function () { ko(r.error); };
    }));
  }
  function tx(mode, fn) {
    return db().then(function (d) {
      return new Promise(function (ok, ko) {
        var t = d.transaction("queue", mode), out = fn(t.objectStore("queue"));
        t.oncomplete = function () { ok(out && out.readyState ? out.result : out); };
        t.onerror = t.onabort = function () { ko(t.error); };
      });
    });
  }
  function mine() {
    return tx("readonly", function (s) { return s.getAll(); }).then(function (rows) {
      return rows.filter(function (r) { return r.user === user; }).sort(function (a, b) { return a.id - b.id; });
    });
  }
  function put(row) { return tx("readwrite", function (s) { return s.put(row); }); }
  function drop(id) { return tx("readwrite", function (s) { return s["delete"](id); }); }

  function newKey() {
    var b = new Uint8Array(18);
    crypto.getRandomValues(b);
    return btoa(String.fromCharCode.apply(null, b)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  // --- photos are made smaller here before they wait (the link is slow; the server downscales again) -----
  function shrink(file) {
    var side = parseInt(T.dataset.photoSide || "1600", 10);
    if (!/^image\//.test(file.type) || !window.createImageBitmap) { return Promise.resolve(file); }
    return createImageBitmap(file).then(function (img) {
      var k = Math.min(1, side / Math.max(img.width, img.height));
      var c = document.createElement("canvas");
      c.width = Math.round(img.width * k); c.height = Math.round(img.height * k);
      c.getContext("2d").drawImage(img, 0, 0, c.width, c.height);
      return new Promise(function (ok) {
        c.toBlob(function (blob) {
          ok(blob && blob.size < file.size ? new File([blob], file.name.replace(/\.[^.]*$/, "") + ".jpg",
            { type: "image/jpeg" }) : file);
        }, "image/jpeg", 0.85);
      });
    }).catch(function () { return file; });
  }

  // --- queue -------------------------------------------------------------------------------------------------
  function offlineElt(elt) { return elt && elt.closest ? elt.closest("[data-offline]") : null; }

  function enqueue(detail) {
    var cfg = detail.requestConfig, elt = cfg.elt, fields = [], files = false, jobs = [];
    cfg.formData.forEach(function (value, name) {
      if (value instanceof File) {
        if (!value.size) { return; }
        files = true;
        jobs.push(shrink(value).then(function (f) { fields.push([name, f]); }));
      } else { fields.push([name, value]); }
    });
    var ev = cfg.triggeringEvent, src = ev && ev.target && ev.target.closest ? ev.target : elt;
    var labelled = src.closest("[data-offline-label]");
    var dedupe = cfg.verb + " " + cfg.path + " " + (cfg.formData.get("item") || "");
    var row = {
      user: user, verb: cfg.verb, path: cfg.path, fields: fields, key: cfg.headers["Idempotency-Key"] || newKey(),
      target: detail.target && detail.target.id ? "#" + detail.target.id : null, page: location.pathname,
      label: (labelled ? labelled.dataset.offlineLabel : document.title) + (files ? " (" + T.dataset.file + ")" : ""),
      at: Date.now(), state: "pending",
      dedupe: files ? null : dedupe
    };
    return Promise.all(jobs).then(mine).then(function (rows) {
      // a newer value of the same field replaces the one still waiting (it was based on the same version)
      var old = rows.filter(function (r) { return r.state === "pending" && r.dedupe && r.dedupe === row.dedupe; });
      return Promise.all(old.map(function (r) { return drop(r.id); }));
    }).then(function () { return put(row); }).then(function () {
      markQueued(src);
      return refresh();
    });
  }
  function markQueued(elt) {
    var box = elt.closest("[data-offline-label]") || elt;
    box.classList.add("is-queued");
    var mark = box.querySelector(".queued-mark");
    if (!mark) {
      mark = document.createElement("span");
      mark.className = "queued-mark";
      mark.setAttribute("role", "status");
      box.appendChild(mark);
    }
    mark.textContent = box.dataset.offlineQueued || T.dataset.queued;  // a form may say it its own way
  }

  document.addEventListener("htmx:configRequest", function (e) {
    if (e.detail.verb !== "get" && offlineElt(e.detail.elt)) { e.detail.headers["Idempotency-Key"] = newKey(); }
  });
  document.addEventListener("htmx:beforeRequest", function (e) {
    var cfg = e.detail.requestConfig;
    if (!navigator.onLine && cfg && cfg.verb !== "get" && offlineElt(cfg.elt)) {
      e.preventDefault();
      enqueue(e.detail);
    }
  });
  document.addEventListener("htmx:sendError", function (e) {
    var cfg = e.detail.requestConfig;
    if (!cfg) { return; }
    if (cfg.verb !== "get" && offlineElt(cfg.elt)) { enqueue(e.detail); return; }
    // a boosted link without a connection: a plain navigation lets the service worker open its kept copy
    if (cfg.verb === "get" && e.detail.boosted) { location.href = cfg.path; }
  });

  // a save that went through online makes the kept copies older: refresh them a little later, once
  var resync = null;
  document.addEventListener("htmx:afterRequest", function (e) {
    var cfg = e.detail.requestConfig;
    if (cfg && cfg.verb !== "get" && e.detail.successful && offlineElt(cfg.elt)) {
      clearTimeout(resync);
      resync = setTimeout(function () { swSync(true); }, 10000);
    }
  });

  function swapInto(row, resp, text) {
    // a replayed answer carries no retarget: the first one was shown already (never swap a whole form)
    var sel = resp.headers.get("HX-Retarget") || (resp.headers.get("X-Replayed") ? null : row.target);
    var target = sel && row.page === location.pathname ? document.querySelector(sel) : null;
    // an answer for one part never replaces a whole form (it belongs to an element the server names)
    if (!target || !window.htmx || (target.tagName === "FORM" && !resp.headers.get("HX-Retarget"))) { return false; }
    htmx.swap(target, text, { swapStyle: resp.headers.get("HX-Reswap") || "outerHTML" });
    var trig = resp.headers.get("HX-Trigger");
    if (trig && /^[\w:.-]+$/.test(trig)) { htmx.trigger(document.body, trig); }
    return true;
  }

  function send(row, token) {
    var body = new FormData();
    row.fields.forEach(function (f) { body.append(f[0], f[0] === "csrf_token" ? token : f[1]); });
    return fetch(row.path, {
      method: row.verb.toUpperCase(), body: body, credentials: "same-origin",
      headers: { "X-CSRFToken": token, "HX-Request": "true", "Idempotency-Key": row.key }
    });
  }

  function flush() {
    if (flushing || !user || !navigator.onLine) { return Promise.resolve(); }
    flushing = true;
    var sent = 0;
    return mine().then(function (rows) {
      // conflicts and refusals of this page, kept from a send made elsewhere: show them now
      rows.filter(function (r) { return r.state !== "pending" && r.page === location.pathname; }).forEach(function (r) {
        var h = r.retarget ? { "HX-Retarget": r.retarget, "HX-Reswap": r.reswap || "outerHTML" } : {};
        if (swapInto(r, new Response("", { headers: h }), r.body)) { drop(r.id); }
      });
      rows = rows.filter(function (r) { return r.state === "pending"; });
      if (!rows.length) { return; }
      return fetch("/offline/csrf", { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (r) { return r.ok ? r.json() : null; }).then(function (t) {
          if (!t || t.user !== user) { return; }  // session ended or another user: wait for this user's login
          return rows.reduce(function (chain, row) {
            return chain.then(function (go) {
              if (!go) { return false; }
              return send(row, t.token).then(function (resp) {
                if (resp.status >= 500 || resp.status === 401) { return false; }
                return resp.text().then(function (text) {
                  if (resp.ok) { sent++; swapInto(row, resp, text); return drop(row.id).then(function () { return true; }); }
                  // 409: the value changed on the server; both are shown and the server's stays until the user chooses
                  row.state = resp.status === 409 ? "conflict" : "refused";
                  row.body = text;
                  row.retarget = resp.headers.get("HX-Retarget");
                  row.reswap = resp.headers.get("HX-Reswap");
                  return (swapInto(row, resp, text) ? drop(row.id) : put(row)).then(function () { return true; });
                });
              }, function () { return false; });  // the link dropped again: keep the rest, in order
            });
          }, Promise.resolve(true));
        });
    }).catch(function () { /* next time */ }).then(function () {
      flushing = false;
      if (sent) { swSync(true); }
      return refresh();
    });
  }

  // --- what is waiting: "chờ gửi (3)", a list to look at and discard ---------------------------------------
  var badge = document.getElementById("offline-queue"), panel = document.getElementById("offline-panel");
  function refresh() {
    return mine().then(function (rows) {
      pending = rows.length;
      if (!badge) { return; }
      badge.hidden = !pending;
      badge.textContent = T.dataset.pending.replace("#", pending);
      if (panel && !panel.hidden) { list(rows); }
    }).catch(function () { /* storage disabled */ });
  }
  function list(rows) {
    var ul = panel.querySelector("ul");
    ul.textContent = "";
    rows.forEach(function (r) {
      var li = document.createElement("li"), b = document.createElement("button");
      li.textContent = r.label + " · " + new Date(r.at).toLocaleTimeString().slice(0, 5) + " · " +
        (r.state === "conflict" ? T.dataset.conflict : r.state === "refused" ? T.dataset.refused : T.dataset.queued) + " ";
      b.type = "button"; b.className = "link"; b.textContent = T.dataset.discard; b.dataset.discard = r.id;
      li.appendChild(b);
      ul.appendChild(li);
    });
  }
  document.addEventListener("click", function (e) {
    var t = e.target;
    if (!t.closest) { return; }
    if (t.closest("#offline-queue")) { panel.hidden = !panel.hidden; refresh(); }
    if (t.closest("[data-offline-send]")) { flush(); }
    var d = t.closest("[data-discard]");
    if (d && window.confirm(T.dataset.discardConfirm)) { drop(Number(d.dataset.discard)).then(refresh); }
  });

  // --- logout: warn about what is unsent; on confirmation forget this user's pages and queue --------------
  document.addEventListener("portal:beforelogout", function (e) {
    if (pending && !window.confirm(T.dataset.unsent.replace("#", pending))) { e.preventDefault(); return; }
    e.detail.wait.push(mine().then(function (rows) {
      return Promise.all(rows.map(function (r) { return drop(r.id); }));
    }).catch(function () { /* cleared by the server's Clear-Site-Data too */ }));
    swPost({ type: "forget" });
  });

  // --- the service worker and the banner ---------------------------------------------------------------------
  function swPost(msg) {
    if (!navigator.serviceWorker || !navigator.serviceWorker.controller) { return; }
    navigator.serviceWorker.controller.postMessage(msg);
  }
  function swSync(force) {
    if (!navigator.serviceWorker) { return; }
    navigator.serviceWorker.ready.then(function (reg) {
      if (reg.active) { reg.active.postMessage(user ? { type: "sync", user: user, force: !!force } : { type: "forget" }); }
    });
  }
  var banner = document.getElementById("offline-banner");
  function showBanner() {
    if (banner) { banner.hidden = navigator.onLine && !(main && main.dataset.offlineCopy); }
  }
  window.addEventListener("offline", showBanner);
  window.addEventListener("online", function () {
    if (main) { delete main.dataset.offlineCopy; }
    showBanner();
    flush();
  });
  document.addEventListener("portal:logout", function () { swPost({ type: "forget" }); });

  showBanner();
  if ("serviceWorker" in navigator && T.dataset.sw) {
    navigator.serviceWorker.register(T.dataset.sw, { scope: "/" }).then(function () {
      if (navigator.onLine && !(main && main.dataset.offlineCopy)) { swSync(false); }
    }).catch(function () { /* no worker: online-only */ });
  }
  refresh().then(flush);
})();
