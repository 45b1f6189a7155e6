// An open survey's results page: fetch the results part again every few seconds, so the counts
// follow the answers as they arrive. No inline script: the page carries data-refresh and data-url.
(function () {
  "use strict";
  var box = document.getElementById("survey-results");
  if (!box || !box.dataset.refresh || !box.dataset.url) return;
  var seconds = parseInt(box.dataset.refresh, 10);
  if (!(seconds > 0)) return;
  function refresh() {
    if (document.hidden) return;
    fetch(box.dataset.url, { credentials: "same-origin", headers: { "X-Requested-With": "fetch" } })
      .then(function (response) { return response.ok ? response.text() : null; })
      .then(function (html) { if (html !== null) box.innerHTML = html; })
      .catch(function () { /* try again at the next tick */ });
  }
  window.setInterval(refresh, seconds * 1000);
})();
