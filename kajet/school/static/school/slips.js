// Just-issued passwords: forget them when the user leaves the slip page or has printed.
(function () {
  var form = document.getElementById("slips-forget");
  if (!form) { return; }
  var keep = false;
  var sent = false;
  var isPrintPage = !!document.querySelector("[data-print]");
  function forget() {
    if (sent || keep) { return; }
    sent = true;
    var data = new FormData(form);
    data.append("beacon", "1");
    navigator.sendBeacon(form.action, data);
  }
  document.querySelectorAll("[data-keep-slips]").forEach(function (link) {
    link.addEventListener("click", function () { keep = true; });
  });
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.addEventListener("click", function () { window.print(); });
  });
  if (isPrintPage) { window.addEventListener("afterprint", forget); }
  window.addEventListener("pagehide", forget);
})();
