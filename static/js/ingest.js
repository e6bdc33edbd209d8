// Progress of a background job (an article added by URL, or fetched again): poll the job's JSON and show
// what it says, chips and sentence together, so they never disagree. As soon as the job finishes, reload:
// the server sends us on to the article (or shows the error). Without script, the page's refresh does it.
(function () {
  "use strict";
  const box = document.getElementById("job-progress");
  if (!box || !["queued", "running"].includes(box.dataset.status)) return;
  const text = document.getElementById("job-status-text");
  const steps = document.getElementById("job-steps");

  function showSteps(list) {
    if (!steps || !Array.isArray(list)) return;
    const items = list.map(function (step) {
      const li = document.createElement("li");
      li.className = "step-" + step.state;
      if (step.state === "current" || step.state === "failed") li.setAttribute("aria-current", "step");
      li.textContent = step.label; // text only: the JSON is never treated as HTML
      return li;
    });
    steps.replaceChildren.apply(steps, items);
  }

  async function poll() {
    try {
      const response = await fetch(box.dataset.pollUrl, { headers: { Accept: "application/json" }, credentials: "same-origin" });
      if (response.ok) {
        const job = await response.json();
        if (job.status === "done" || job.status === "failed") {
          window.location.reload();
          return;
        }
        box.dataset.status = job.status;
        showSteps(job.steps);
        if (typeof job.label === "string" && text.textContent !== job.label) text.textContent = job.label;
      }
    } catch (err) {
      // A network hiccup: the next poll (or the page refresh) tries again.
    }
    window.setTimeout(poll, 1000);
  }
  window.setTimeout(poll, 1000);
})();
