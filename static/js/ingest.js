// Progress of a URL being added: poll the job's JSON and reload as soon as it finishes, so the
// server can send us on to the article (or show the error). Without script, the page's refresh does it.
(function () {
  "use strict";
  const box = document.getElementById("ingestion-job");
  if (!box || !["queued", "running"].includes(box.dataset.status)) return;
  const text = document.getElementById("job-status-text");
  const labels = { queued: "Waiting for a worker to pick it up…", running: "Fetching the page and splitting it into claims…" };
  async function poll() {
    try {
      const response = await fetch(box.dataset.pollUrl, { headers: { Accept: "application/json" }, credentials: "same-origin" });
      if (response.ok) {
        const job = await response.json();
        if (job.status === "done" || job.status === "failed") {
          window.location.reload();
          return;
        }
        if (job.status !== box.dataset.status && labels[job.status]) {
          box.dataset.status = job.status;
          text.textContent = labels[job.status];
        }
      }
    } catch (err) {
      // A network hiccup: the next poll (or the page refresh) tries again.
    }
    window.setTimeout(poll, 1000);
  }
  window.setTimeout(poll, 1000);
})();
