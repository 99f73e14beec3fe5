/* Portal behaviour that used to sit in inline handlers: the Content-Security-Policy allows only files from here.
 * Everything is a delegated listener, so it also works on content swapped in by htmx and after boosted clicks. */
(function () {
  "use strict";

  // <button type="button" data-print>: print the page (documents, vouchers, minutes).
  document.addEventListener("click", function (e) {
    var button = e.target.closest && e.target.closest("[data-print]");
    if (button) { e.preventDefault(); window.print(); }
  });

  // the "No" of an in-page confirmation overlay closes it instead of leaving the page (portal/confirm.py)
  document.addEventListener("click", function (e) {
    var no = e.target.closest && e.target.closest("[data-dismiss-confirm]");
    var box = no && no.closest(".confirm-overlay");
    if (box) { e.preventDefault(); box.remove(); }
  });

  // <select data-autosubmit>: choosing a value submits its form (year and campaign pickers).
  document.addEventListener("change", function (e) {
    var el = e.target;
    if (el.matches && el.matches("[data-autosubmit]") && el.form) {
      if (el.form.requestSubmit) { el.form.requestSubmit(); } else { el.form.submit(); }
    }
  });

  document.addEventListener("submit", function (e) {
    var form = e.target;
    // <form data-confirm="question">: ask before sending (htmx forms use hx-confirm instead).
    if (form.hasAttribute("data-confirm") && !form.hasAttribute("hx-confirm") && !window.confirm(form.dataset.confirm)) {
      e.preventDefault();
      e.stopImmediatePropagation();
      return;
    }
    // the language switcher returns to the page as the browser shows it now (after htmx navigation)
    if (form.matches("form.lang") && form.elements.next) {
      form.elements.next.value = location.pathname + location.search;
    }
    // logging out forgets what this browser kept of logged-in pages (plugins listen to portal:logout too);
    // portal:beforelogout may refuse (unsent answers, offline.js) or ask to wait for its clean-up
    if (form.matches("form[data-logout]")) {
      var ask = new CustomEvent("portal:beforelogout", { cancelable: true, detail: { form: form, wait: [] } });
      if (!document.dispatchEvent(ask)) { e.preventDefault(); e.stopImmediatePropagation(); return; }
      forget();
      if (ask.detail.wait.length) {
        e.preventDefault();
        Promise.all(ask.detail.wait).then(function () { form.submit(); }, function () { form.submit(); });
      }
    }
  }, true);

  function forget() {
    try { localStorage.removeItem("htmx-history-cache"); } catch (err) { /* storage may be disabled */ }
    document.dispatchEvent(new CustomEvent("portal:logout"));
  }

  // A page rendered for nobody (login page, session ended elsewhere): drop what a previous user left behind.
  function checkUser() {
    var main = document.getElementById("main");
    if (main && !main.dataset.user) { forget(); }
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", checkUser); } else { checkUser(); }
})();
