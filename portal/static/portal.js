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

/* Form helpers (issue 17): money grouped while typing, the unit checkbox lists' filter and select-all, and the
 * menu shown as a bar on a desktop whose browser cannot style <details> content. Delegated, so htmx swaps work. */
(function () {
  "use strict";

  // <input data-money>: "42500000" becomes "42.500.000" as it is typed; the caret stays after the same digit.
  function groupMoney(input) {
    var value = input.value;
    if (!/^[\d.\s]*$/.test(value)) { return; } // something else typed: leave it for the server to explain
    var digits = value.replace(/\D/g, "");
    var grouped = digits.replace(/\B(?=(\d{3})+(?!\d))/g, ".");
    if (grouped === value) { return; }
    var caret = input.selectionStart === null ? value.length : input.selectionStart;
    var before = value.slice(0, caret).replace(/\D/g, "").length;
    input.value = grouped;
    var pos = 0, seen = 0;
    while (pos < grouped.length && seen < before) { if (/\d/.test(grouped[pos])) { seen++; } pos++; }
    try { input.setSelectionRange(pos, pos); } catch (err) { /* not focusable */ }
  }
  document.addEventListener("input", function (e) {
    if (e.target.matches && e.target.matches("input[data-money]")) { groupMoney(e.target); }
  });

  // toolkit.UnitsField (templates/macros/units_field.html)
  function fold(text) {
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/đ/gi, "d").toLowerCase().trim();
  }
  function count(box) {
    var out = box.querySelector("[data-units-count]");
    if (out) {
      var n = box.querySelectorAll(".units-list input:checked").length;
      out.textContent = out.dataset.text.replace("#", n);
    }
  }
  function setUp(root) {
    (root.querySelectorAll ? root : document).querySelectorAll("[data-units]").forEach(function (box) {
      var tools = box.querySelector("[data-units-tools]");
      if (tools && tools.hidden) { tools.hidden = false; count(box); }
    });
  }
  document.addEventListener("input", function (e) {
    var input = e.target;
    if (!input.matches || !input.matches("[data-units-filter]")) { return; }
    var box = input.closest("[data-units]");
    var q = fold(input.value);
    box.querySelectorAll(".units-list label").forEach(function (label) {
      label.hidden = q !== "" && fold(label.textContent).indexOf(q) === -1;
    });
  });
  document.addEventListener("keydown", function (e) {
    // Enter in the filter must not send the form the list is in
    if (e.key === "Enter" && e.target.matches && e.target.matches("[data-units-filter]")) { e.preventDefault(); }
  });
  document.addEventListener("click", function (e) {
    var button = e.target.closest && e.target.closest("[data-units-all], [data-units-none]");
    if (!button) { return; }
    var box = button.closest("[data-units]");
    var only = button.dataset.unitsAll; // "c": communes only; "": everything shown
    var pick = button.hasAttribute("data-units-all");
    box.querySelectorAll(".units-list label").forEach(function (label) {
      if (pick && (label.hidden || (only === "c" && !label.hasAttribute("data-c")))) { return; }
      var input = label.querySelector("input");
      if (input.checked !== pick) { input.checked = pick; input.dispatchEvent(new Event("change", { bubbles: true })); }
    });
    count(box);
  });
  document.addEventListener("change", function (e) {
    var box = e.target.closest && e.target.closest("[data-units]");
    if (box) { count(box); }
  });

  // the menu is a <details>: on a desktop it is a bar, so keep it open there (CSS does it where it can)
  var wide = window.matchMedia ? window.matchMedia("(min-width: 721px)") : null;
  function syncMenu() {
    var menu = document.querySelector("details[data-menu]");
    if (menu && wide) { menu.open = wide.matches; }
  }
  if (wide && wide.addEventListener) { wide.addEventListener("change", syncMenu); }

  function ready() { setUp(document); syncMenu(); }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", ready); } else { ready(); }
  document.addEventListener("htmx:afterSettle", function (e) { setUp(e.target); if (e.target === document.body) { syncMenu(); } });
})();
