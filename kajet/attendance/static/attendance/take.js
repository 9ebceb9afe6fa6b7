// Progressive enhancement of the attendance sheet: a button per student shows the current
// type's code; a click (or Space/Enter on it) cycles through the types; the keys of a type's
// code's first letter set it directly while the row's button has focus. Without JavaScript
// the plain select per student works the same.
(function () {
  "use strict";
  var sheet = document.querySelector("[data-attendance-sheet]");
  if (!sheet) return;
  sheet.classList.add("js-cycle");
  sheet.querySelectorAll("select[data-student]").forEach(function (select) {
    var button = document.createElement("button");
    button.type = "button";
    button.className = "att-cycle";
    var name = select.getAttribute("data-student");
    function show() {
      var option = select.options[select.selectedIndex];
      button.textContent = option.getAttribute("data-code");
      button.style.backgroundColor = option.getAttribute("data-colour");
      button.style.color = option.getAttribute("data-text") || "#fff";
      button.setAttribute("aria-label", name + ": " + option.textContent);
      button.title = option.textContent;
    }
    button.addEventListener("click", function () {
      select.selectedIndex = (select.selectedIndex + 1) % select.options.length;
      show();
    });
    button.addEventListener("keydown", function (event) {
      if (event.key.length !== 1) return;
      var key = event.key.toLowerCase();
      for (var i = 0; i < select.options.length; i++) {
        if ((select.options[i].getAttribute("data-code") || "").toLowerCase().charAt(0) === key) {
          select.selectedIndex = i;
          show();
          event.preventDefault();
          return;
        }
      }
    });
    select.addEventListener("change", show);
    select.parentNode.insertBefore(button, select);
    select.classList.add("visually-hidden");
    select.tabIndex = -1;
    show();
  });
})();
