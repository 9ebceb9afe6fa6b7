// Small page behaviours declared in the templates with data attributes, so no page needs an
// inline script or an on* handler (the Content-Security-Policy allows scripts from 'self' only).
//   data-print            a button that prints the page
//   data-confirm="text"   a submit button that asks before submitting
//   data-select-all       a read-only field whose text is selected on click (e.g. a feed URL)
//   data-submit-once      a form that is not sent twice by a double click
//   data-close="selector" a button that removes its closest element matching the selector
//   data-dismiss          a <details> menu that closes on Escape (focus back on its summary)
//                         and on a click or tap outside it
//   .table-wrap           a table wider than its box scrolls sideways: the box is then marked
//                         is-scrollable (kajet.css keeps the first column in view), gets a hint
//                         above it (the text of <body data-scroll-hint>) and can be scrolled by
//                         keyboard (tabindex=0, a named region)
(function () {
  "use strict";
  function openMenus() {
    return Array.prototype.slice.call(document.querySelectorAll("details[data-dismiss][open]"));
  }
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") { return; }
    openMenus().forEach(function (menu) {
      var inside = menu.contains(document.activeElement);
      menu.open = false;
      var summary = menu.querySelector("summary");
      if (inside && summary) { summary.focus(); }
    });
  });
  document.addEventListener("click", function (event) {
    var target = event.target instanceof Element ? event.target : null;
    if (!target) { return; }
    openMenus().forEach(function (menu) {
      if (!menu.contains(target)) { menu.open = false; }
    });
    var print = target.closest("[data-print]");
    if (print) { window.print(); return; }
    var confirmer = target.closest("[data-confirm]");
    if (confirmer && !window.confirm(confirmer.getAttribute("data-confirm"))) {
      event.preventDefault();
      return;
    }
    var selectable = target.closest("[data-select-all]");
    if (selectable && typeof selectable.select === "function") { selectable.select(); return; }
    var closer = target.closest("[data-close]");
    if (closer) {
      var box = closer.closest(closer.getAttribute("data-close"));
      if (box) { box.remove(); }
    }
  });
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.hasAttribute("data-submit-once")) { return; }
    if (form.dataset.sent) { event.preventDefault(); return; }
    form.dataset.sent = "1";
  });
  function markScrollable() {
    var hint = document.body.getAttribute("data-scroll-hint") || "";
    Array.prototype.forEach.call(document.querySelectorAll(".table-wrap"), function (wrap) {
      var wide = wrap.scrollWidth > wrap.clientWidth + 1;
      if (wide === wrap.classList.contains("is-scrollable")) { return; }
      wrap.classList.toggle("is-scrollable", wide);
      var before = wrap.previousElementSibling;
      if (wide) {
        var caption = wrap.querySelector("caption");
        var name = caption ? caption.textContent.replace(/\s+/g, " ").trim() : "";
        wrap.setAttribute("tabindex", "0");
        wrap.setAttribute("role", "region");
        wrap.setAttribute("aria-label", name ? name + " (" + hint + ")" : hint);
        var note = document.createElement("p");
        note.className = "scroll-hint";
        note.setAttribute("aria-hidden", "true");
        note.textContent = hint;
        wrap.parentNode.insertBefore(note, wrap);
      } else {
        ["tabindex", "role", "aria-label"].forEach(function (a) { wrap.removeAttribute(a); });
        if (before && before.classList.contains("scroll-hint")) { before.remove(); }
      }
    });
  }
  var pending = false;
  function soon() {
    if (pending) { return; }
    pending = true;
    window.requestAnimationFrame(function () { pending = false; markScrollable(); });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", markScrollable);
  } else {
    markScrollable();
  }
  window.addEventListener("load", soon);
  window.addEventListener("resize", soon);
  document.addEventListener("htmx:afterSettle", soon);
})();
