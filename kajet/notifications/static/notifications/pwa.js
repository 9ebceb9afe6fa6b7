// Registers Kajet's service worker and offers installing the app once, from the account menu
// (never a banner). Loaded by base.html as a static file (no inline scripts).
(function () {
  "use strict";
  var KEY = "kajet-install-offered";
  if ("serviceWorker" in navigator) {
    window.addEventListener("load", function () {
      navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch(function () {});
    });
  }
  var deferred = null;
  window.addEventListener("beforeinstallprompt", function (event) {
    event.preventDefault();
    deferred = event;
    var item = document.getElementById("install-app");
    var offered = false;
    try { offered = window.localStorage.getItem(KEY) === "1"; } catch (e) { offered = false; }
    if (item && !offered) item.hidden = false;
  });
  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("#install-app-button") : null;
    if (!button || !deferred) return;
    deferred.prompt();
    try { window.localStorage.setItem(KEY, "1"); } catch (e) { /* private mode */ }
    deferred.userChoice.finally(function () {
      deferred = null;
      var item = document.getElementById("install-app");
      if (item) item.hidden = true;
    });
  });
})();
