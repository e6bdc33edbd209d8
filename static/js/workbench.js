// Progressive enhancement for the workbench. Every action also works without this file:
// claims are links, forms post and redirect. This adds the side panel without reloads,
// making a claim from selected text, following a claim's related-coverage job, and keyboard shortcuts.
(function () {
  "use strict";

  const CONTEXT = 32; // characters of prefix and suffix in a TextQuoteSelector

  function typing(event) {
    const el = event.target;
    return el.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(el.tagName);
  }

  function claimIds() {
    const seen = new Set();
    document.querySelectorAll("#article-text a.claim[data-claim]").forEach((a) => seen.add(a.dataset.claim));
    return Array.from(seen);
  }

  function currentClaimId() {
    const panel = document.querySelector("[data-claim-panel]");
    return panel ? panel.dataset.claimPanel : null;
  }

  function markSelected(id) {
    document.querySelectorAll("#article-text a.claim.selected").forEach((a) => a.classList.remove("selected"));
    const marks = document.querySelectorAll(`#article-text a.claim[data-claim="${id}"]`);
    marks.forEach((a) => a.classList.add("selected"));
    if (marks.length) marks[0].scrollIntoView({ block: "nearest", behavior: "smooth" });
  }

  async function showClaim(id, { push = true } = {}) {
    const panel = document.getElementById("claim-panel");
    // The id may come from the address bar (?claim= on popstate): anything but digits could make the
    // fetch below reach another same-origin URL (../) whose response would then be set as HTML.
    if (!panel || !/^\d+$/.test(String(id))) return;
    const response = await fetch(`/claims/${id}/`, { headers: { "X-Requested-With": "fetch" } });
    if (!response.ok) {
      window.location.href = `?claim=${id}#claim-panel`;
      return;
    }
    panel.innerHTML = await response.text();
    markSelected(id);
    followCoverage(panel);
    if (push) history.pushState({ claim: id }, "", `?claim=${id}#claim-panel`);
    const heading = panel.querySelector("h2");
    if (heading) { heading.tabIndex = -1; heading.focus({ preventScroll: true }); }
  }

  function move(step) {
    const ids = claimIds();
    if (!ids.length) return;
    const index = ids.indexOf(currentClaimId());
    const next = index === -1 ? (step > 0 ? 0 : ids.length - 1) : Math.min(Math.max(index + step, 0), ids.length - 1);
    showClaim(ids[next]);
  }

  // --- Making a claim from a selection -------------------------------------------------------
  // Browsers count offsets in UTF-16 code units; the server converts, and checks the quote too.
  function selectionSelector() {
    const container = document.getElementById("article-text");
    const selection = window.getSelection();
    if (!container || !selection || selection.isCollapsed || !selection.rangeCount) return null;
    const range = selection.getRangeAt(0);
    if (!container.contains(range.commonAncestorContainer)) return null;
    const before = document.createRange();
    before.selectNodeContents(container);
    before.setEnd(range.startContainer, range.startOffset);
    const full = container.textContent;
    const start = before.toString().length;
    const exact = range.toString();
    if (!exact.trim()) return null;
    return {
      exact,
      prefix: full.slice(Math.max(0, start - CONTEXT), start),
      suffix: full.slice(start + exact.length, start + exact.length + CONTEXT),
      utf16_start: String(start),
      rect: range.getBoundingClientRect(),
    };
  }

  function submitSelection() {
    const selector = selectionSelector();
    const form = document.getElementById("make-claim-form");
    if (!selector || !form) return false;
    for (const key of ["exact", "prefix", "suffix", "utf16_start"]) form.elements[key].value = selector[key];
    form.submit();
    return true;
  }

  function placeSelectionButton() {
    const button = document.getElementById("make-claim-button");
    if (!button) return;
    const selector = selectionSelector();
    if (!selector) { button.classList.remove("visible"); return; }
    button.style.top = `${window.scrollY + selector.rect.bottom + 6}px`;
    button.style.left = `${window.scrollX + selector.rect.left}px`;
    button.classList.add("visible");
  }

  // Parts of the panel fetched when first opened (the claim's history).
  document.addEventListener("toggle", async (event) => {
    const details = event.target;
    if (!(details instanceof HTMLDetailsElement) || !details.open || !details.dataset.loadUrl || details.dataset.loaded) return;
    details.dataset.loaded = "1";
    const response = await fetch(details.dataset.loadUrl, { headers: { "X-Requested-With": "fetch" } });
    if (response.ok) details.insertAdjacentHTML("beforeend", await response.text());
  }, true);

  // --- The add-article page ------------------------------------------------------------------
  // Its tabs are links (?method=...) that the server answers with that way shown; here they switch
  // without a reload, so what was typed under another tab is still there on coming back.
  function showMethod(tab) {
    const method = new URLSearchParams(tab.search).get("method");
    const section = document.getElementById(method);
    if (!section || !section.classList.contains("method")) return false;
    document.querySelectorAll(".method-tabs a").forEach((a) => {
      if (a === tab) a.setAttribute("aria-current", "true");
      else a.removeAttribute("aria-current");
    });
    document.querySelectorAll("section.method").forEach((s) => {
      s.hidden = s !== section;
      s.classList.toggle("active", s === section);
    });
    // A refusal concerns the form that was sent: shown with that form only.
    const summary = document.querySelector(".error-summary[data-method]");
    if (summary) summary.hidden = summary.dataset.method !== method;
    history.replaceState(null, "", tab.href);
    return true;
  }

  // --- Following a claim's related-coverage job ----------------------------------------------
  // While the suggestion job is queued or running, the section is fetched again, often at first and
  // then less so, and swapped in when its state changes. The server-rendered section is the same one:
  // without this a reload shows what the swap would have.
  const COVERAGE_ACTIVE = ["queued", "running"];
  const COVERAGE_POLL = { first: 1000, growth: 1.2, longest: 5000, giveUpAfter: 3 * 60 * 1000 };

  function followCoverage(root) {
    root.querySelectorAll("section.coverage[data-coverage-url]").forEach((section) => {
      if (!COVERAGE_ACTIVE.includes(section.dataset.coverageState) || section.dataset.following) return;
      section.dataset.following = "1";
      pollCoverage(section, Date.now(), COVERAGE_POLL.first);
    });
  }

  function pollCoverage(section, started, wait) {
    setTimeout(async () => {
      if (!section.isConnected) return; // another claim was opened in the panel
      if (Date.now() - started > COVERAGE_POLL.giveUpAfter) { coverageGaveUp(section); return; }
      const next = Math.min(wait * COVERAGE_POLL.growth, COVERAGE_POLL.longest);
      // A hidden tab asks nothing; it catches up once shown again.
      if (document.hidden) { pollCoverage(section, started, wait); return; }
      let response;
      try {
        // A signed-out session would be redirected to the login page: taken as a refusal, not a section.
        response = await fetch(section.dataset.coverageUrl, { headers: { "X-Requested-With": "fetch" }, redirect: "manual" });
      } catch (error) {
        pollCoverage(section, started, COVERAGE_POLL.longest); // offline for a moment
        return;
      }
      if (response.status >= 500) { pollCoverage(section, started, COVERAGE_POLL.longest); return; }
      const template = document.createElement("template");
      if (response.ok) template.innerHTML = await response.text();
      const fresh = template.content.querySelector("section.coverage");
      if (!section.isConnected) return;
      if (!fresh) { coverageGaveUp(section); return; } // refused: signed out, no longer allowed, or gone
      const current = coverageChanged(section, fresh) ? replaceCoverage(section, fresh) : section;
      if (COVERAGE_ACTIVE.includes(current.dataset.coverageState)) pollCoverage(current, started, next);
      else delete current.dataset.following;
    }, wait);
  }

  // The state, or the status line's wording within it (a queued job waiting to be retried says so).
  function coverageChanged(section, fresh) {
    const words = (el) => (el ? el.textContent.replace(/\s+/g, " ").trim() : "");
    return fresh.dataset.coverageState !== section.dataset.coverageState ||
      words(fresh.querySelector(".coverage-job")) !== words(section.querySelector(".coverage-job"));
  }

  // The section and its status line stay the same elements, so the status line is a live region that
  // changes (and is read out) rather than a new one; everything around it is the fresh copy.
  function replaceCoverage(section, fresh) {
    const status = section.querySelector(".coverage-job");
    const freshStatus = fresh.querySelector(".coverage-job");
    if (!status || !freshStatus || freshStatus.parentNode !== fresh) {
      fresh.dataset.following = "1";
      section.replaceWith(fresh);
      return fresh;
    }
    const focused = section.contains(document.activeElement) ? document.activeElement : null;
    const decided = section.querySelector("details.decided-suggestions");
    const nodes = Array.from(fresh.childNodes);
    const at = nodes.indexOf(freshStatus);
    status.replaceChildren(...freshStatus.childNodes);
    Array.from(section.childNodes).forEach((node) => { if (node !== status) node.remove(); });
    status.before(...nodes.slice(0, at));
    status.after(...nodes.slice(at + 1));
    for (const { name, value } of fresh.attributes) section.setAttribute(name, value);
    const decidedNow = section.querySelector("details.decided-suggestions");
    if (decided && decidedNow) decidedNow.open = decided.open;
    // Focus inside the section would fall to the page: back on the same control, else on the heading.
    if (focused && !section.contains(focused)) {
      const again = focused.id ? document.getElementById(focused.id) : null;
      const heading = section.querySelector("h3");
      if (!again && heading) heading.tabIndex = -1;
      (again || heading || section).focus({ preventScroll: true });
    }
    return section;
  }

  function coverageGaveUp(section) {
    delete section.dataset.following;
    const status = section.querySelector(".coverage-job");
    if (!status || status.querySelector(".coverage-stale")) return;
    const note = document.createElement("span");
    note.className = "coverage-stale";
    const reload = document.createElement("button");
    reload.type = "button";
    reload.className = "link-button";
    reload.textContent = "reload";
    reload.addEventListener("click", () => window.location.reload());
    note.append(" Still working — ", reload, " to see whether it has finished.");
    status.append(note);
  }

  // --- Wiring ---------------------------------------------------------------------------------
  document.addEventListener("click", (event) => {
    const tab = event.target.closest(".method-tabs a");
    if (tab && !event.metaKey && !event.ctrlKey && !event.shiftKey && showMethod(tab)) {
      event.preventDefault();
      return;
    }
    const claimLink = event.target.closest("#article-text a.claim, [data-claim-link]");
    if (claimLink && !event.metaKey && !event.ctrlKey && window.getSelection().isCollapsed) {
      event.preventDefault();
      showClaim(claimLink.dataset.claim || claimLink.dataset.claimLink);
      return;
    }
    if (event.target.closest("[data-action=show-keys]")) document.getElementById("keys-dialog").showModal();
  });

  document.addEventListener("mouseup", () => setTimeout(placeSelectionButton, 0));
  document.addEventListener("keyup", (event) => { if (event.shiftKey) placeSelectionButton(); });
  document.addEventListener("DOMContentLoaded", () => {
    const button = document.getElementById("make-claim-button");
    if (button) {
      button.addEventListener("mousedown", (event) => event.preventDefault()); // keep the selection
      button.addEventListener("click", submitSelection);
    }
    const selected = document.querySelector("[data-claim-panel]");
    if (selected) markSelected(selected.dataset.claimPanel);
    followCoverage(document);
    // A refusal is focused so it is read out first; `autofocus` does it too, where a browser honours it on a box.
    const refusal = document.querySelector("[data-focus-on-load]");
    if (refusal && document.activeElement !== refusal) refusal.focus();
  });

  window.addEventListener("popstate", () => {
    const id = new URLSearchParams(window.location.search).get("claim");
    if (id) showClaim(id, { push: false });
  });

  document.addEventListener("keydown", (event) => {
    if (typing(event) || event.altKey || event.ctrlKey || event.metaKey) return;
    const shortcut = (selector) => {
      const target = document.querySelector(selector);
      if (!target) return;
      event.preventDefault();
      if (target.tagName === "DETAILS") target.open = true;
      const field = target.matches("input, textarea, select, button, a") ? target : target.querySelector("input:not([type=hidden]), textarea, select");
      (field || target).focus();
      if (field) field.scrollIntoView({ block: "center" });
    };
    switch (event.key) {
      case "j": move(1); break;
      case "k": move(-1); break;
      case "e": shortcut("[data-shortcut=verdict]"); break;
      case "s": shortcut("[data-shortcut=source]"); break;
      case "c": if (submitSelection()) event.preventDefault(); break;
      case "?": event.preventDefault(); document.getElementById("keys-dialog").showModal(); break;
      default: break;
    }
  });
})();
