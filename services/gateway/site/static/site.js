// Progressive enhancement only: every page works without this file.
(function () {
  "use strict";
  // Tell the server the reader's time zone, so times can be shown in it too.
  try {
    var zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    if (zone && document.cookie.indexOf("tz=" + encodeURIComponent(zone)) === -1) {
      document.cookie = "tz=" + encodeURIComponent(zone) + "; path=/; max-age=31536000; samesite=lax";
    }
  } catch (e) { /* no Intl: times stay in the session's zone and UTC */ }

  document.addEventListener("DOMContentLoaded", function () {
    // After a failed submit, take keyboard and screen-reader focus to the error summary.
    var summary = document.querySelector("[data-autofocus]");
    if (summary) { summary.focus(); }
    // A double click sends a form once; the server's idempotency key covers the rest.
    Array.prototype.forEach.call(document.querySelectorAll("form[method=post]"), function (form) {
      form.addEventListener("submit", function () {
        Array.prototype.forEach.call(form.querySelectorAll("button[type=submit]"), function (button) {
          window.setTimeout(function () { button.disabled = true; }, 0);
        });
      });
    });
  });
})();
