/* The ballot receipt code stays on this device only (localStorage), so the member can replace the ballot later.
 * Kept per user and per session, and forgotten at logout: on a shared computer the next user finds nothing. */
(function () {
  "use strict";
  var PREFIX = "awards-receipt-";

  function key(section) {
    var main = document.getElementById("main");
    var user = main && main.dataset.user;
    return user ? PREFIX + user + "-" + section.dataset.session : null;
  }

  function forgetAll() {
    try {
      for (var i = localStorage.length - 1; i >= 0; i--) {
        var k = localStorage.key(i);
        if (k && k.indexOf(PREFIX) === 0) { localStorage.removeItem(k); }
      }
    } catch (e) { /* storage may be disabled */ }
  }

  function sync() {
    var section = document.getElementById("ballot");
    if (!section || !section.dataset.session) { return; }
    var k = key(section);
    if (!k) { return; }
    try {
      var shown = document.getElementById("receipt");
      if (shown) { localStorage.setItem(k, shown.dataset.receipt); }
      var input = document.getElementById("receipt-input");
      if (input && !input.value) { input.value = localStorage.getItem(k) || ""; }
    } catch (e) { /* storage may be disabled */ }
  }

  document.addEventListener("portal:logout", forgetAll);
  document.addEventListener("DOMContentLoaded", sync);
  document.addEventListener("htmx:afterSettle", sync);
})();
