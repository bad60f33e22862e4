// Marks the page as able to run the Design System's scripts, then starts its components. Kept in a
// file (not inline) so that the Content Security Policy allows no inline script at all.
import { initAll } from "/static/build/govuk-frontend.min.js";

document.body.classList.add("js-enabled", "govuk-frontend-supported");
initAll();
