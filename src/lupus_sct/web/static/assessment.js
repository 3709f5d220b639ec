// Live SLEDAI-2K: as descriptors are ticked, ask the API to score them (no CDN, no inline script).
(function () {
  "use strict";
  var form = document.getElementById("assessment-form");
  if (!form) { return; }
  var output = document.getElementById("sledai-live");
  var clinical = document.getElementById("sledai-clinical");
  var csrf = document.querySelector("meta[name=csrf-token]").getAttribute("content");
  var pending = 0;

  function ticked() {
    var boxes = form.querySelectorAll("input[name=sledai_descriptors]:checked");
    return Array.prototype.map.call(boxes, function (box) { return box.value; });
  }

  function update() {
    var request = ++pending;
    var windowDays = parseInt(document.getElementById("window").value, 10);
    fetch("/api/v1/scores/sledai-2k", {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf },
      body: JSON.stringify({ descriptors: ticked(), window_days: windowDays })
    }).then(function (response) {
      if (!response.ok) { throw new Error("scoring failed: " + response.status); }
      return response.json();
    }).then(function (result) {
      if (request !== pending) { return; }
      output.textContent = String(result.score);
      clinical.textContent = "(clinical SLEDAI " + result.clinical_score + ")";
    }).catch(function (error) {
      output.textContent = "?";
      clinical.textContent = error.message;
    });
  }

  form.addEventListener("change", function (event) {
    if (event.target.name === "sledai_descriptors" || event.target.id === "window") { update(); }
  });
  update();
}());
