/* The checklist is one form (#checklist): each change saves only its item (the fields named "<name>.<item id>"),
 * a chosen photo goes to the item's photo address. Collapsed sections load their items when opened, and
 * "7/12 answered" with the jump to the next unanswered item follows the answers. Without a connection the core queue (offline.js) keeps the saves. Texts: #insp-texts. */
(function () {
  "use strict";
  function form() { return document.getElementById("checklist"); }
  function itemOf(el) { return el && el.closest ? el.closest("li[data-item]") : null; }

  document.addEventListener("htmx:configRequest", function (e) {
    var f = form(), ev = e.detail.triggeringEvent;
    if (!f || e.detail.elt !== f) { return; }
    var input = ev && ev.target, li = itemOf(input), fd = e.detail.formData;
    if (!li) { e.preventDefault(); return; }
    var id = li.dataset.item, keep = {}, file = input.type === "file" && input.files.length ? input.files[0] : null;
    keep.csrf_token = fd.get("csrf_token");
    Array.from(fd.keys()).forEach(function (k) {
      if (k.slice(-id.length - 1) === "." + id && !file) { keep[k] = fd.getAll(k); }
    });
    Array.from(fd.keys()).forEach(function (k) { fd["delete"](k); });
    Object.keys(keep).forEach(function (k) {
      [].concat(keep[k]).forEach(function (v) { if (!(v instanceof File)) { fd.append(k, v); } });
    });
    if (file) {
      fd.append("photo", file);
      e.detail.path = f.dataset.photoUrl.replace("/items/0/", "/items/" + id + "/");
      input.value = "";
    } else {
      fd.append("item", id);
    }
  });

  // "Save" on an item: with JavaScript every change saves its item already (a note when it loses focus, which is
  // also what pressing the button does), so the button never posts the whole form with the versions the page had
  // before that save (a false "saved elsewhere"); it asks for a save only when none is on its way.
  document.addEventListener("submit", function (e) {
    var f = form(), btn = e.submitter;
    if (!f || e.target !== f || !btn || btn.name !== "item") { return; }
    e.preventDefault();
    var li = itemOf(btn);
    if (li && !li.hasAttribute("data-saving")) { btn.dispatchEvent(new Event("change", { bubbles: true })); }
  });
  document.addEventListener("htmx:beforeRequest", function (e) {
    var li = e.detail.elt === form() && itemOf(e.detail.requestConfig && e.detail.requestConfig.triggeringEvent &&
      e.detail.requestConfig.triggeringEvent.target);
    if (li) { li.setAttribute("data-saving", ""); }
  });
  document.addEventListener("htmx:afterRequest", function (e) {
    var li = e.detail.elt === form() && itemOf(e.detail.requestConfig && e.detail.requestConfig.triggeringEvent &&
      e.detail.requestConfig.triggeringEvent.target);
    if (li) { li.removeAttribute("data-saving"); }
  });

  // --- "7/12 answered" and the jump to the next unanswered item (other sections load when opened) ------
  function given(li) {
    var checked = li.querySelector("input[name^='result.']:checked");
    var typed = li.querySelector("input[name^='number.'], textarea[name^='text.']");
    return !!(checked || (typed && typed.value.trim()));
  }
  function answered(li, yes) {
    var done = document.querySelector("#insp-progress .insp-done");
    if (yes === li.hasAttribute("data-answered")) { return; }
    li.toggleAttribute("data-answered", yes);
    if (done) { done.textContent = Number(done.textContent) + (yes ? 1 : -1); }
    var count = li.closest("details") && li.closest("details").querySelector("summary small");
    var parts = count ? count.textContent.split("/") : [];
    if (parts.length === 2) { count.textContent = (Number(parts[0]) + (yes ? 1 : -1)) + "/" + parts[1]; }
    progress();
  }
  function progress() {
    var next = document.querySelector(".insp-next");
    if (!next) { return; }
    var first = document.querySelector("li[data-item]:not([data-answered])") ||
      document.querySelector("details.insp-section[data-todo]:not([open])");
    next.hidden = !first;
    if (first) { next.setAttribute("href", "#" + first.id); }
  }
  document.addEventListener("change", function (e) {
    var li = itemOf(e.target);
    if (li && form() && form().contains(li) && e.target.type !== "file") { answered(li, given(li)); }
  });
  document.addEventListener("click", function (e) {
    var a = e.target.closest && e.target.closest(".insp-next");
    var el = a && document.querySelector(a.getAttribute("href"));
    if (!el) { return; }
    e.preventDefault();
    var details = el.matches("details") ? el : el.closest("details");
    if (details && !details.open) { details.dataset.jump = "1"; details.open = true; }
    if (!el.matches("details")) { el.scrollIntoView({ block: "start" }); }
  });
  // a section's items arrived: jump to its first unanswered one when that was the aim
  document.addEventListener("htmx:afterSwap", function (e) {
    var details = e.detail.target && e.detail.target.closest && e.detail.target.closest("details.insp-section");
    if (!details) { return; }
    var link = details.querySelector(".insp-nojs");
    if (link) { link.hidden = true; }
    if (!details.querySelector("li[data-item]:not([data-answered])")) { details.removeAttribute("data-todo"); }
    if (details.dataset.jump) {
      delete details.dataset.jump;
      var first = details.querySelector("li[data-item]:not([data-answered])");
      if (first) { first.scrollIntoView({ block: "start" }); }
    }
    progress();
  });

  // --- saving state -------------------------------------------------------------------------------------
  function box(e) {
    var cfg = e.detail.requestConfig, ev = cfg && cfg.triggeringEvent, li = itemOf(ev && ev.target);
    return li && form() && e.detail.elt === form() ? li.querySelector(".insp-state-box") : null;
  }
  function mark(b, text, cls) {
    var s = b.querySelector(".insp-state") || b.appendChild(document.createElement("span"));
    s.textContent = text; s.className = "insp-state " + cls;
  }
  document.addEventListener("htmx:beforeRequest", function (e) {
    var b = box(e), T = document.getElementById("insp-texts");
    if (b && T && navigator.onLine) { mark(b, T.dataset.saving, "muted"); }
  });
  // a refused value (422: out of range, not a number) is not an answer: the count and the jump say so
  document.addEventListener("htmx:afterRequest", function (e) {
    var cfg = e.detail.requestConfig, ev = cfg && cfg.triggeringEvent, li = itemOf(ev && ev.target);
    if (li && form() && e.detail.elt === form() && e.detail.xhr && e.detail.xhr.status === 422) {
      var saved = li.querySelector(".insp-state-box[data-given]");  // the answer kept from before, if any
      answered(li, !!saved);
    }
  });
  document.addEventListener("htmx:responseError", function (e) {
    var b = box(e), T = document.getElementById("insp-texts");
    if (b && T && document.contains(b)) { mark(b, "⚠ " + T.dataset.failed, "danger"); }
  });

})();
