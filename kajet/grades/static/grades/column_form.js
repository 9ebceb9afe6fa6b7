// Grade column entry: Enter in a mark cell moves to the next student instead of submitting the
// form; after a refused save the first wrong mark has the focus.
(function () {
  "use strict";
  var inputs = Array.prototype.slice.call(document.querySelectorAll(".mark-input"));
  inputs.forEach(function (input, i) {
    input.addEventListener("keydown", function (event) {
      if (event.key === "Enter" && !event.ctrlKey && !event.metaKey) {
        event.preventDefault();
        var next = inputs[i + 1];
        if (next) {
          next.focus();
          next.select();
        } else {
          document.querySelector("#column-form button[type=submit]").focus();
        }
      }
    });
  });
  var invalid = document.querySelector(".mark-input[aria-invalid=true]");
  if (invalid) { invalid.focus(); }
})();
