/* Per-item saving on an inspection: show "saving", "saved" (from the server) or "not saved – try again" when the
 * network fails, and resend unsaved answers when the phone is back online. The texts come from #insp-texts. */
(function () {
  "use strict";
  function texts() { return document.getElementById("insp-texts"); }
  function box(e) {
    var elt = e.detail && e.detail.elt;
    return texts() && elt && elt.closest ? elt.closest("form[data-insp-answer]") : null;
  }
  function mark(f, text, cls) {
    var s = f.querySelector(".insp-state");
    if (s) { s.textContent = text; s.className = "insp-state " + cls; }
  }
  function lost(e) {
    var f = box(e);
    if (f) { mark(f, "⚠ " + texts().dataset.failed, "danger"); f.setAttribute("data-unsaved", "1"); }
  }
  document.addEventListener("htmx:beforeRequest", function (e) {
    var f = box(e);
    if (f) { mark(f, texts().dataset.saving, "muted"); }
  });
  document.addEventListener("htmx:sendError", lost);
  document.addEventListener("htmx:responseError", lost);
  document.addEventListener("htmx:afterRequest", function (e) {
    var f = box(e), st = e.detail.xhr ? e.detail.xhr.status : 0;
    if (!f) { return; }
    if (st >= 200 && st < 300) { f.removeAttribute("data-unsaved"); } else if (document.contains(f)) { lost(e); }
  });
  window.addEventListener("online", function () {
    if (!texts()) { return; }
    document.querySelectorAll("form[data-unsaved]").forEach(function (f) { htmx.trigger(f, "submit"); });
  });
})();
