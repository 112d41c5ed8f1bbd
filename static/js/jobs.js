// A job's page: while the job waits or runs, ask for its state every two
// seconds, move the progress bar, and reload the page when it has ended.
(function () {
  "use strict";
  var box = document.getElementById("job");
  if (!box) return;
  var state = box.getAttribute("data-state");
  if (state !== "queued" && state !== "running") return;
  var url = box.getAttribute("data-status-url");
  var bar = box.querySelector("progress");

  function poll() {
    fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (job) {
        if (!job) { window.setTimeout(poll, 5000); return; }
        if (job.state !== state) { window.location.reload(); return; }
        if (bar && job.total) { bar.max = job.total; bar.value = job.done; }
        window.setTimeout(poll, 2000);
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  }
  window.setTimeout(poll, 1000);
})();
