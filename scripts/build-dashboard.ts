/**
 * `npm run build:dashboard`: writes monitoring/grafana/vagus-dashboard.json from
 * src/monitoring/dashboard.ts. `--check` exits 1 when the committed file is not current.
 */
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";

import { dashboardJson } from "../src/monitoring/dashboard";

const file = path.resolve(__dirname, "..", "monitoring", "grafana", "vagus-dashboard.json");
const text = dashboardJson();
if (process.argv.includes("--check")) {
  let current = "";
  try {
    current = readFileSync(file, "utf8");
  } catch {
    // missing: not current
  }
  if (current !== text) {
    console.error(`${path.relative(process.cwd(), file)} is not current: run npm run build:dashboard and commit it`);
    process.exit(1);
  }
  console.log("dashboard: current");
} else {
  writeFileSync(file, text);
  console.log(`dashboard: wrote ${path.relative(process.cwd(), file)}`);
}
