// The comparison form of a framework's versions: it goes to the page of the pair chosen (the
// same pages are listed below it as links, for a reader without JavaScript).
(function () {
  "use strict";
  var form = document.getElementById("compare");
  if (!form) { return; }
  var links = {};
  document.querySelectorAll(".pairs a").forEach(function (a) {
    links[a.dataset.from + " " + a.dataset.to] = a.href;
  });
  form.hidden = false;
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var key = document.getElementById("compare-from").value + " " +
      document.getElementById("compare-to").value;
    var error = document.getElementById("compare-error");
    if (links[key]) { window.location.href = links[key]; }
    else { error.textContent = error.dataset.message; }
  });
})();
