/* A background job's progress page: asks the job's status every second and updates the bar,
   the stage and the per cent; when the job has finished, reloads the page, which then shows the
   result. Without this script the page refreshes itself (<noscript> meta refresh). No library. */
(function () {
  "use strict";

  var box = document.getElementById("job");
  if (!box || box.dataset.status === "done" || box.dataset.status === "failed") {
    return;
  }
  var url = box.dataset.statusUrl;
  var bar = document.getElementById("job-bar");
  var stage = document.getElementById("job-stage");
  var status = document.getElementById("job-status");
  var percent = document.getElementById("job-percent");
  var delay = 1000;

  function show(job) {
    status.textContent = job.status_label;
    stage.textContent = job.stage_label;
    box.dataset.status = job.status;
    if (job.percent === null) {
      bar.removeAttribute("value"); // an indeterminate bar: the step's size is not known
      percent.textContent = "";
    } else {
      bar.value = job.percent;
      bar.textContent = job.percent + "%";
      percent.textContent = job.percent + "%";
    }
  }

  function poll() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("HTTP " + response.status);
        }
        return response.json();
      })
      .then(function (job) {
        show(job);
        delay = 1000;
        if (job.finished) {
          window.location.reload();
        } else {
          window.setTimeout(poll, delay);
        }
      })
      .catch(function () {
        // The server restarting or the network dropping: keep asking, less often.
        delay = Math.min(delay * 2, 10000);
        window.setTimeout(poll, delay);
      });
  }

  window.setTimeout(poll, delay);
})();
