/**
 * The Grafana dashboard as code (monitoring/README.md): the runbook's six rows, built with
 * @grafana/grafana-foundation-sdk and written to monitoring/grafana/vagus-dashboard.json by
 * `npm run build:dashboard`. A test checks that the committed file is what this builds and
 * that every query names only exported metrics.
 */
import type * as dashboardT from "@grafana/grafana-foundation-sdk/dist/dashboard";
import type * as prometheusT from "@grafana/grafana-foundation-sdk/dist/prometheus";
import type * as statT from "@grafana/grafana-foundation-sdk/dist/stat";
import type * as timeseriesT from "@grafana/grafana-foundation-sdk/dist/timeseries";
import type * as heatmapT from "@grafana/grafana-foundation-sdk/dist/heatmap";
import type * as piechartT from "@grafana/grafana-foundation-sdk/dist/piechart";
import type * as tableT from "@grafana/grafana-foundation-sdk/dist/table";
import type * as statetimelineT from "@grafana/grafana-foundation-sdk/dist/statetimeline";
import type * as commonT from "@grafana/grafana-foundation-sdk/dist/common";

/* eslint-disable @typescript-eslint/no-require-imports */
// The SDK publishes its modules as package `exports` subpaths, which the project's
// `moduleResolution: node` cannot type: types come from the files, values from the subpaths.
type Sdk<T> = T;
const dashboard = require("@grafana/grafana-foundation-sdk/dashboard") as Sdk<typeof dashboardT>;
const prometheus = require("@grafana/grafana-foundation-sdk/prometheus") as Sdk<typeof prometheusT>;
const stat = require("@grafana/grafana-foundation-sdk/stat") as Sdk<typeof statT>;
const timeseries = require("@grafana/grafana-foundation-sdk/timeseries") as Sdk<typeof timeseriesT>;
const heatmap = require("@grafana/grafana-foundation-sdk/heatmap") as Sdk<typeof heatmapT>;
const piechart = require("@grafana/grafana-foundation-sdk/piechart") as Sdk<typeof piechartT>;
const table = require("@grafana/grafana-foundation-sdk/table") as Sdk<typeof tableT>;
const statetimeline = require("@grafana/grafana-foundation-sdk/statetimeline") as Sdk<typeof statetimelineT>;
const common = require("@grafana/grafana-foundation-sdk/common") as Sdk<typeof commonT>;
/* eslint-enable @typescript-eslint/no-require-imports */

const DS = { type: "prometheus", uid: "${datasource}" };

function q(expr: string, legend = "", refId = "A") {
  return new prometheus.DataqueryBuilder().expr(expr).legendFormat(legend).refId(refId).datasource(DS);
}

function thresholds(steps: [number | null, string][]) {
  return new dashboard.ThresholdsConfigBuilder()
    .mode(dashboard.ThresholdsMode.Absolute)
    .steps(steps.map(([value, color]) => ({ value, color })));
}

function textMap(values: Record<string, [string, string]>): dashboardT.ValueMapping[] {
  const options: Record<string, { text: string; color: string; index: number }> = {};
  Object.entries(values).forEach(([k, [text, color]], index) => (options[k] = { text, color, index }));
  return [{ type: dashboard.MappingType.ValueToText, options }];
}

const HEALTH = textMap({ "0": ["OK", "green"], "1": ["WARNING", "yellow"], "2": ["CRITICAL", "red"] });
const BREAKER = textMap({ "0": ["CLOSED", "green"], "1": ["OPEN", "red"], "2": ["HALF_OPEN", "yellow"] });
const ANS = textMap({ "0": ["SAFE", "green"], "1": ["DANGER", "orange"], "2": ["SHUTDOWN", "red"] });

function ts(title: string, unit: string, ...targets: ReturnType<typeof q>[]) {
  return new timeseries.PanelBuilder().title(title).unit(unit).datasource(DS).targets(targets).height(8).span(8);
}

/** The dashboard model (what Grafana imports). */
export function buildDashboard() {
  const d = new dashboard.DashboardBuilder("Vagus protocol: both chains")
    .uid("vagus-protocol")
    .tags(["vagus", "evm", "cosmwasm"])
    .description("Runbook dashboard: rate limiting, circuit breakers, ANS, capabilities and cross-chain equivalence.")
    .refresh("30s")
    .time({ from: "now-24h", to: "now" })
    .timezone("utc")
    .withVariable(new dashboard.DatasourceVariableBuilder("datasource").label("Prometheus").type("prometheus"));

  // 1. Overview
  d.withRow(new dashboard.RowBuilder("Overview"))
    .withPanel(
      new stat.PanelBuilder()
        .title("System health")
        .description("Red: a critical Vagus alert fires; yellow: a warning; green: none.")
        .datasource(DS)
        .withTarget(
          q(
            'max(ALERTS{alertstate="firing",alertname=~"Vagus.*",severity="critical"}) * 2' +
              ' or max(ALERTS{alertstate="firing",alertname=~"Vagus.*",severity="warning"}) or vector(0)',
          ),
        )
        .mappings(HEALTH)
        .thresholds(
          thresholds([
            [null, "green"],
            [1, "yellow"],
            [2, "red"],
          ]),
        )
        .colorMode(common.BigValueColorMode.Background)
        .height(6)
        .span(6),
    )
    .withPanel(
      new stat.PanelBuilder()
        .title("Chains read by the exporter")
        .datasource(DS)
        .withTarget(q("vagus_exporter_chain_up", "{{chain}}"))
        .mappings(textMap({ "0": ["DOWN", "red"], "1": ["UP", "green"] }))
        .colorMode(common.BigValueColorMode.Background)
        .height(6)
        .span(6),
    )
    .withPanel(
      new table.PanelBuilder()
        .title("Active alerts")
        .datasource(DS)
        .withTarget(
          q('sum by (alertname, severity, chain) (ALERTS{alertstate="firing",alertname=~"Vagus.*"})').instant(),
        )
        .height(6)
        .span(12),
    )
    .withPanel(
      ts(
        "Key trends (issued, denied, rejected per second)",
        "reqps",
        q("sum by (chain) (rate(vagus_capability_issued_total[5m]))", "issued {{chain}}"),
        q("sum by (chain) (rate(vagus_capability_denied_total[5m]))", "denied {{chain}}", "B"),
        q("sum by (chain) (rate(vagus_rate_limiter_rejections_total[5m]))", "rate limited {{chain}}", "C"),
      ).span(12),
    )
    .withPanel(ts("Exporter lag (blocks behind head)", "short", q("vagus_exporter_lag_blocks", "{{chain}}")).span(12));

  // 2. Rate limiting
  d.withRow(new dashboard.RowBuilder("Rate limiting"))
    .withPanel(
      ts(
        "Request rates per executor (admitted)",
        "reqps",
        q(
          "sum by (chain, executor_id) (rate(vagus_capability_issued_total[5m]))",
          "{{chain}} executor {{executor_id}}",
        ),
      ),
    )
    .withPanel(
      ts(
        "Rejection ratio",
        "percentunit",
        q(
          "sum by (chain) (rate(vagus_rate_limiter_rejections_total[5m])) / sum by (chain) (rate(vagus_rate_limiter_requests_total[5m]))",
          "{{chain}}",
        ),
      ),
    )
    .withPanel(
      ts(
        "Denials by guard",
        "reqps",
        q("sum by (chain, code) (rate(vagus_capability_denied_total[5m]))", "{{chain}} {{code}}"),
      ),
    )
    .withPanel(
      new heatmap.PanelBuilder()
        .title("Window utilization heatmap (pairs)")
        .datasource(DS)
        .withTarget(q("vagus_rate_limiter_pair_window_usage_ratio", "{{chain}} {{executor_id}} {{action_id}}"))
        .calculate(true)
        .height(8)
        .span(16),
    )
    .withPanel(ts("Highest window usage", "percentunit", q("vagus_rate_limiter_window_usage_ratio", "{{chain}}")));

  // 3. Circuit breakers
  d.withRow(new dashboard.RowBuilder("Circuit breakers"))
    .withPanel(
      new stat.PanelBuilder()
        .title("Current state (worst pair)")
        .datasource(DS)
        .withTarget(q("vagus_circuit_breaker_state", "{{chain}}"))
        .mappings(BREAKER)
        .colorMode(common.BigValueColorMode.Background)
        .height(8)
        .span(6),
    )
    .withPanel(ts("Pairs per state", "short", q("vagus_circuit_breaker_pairs", "{{chain}} {{state}}")).span(6))
    .withPanel(
      ts(
        "Failure ratio of reported outcomes",
        "percentunit",
        q(
          "sum by (chain) (rate(vagus_circuit_breaker_failures_total[5m])) / (sum by (chain) (rate(vagus_circuit_breaker_failures_total[5m])) + sum by (chain) (rate(vagus_circuit_breaker_successes_total[5m])))",
          "{{chain}}",
        ),
      ).span(6),
    )
    .withPanel(
      ts(
        "Transitions and recovery (per hour)",
        "short",
        q(
          "sum by (chain, to_state, reason) (increase(vagus_circuit_breaker_transitions_total[1h]))",
          "{{chain}} → {{to_state}} ({{reason}})",
        ),
      ).span(6),
    );

  // 4. ANS
  d.withRow(new dashboard.RowBuilder("ANS state"))
    .withPanel(
      new piechart.PanelBuilder()
        .title("State distribution")
        .datasource(DS)
        .targets([
          q("count(vagus_ans_state == 0) or vector(0)", "SAFE"),
          q("count(vagus_ans_state == 1) or vector(0)", "DANGER", "B"),
          q("count(vagus_ans_state == 2) or vector(0)", "SHUTDOWN", "C"),
        ])
        .pieType(piechart.PieChartType.Donut)
        .height(8)
        .span(6),
    )
    .withPanel(
      new statetimeline.PanelBuilder()
        .title("Transition timeline")
        .datasource(DS)
        .withTarget(q("vagus_ans_state", "{{chain}} executor {{executor_id}}"))
        .mappings(ANS)
        .height(8)
        .span(10),
    )
    .withPanel(
      new heatmap.PanelBuilder()
        .title("Dwell time histogram")
        .datasource(DS)
        .withTarget(
          q("sum by (le) (increase(vagus_ans_dwell_time_seconds_bucket[1h]))", "{{le}}").format(
            prometheus.PromQueryFormat.Heatmap,
          ),
        )
        .calculate(false)
        .height(8)
        .span(8),
    )
    .withPanel(
      ts(
        "Transitions per hour",
        "short",
        q(
          "sum by (chain, from_state, to_state) (increase(vagus_ans_transitions_total[1h]))",
          "{{chain}} {{from_state}}→{{to_state}}",
        ),
      ).span(24),
    );

  // 5. Capability management
  d.withRow(new dashboard.RowBuilder("Capability management"))
    .withPanel(
      ts(
        "Issuance success rate",
        "percentunit",
        q(
          "sum by (chain) (rate(vagus_capability_issued_total[5m])) / (sum by (chain) (rate(vagus_capability_issued_total[5m])) + sum by (chain) (rate(vagus_capability_denied_total[5m])))",
          "{{chain}}",
        ),
      ).span(6),
    )
    .withPanel(
      ts(
        "Active tokens",
        "short",
        q("sum by (chain, executor_id) (vagus_capability_active_count)", "{{chain}} {{executor_id}}"),
      ).span(6),
    )
    .withPanel(
      new piechart.PanelBuilder()
        .title("Revocation reasons (24h)")
        .datasource(DS)
        .withTarget(q("sum by (reason) (increase(vagus_capability_revoked_total[24h]))", "{{reason}}"))
        .height(8)
        .span(6),
    )
    .withPanel(
      new stat.PanelBuilder()
        .title("Emergency pause")
        .datasource(DS)
        .withTarget(q("vagus_emergency_paused", "{{chain}} {{contract}}"))
        .mappings(textMap({ "0": ["running", "green"], "1": ["PAUSED", "red"] }))
        .colorMode(common.BigValueColorMode.Background)
        .height(8)
        .span(6),
    )
    .withPanel(
      ts(
        "Reflex triggers and governance proposals (per hour)",
        "short",
        q("sum by (chain, trigger) (increase(vagus_reflex_triggers_total[1h]))", "reflex {{chain}} {{trigger}}"),
        q("sum by (chain) (increase(vagus_governance_proposals_submitted_total[1h]))", "proposed {{chain}}", "B"),
        q("sum by (chain) (increase(vagus_governance_proposals_executed_total[1h]))", "executed {{chain}}", "C"),
      ).span(12),
    )
    .withPanel(
      ts(
        "Gas per operation (p95) and share of the block limit",
        "short",
        q(
          "histogram_quantile(0.95, sum by (le, chain, contract, operation) (rate(vagus_gas_used_bucket[1h])))",
          "p95 {{chain}} {{contract}}.{{operation}}",
        ),
        q("max by (contract, operation) (vagus_gas_block_limit_ratio)", "block share {{contract}}.{{operation}}", "B"),
      ).span(12),
    );

  // 6. Cross-chain equivalence
  d.withRow(new dashboard.RowBuilder("Cross-chain equivalence"))
    .withPanel(
      new stat.PanelBuilder()
        .title("Hash consistency")
        .datasource(DS)
        .withTarget(q("vagus_cross_chain_hash_match", "{{component}}"))
        .mappings(textMap({ "0": ["MISMATCH", "red"], "1": ["match", "green"] }))
        .colorMode(common.BigValueColorMode.Background)
        .height(8)
        .span(8),
    )
    .withPanel(
      ts(
        "Time synchronization (EVM − CosmWasm block time)",
        "s",
        q("vagus_cross_chain_time_drift_seconds", "{{chain}}"),
      ),
    )
    .withPanel(
      new table.PanelBuilder()
        .title("Equivalence violation alerts")
        .datasource(DS)
        .withTarget(
          q('sum by (alertname, component) (ALERTS{alertstate="firing",alertname=~"VagusCrossChain.*"})').instant(),
        )
        .height(8)
        .span(8),
    );
  return d.build();
}

/** The file Grafana imports, as committed (stable key order from the builders, 2-space JSON). */
export function dashboardJson(): string {
  return `${JSON.stringify(buildDashboard(), null, 2)}\n`;
}

/** Every PromQL expression of the dashboard, with its panel title. */
export function dashboardQueries(model: unknown = buildDashboard()): { panel: string; expr: string }[] {
  const out: { panel: string; expr: string }[] = [];
  const panels =
    (model as { panels?: { title?: string; targets?: { expr?: string }[]; panels?: unknown[] }[] }).panels ?? [];
  const walk = (list: typeof panels) => {
    for (const p of list) {
      for (const t of p.targets ?? []) if (t.expr) out.push({ panel: p.title ?? "", expr: t.expr });
      if (p.panels) walk(p.panels as typeof panels);
    }
  };
  walk(panels);
  return out;
}
