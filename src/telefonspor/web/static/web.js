// telefonspor web: the only script. Polls a running job and moves on when it is done.
(function () {
  "use strict";
  var box = document.getElementById("job");
  if (!box) { return; }
  var stage = document.getElementById("job-stage");
  var bar = document.getElementById("job-progress");
  var error = document.getElementById("job-error");
  function poll() {
    fetch(box.dataset.statusUrl, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) { return response.json(); })
      .then(function (job) {
        if (job.state === "done") {
          window.location.assign("/koersler/" + job.run_id);
          return;
        }
        if (job.state === "failed") {
          error.textContent = job.error;
          error.hidden = false;
          bar.hidden = true;
          stage.textContent = "Kørslen fejlede.";
          return;
        }
        var text = job.stage;
        if (job.total) { text += " (" + job.done + " af " + job.total + ")"; }
        stage.textContent = text + " …";
        if (job.percent !== null) { bar.value = job.percent; } else { bar.removeAttribute("value"); }
        window.setTimeout(poll, 1000);
      })
      .catch(function () { window.setTimeout(poll, 3000); });
  }
  window.setTimeout(poll, 500);
})();
