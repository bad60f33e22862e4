// Compiles the stylesheet and copies the pinned scripts and images into ../static/build, which the
// web app serves; nothing is fetched from a CDN when a page loads.
import { execFileSync } from "node:child_process";
import { cpSync, mkdirSync } from "node:fs";

const out = "../static/build";
mkdirSync(out, { recursive: true });
execFileSync(
  "node_modules/.bin/sass",
  ["--no-source-map", "--style=compressed", "--quiet-deps", "--pkg-importer=node", "main.scss", `${out}/app.css`],
  { stdio: "inherit" },
);
cpSync("node_modules/govuk-frontend/dist/govuk/govuk-frontend.min.js", `${out}/govuk-frontend.min.js`);
cpSync("node_modules/govuk-frontend/dist/govuk/assets", `${out}/assets`, { recursive: true });
cpSync("node_modules/htmx.org/dist/htmx.min.js", `${out}/htmx.min.js`);
