// Progressive enhancement only: every page works without this file.
import { initAll } from "../vendor/govuk-frontend.min.js";

document.body.classList.add("js-enabled", "govuk-frontend-supported");
initAll();

// A "Print" button appears only when it can work: its wrapper is hidden in the HTML.
for (const wrapper of document.querySelectorAll("[data-print]")) {
  const button = wrapper.querySelector("button");
  if (!button) continue;
  wrapper.hidden = false;
  button.addEventListener("click", () => window.print());
}
