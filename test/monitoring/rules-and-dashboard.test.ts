import { readFileSync } from "node:fs";
import path from "node:path";

import { expect } from "chai";

import { buildDashboard, dashboardJson, dashboardQueries } from "../../src/monitoring/dashboard";
import { createMetrics, metricFamilies } from "../../src/monitoring/metrics";
import { metricsOf, servedSeriesNames } from "../../src/monitoring/promql";
import { PROSE_METRICS, RUNBOOK_ALERTS, RUNBOOK_METRICS } from "./runbook-metrics";

// js-yaml comes with the toolchain (eslint); its types are not installed.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const yaml = require("js-yaml") as { load(text: string): unknown };

const ROOT = path.resolve(__dirname, "..", "..");

interface Rule {
  alert: string;
  expr: string;
  for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

function rules(): Rule[] {
  const doc = yaml.load(readFileSync(path.join(ROOT, "monitoring", "prometheus", "alerts.yml"), "utf8")) as {
    groups: { rules: Rule[] }[];
  };
  return doc.groups.flatMap((g) => g.rules);
}

/** GitHub's heading anchors of a markdown file. */
function anchors(file: string): Set<string> {
  const out = new Set<string>();
  for (const line of readFileSync(file, "utf8").split("\n")) {
    const m = /^#{1,6}\s+(.*)$/.exec(line);
    if (m)
      out.add(
        m[1]
          .trim()
          .toLowerCase()
          .replace(/[^a-z0-9 _-]/g, "")
          .replace(/ /g, "-"),
      );
  }
  return out;
}

describe("monitoring: metric contract, alert rules and dashboard", () => {
  const families = metricFamilies();
  const served = servedSeriesNames(families);

  it("the exporter serves every runbook metric with exactly the runbook's label names, and the prose ones", () => {
    for (const name of Object.keys(RUNBOOK_METRICS)) expect(served.has(name), name).to.equal(true);
    // Label names straight from the registry's metric objects.
    const reg = createMetrics().registry;
    for (const [name, labels] of Object.entries(RUNBOOK_METRICS)) {
      const metric = reg.getSingleMetric(name) as unknown as { labelNames: string[] };
      expect([...metric.labelNames].sort(), name).to.deep.equal([...labels].sort());
    }
    expect(reg.getSingleMetric("vagus_ans_dwell_time_seconds")?.constructor.name).to.equal("Histogram");
    for (const name of PROSE_METRICS) expect(served.has(name), name).to.equal(true);
  });

  it("the PromQL name extractor finds selected metrics and skips labels, functions and keywords", () => {
    expect(
      metricsOf(
        'sum by (chain, le) (rate(a_total{x="b_total"}[5m])) / on (chain) group_left c > bool 0.5 or vector(0)',
      ).sort(),
    ).to.deep.equal(["a_total", "c"]);
    expect(metricsOf("histogram_quantile(0.95, sum by (le) (rate(vagus_gas_used_bucket[1h])))")).to.deep.equal([
      "vagus_gas_used_bucket",
    ]);
  });

  it("alerts.yml has every runbook alert with its severity, a summary and a runbook link to an existing section", () => {
    const rs = rules();
    const runbook = anchors(path.join(ROOT, "docs", "runbook.md"));
    for (const [name, severity] of Object.entries(RUNBOOK_ALERTS)) {
      const r = rs.find((x) => x.alert === name);
      expect(r, name).to.not.equal(undefined);
      expect(r?.labels?.severity, name).to.equal(severity);
      expect(r?.annotations?.summary, name).to.be.a("string").and.not.equal("");
      const link = r?.annotations?.runbook_url ?? "";
      expect(link, name).to.match(/^docs\/runbook\.md#/);
      expect(runbook.has(link.split("#")[1]), `${name}: ${link} has no section in docs/runbook.md`).to.equal(true);
    }
  });

  it("alert expressions select only metrics the exporter serves", () => {
    for (const r of rules()) {
      for (const name of metricsOf(r.expr)) expect(served.has(name), `${r.alert}: ${name}`).to.equal(true);
    }
  });

  it("the committed dashboard is what src/monitoring/dashboard.ts builds (npm run build:dashboard)", () => {
    const committed = readFileSync(path.join(ROOT, "monitoring", "grafana", "vagus-dashboard.json"), "utf8");
    expect(committed === dashboardJson(), "monitoring/grafana/vagus-dashboard.json is stale").to.equal(true);
  });

  it("the dashboard has the runbook's six rows in order, each with panels", () => {
    const d = buildDashboard() as unknown as { panels: { type: string; title: string }[] };
    const rows = d.panels.filter((p) => p.type === "row").map((p) => p.title);
    expect(rows).to.deep.equal([
      "Overview",
      "Rate limiting",
      "Circuit breakers",
      "ANS state",
      "Capability management",
      "Cross-chain equivalence",
    ]);
    const types = new Set(d.panels.map((p) => p.type));
    for (const t of ["heatmap", "piechart", "state-timeline", "stat", "table"]) expect(types.has(t), t).to.equal(true);
  });

  it("every dashboard query names only exported metrics (or Prometheus's ALERTS)", () => {
    const queries = dashboardQueries();
    expect(queries.length).to.be.greaterThan(20);
    for (const { panel, expr } of queries) {
      const names = metricsOf(expr);
      expect(names.length, `${panel}: ${expr}`).to.be.greaterThan(0);
      for (const name of names) expect(served.has(name) || name === "ALERTS", `${panel}: ${name}`).to.equal(true);
    }
  });
});
