// Optional: redraw the design in place as the customer chooses. Without JavaScript the
// "Update the preview" button does the same by submitting the form.
(function () {
  "use strict";
  var form = document.getElementById("form");
  if (!form || !window.fetch || !window.DOMParser || !window.URLSearchParams) return;
  var latest = 0;
  form.addEventListener("change", function (event) {
    if (!event.target.closest(".designer")) return;
    var data = new URLSearchParams(new FormData(form));
    data.set("action", "preview");
    var mine = ++latest;
    fetch(form.getAttribute("action"), { method: "POST", body: data, credentials: "same-origin" })
      .then(function (answer) { return answer.ok ? answer.text() : ""; })
      .then(function (html) {
        if (mine !== latest || !html) return;
        var page = new DOMParser().parseFromString(html, "text/html");
        var fresh = page.querySelector(".designer .preview");
        var shown = form.querySelector(".designer .preview");
        if (fresh && shown) shown.replaceWith(document.importNode(fresh, true));
      })
      .catch(function () { /* the button still works */ });
  });
})();
