// Turns Web Push on for this browser: asks for permission, subscribes with the server's VAPID
// key and sends the subscription to Kajet. Used by the notification settings page.
(function () {
  "use strict";
  var panel = document.getElementById("push-panel");
  if (!panel) return;
  var status = document.getElementById("push-status");
  var button = document.getElementById("push-enable");
  function text(key) {
    var tpl = document.getElementById("push-texts");
    var el = tpl && tpl.content.querySelector('[data-k="' + key + '"]');
    return el ? el.textContent : key;
  }
  function show(key, offer) { status.textContent = text(key); button.hidden = !offer; }
  function keyBytes(base64) {
    var padded = (base64 + "===".slice((base64.length + 3) % 4)).replace(/-/g, "+").replace(/_/g, "/");
    var raw = window.atob(padded);
    var out = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) out[i] = raw.charCodeAt(i);
    return out;
  }
  function csrf() {
    var m = document.cookie.match(/(?:^|; )csrftoken=([^;]+)/);
    if (m) return decodeURIComponent(m[1]);
    var input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }
  function send(subscription) {
    return fetch(panel.dataset.subscribeUrl, {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf() },
      body: JSON.stringify(subscription.toJSON()),
    }).then(function (r) { if (!r.ok) throw new Error("refused"); });
  }
  if (!("serviceWorker" in navigator) || !("PushManager" in window) || !("Notification" in window)) {
    show("unsupported", false);
    return;
  }
  if (Notification.permission === "denied") { show("denied", false); return; }
  navigator.serviceWorker.register(panel.dataset.swUrl, { scope: "/" }).then(function (reg) {
    return reg.pushManager.getSubscription().then(function (sub) { show(sub ? "on" : "off", !sub); });
  }).catch(function () { show("unsupported", false); });
  button.addEventListener("click", function () {
    Notification.requestPermission().then(function (permission) {
      if (permission !== "granted") { show("denied", false); return null; }
      return navigator.serviceWorker.ready.then(function (reg) {
        return reg.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: keyBytes(panel.dataset.key) });
      }).then(send).then(function () { show("on", false); });
    }).catch(function () { show("error", true); });
  });
})();
