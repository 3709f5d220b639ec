// Poll a background screening job and show its progress, then its rows.
(function () {
  "use strict";
  var section = document.getElementById("job");
  if (!section) { return; }
  var id = section.getAttribute("data-job");
  var bar = document.getElementById("job-progress");
  var status = document.getElementById("job-status");
  var table = document.getElementById("job-rows");

  function cell(row, text) {
    var td = document.createElement("td");
    td.textContent = text;
    row.appendChild(td);
  }

  function show(job) {
    bar.max = Math.max(job.total, 1);
    bar.value = job.done;
    status.textContent = job.done + " of " + job.total + " patients (" + job.state + ")";
    if (job.state === "done") {
      var body = table.querySelector("tbody");
      job.rows.forEach(function (line) {
        var row = document.createElement("tr");
        cell(row, line.pseudonym);
        cell(row, line.protocol_id);
        cell(row, line.overall.replace(/_/g, " "));
        cell(row, line.failing.join(", "));
        cell(row, line.undetermined.join(", "));
        body.appendChild(row);
      });
      table.hidden = false;
    }
    return job.state === "running";
  }

  function poll() {
    fetch("/api/v1/screenings/" + encodeURIComponent(id), { credentials: "same-origin" })
      .then(function (response) { return response.json(); })
      .then(function (job) { if (show(job)) { setTimeout(poll, 400); } })
      .catch(function () { status.textContent = "progress unavailable"; });
  }
  poll();
}());
