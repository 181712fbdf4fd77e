// The share page without this script: the link sits in a read-only field to select and copy.
// With it: a "Copy" button puts the link on the clipboard and says so in the live region.
(function () {
  "use strict";
  var box = document.querySelector(".share-copy");
  var field = box && box.querySelector("input");
  var status = box && box.querySelector(".copy-status");
  if (!field || !status || !navigator.clipboard || !window.isSecureContext) {
    return;
  }
  var button = document.createElement("button");
  button.type = "button";
  button.className = "copy-button";
  button.textContent = box.querySelector("label").textContent;
  field.parentNode.appendChild(button);
  field.addEventListener("focus", function () {
    field.select();
  });
  button.addEventListener("click", function () {
    navigator.clipboard.writeText(field.value).then(
      function () {
        status.textContent = "";
        // A new text node each time, so a second copy is announced again.
        window.setTimeout(function () {
          status.textContent = box.getAttribute("data-copied");
        }, 50);
      },
      function () {
        field.focus();
        field.select();
      }
    );
  });
})();
