// The admin's export page (templates/admin/import_export/export.html): "Select all" toggles the
// field checkboxes. django-import-export wires it with an inline onchange, which the
// Content-Security-Policy refuses; its own script defines the handler.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("input.select-toggle").forEach(function (toggle) {
      toggle.addEventListener("change", function (event) {
        if (typeof window.onSelectToggleChange === "function") {
          window.onSelectToggleChange(event);
        }
      });
    });
  });
})();
