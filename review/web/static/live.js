// Pages that only show what others record: reload when the database changes
// (GET /api/v1/version), unless the reader is typing in a field.
(function () {
  "use strict";
  var marker = document.querySelector("[data-version]");
  if (!marker) { return; }
  var version = marker.getAttribute("data-version");
  window.setInterval(function () {
    if (document.hidden) { return; }
    var active = document.activeElement;
    var tag = active ? (active.tagName || "").toLowerCase() : "";
    if (tag === "input" || tag === "textarea" || tag === "select") { return; }
    fetch("/api/v1/version", { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) { if (data && String(data.version) !== version) { location.reload(); } })
      .catch(function () {});
  }, 4000);
})();
