import { Counter, Gauge, Histogram, Registry } from "prom-client";

/**
 * The exporter's metrics: the runbook's names and labels exactly, plus what the runbook
 * asks for in prose (gas, pause state, reflexes, governance, the exporter's own health).
 * Every name here is listed in monitoring/README.md; the dashboard and alert tests check
 * their queries against `METRIC_NAMES`.
 */

export type ChainLabel = "evm" | "wasm";

/** The `contract` label of the issuance pipeline's limiter and breaker metrics (runbook). */
export const PIPELINE_CONTRACT = "capability_issuer";

/** Dwell buckets, seconds: a minute to a week. */
const DWELL_BUCKETS = [60, 300, 900, 1800, 3600, 7200, 21600, 86400, 604800];
/** Gas buckets per transaction. */
const GAS_BUCKETS = [25_000, 50_000, 100_000, 150_000, 200_000, 300_000, 500_000, 1_000_000, 3_000_000, 10_000_000];

export function createMetrics(registry: Registry = new Registry()) {
  const counter = <L extends string>(name: string, help: string, labelNames: readonly L[]) =>
    new Counter<L>({ name, help, labelNames, registers: [registry] });
  const gauge = <L extends string>(name: string, help: string, labelNames: readonly L[]) =>
    new Gauge<L>({ name, help, labelNames, registers: [registry] });
  const histogram = <L extends string>(name: string, help: string, labelNames: readonly L[], buckets: number[]) =>
    new Histogram<L>({ name, help, labelNames, buckets, registers: [registry] });

  const m = {
    registry,
    // --- rate limiter (runbook) -------------------------------------------------------
    limiterRequests: counter(
      "vagus_rate_limiter_requests_total",
      "Requests that reached the rate limiter in the issuance pipeline (admitted + rejected).",
      ["contract", "chain"],
    ),
    limiterRejections: counter(
      "vagus_rate_limiter_rejections_total",
      "Requests the rate limiter rejected (ConsumeDenied).",
      ["contract", "chain"],
    ),
    limiterUsage: gauge(
      "vagus_rate_limiter_window_usage_ratio",
      "Highest used/capacity of the sliding window over the pairs seen (read from the chain).",
      ["contract", "chain"],
    ),
    limiterPairUsage: gauge(
      "vagus_rate_limiter_pair_window_usage_ratio",
      "used/capacity of the sliding window per pair (executor and action labels capped).",
      ["chain", "executor_id", "action_id"],
    ),
    // --- circuit breaker (runbook) ----------------------------------------------------
    breakerState: gauge(
      "vagus_circuit_breaker_state",
      "Worst breaker state over the pairs: 0 CLOSED, 1 OPEN, 2 HALF_OPEN (spec BreakerState).",
      ["contract", "chain"],
    ),
    breakerPairs: gauge("vagus_circuit_breaker_pairs", "Pairs per breaker state.", ["chain", "state"]),
    breakerFailures: counter(
      "vagus_circuit_breaker_failures_total",
      "Failed outcomes reported (OutcomeReported success=false).",
      ["contract", "chain"],
    ),
    breakerSuccesses: counter(
      "vagus_circuit_breaker_successes_total",
      "Successful outcomes reported (OutcomeReported success=true).",
      ["contract", "chain"],
    ),
    breakerTransitions: counter(
      "vagus_circuit_breaker_transitions_total",
      "Breaker transitions by target state and reason.",
      ["chain", "to_state", "reason"],
    ),
    breakerDenials: counter(
      "vagus_circuit_breaker_rejections_total",
      "Requests the breaker denied (RequestDenied), by spec denial name.",
      ["chain", "code"],
    ),
    // --- ANS (runbook) ------------------------------------------------------------------
    ansState: gauge(
      "vagus_ans_state",
      "Executor's autonomic state: 0 SAFE, 1 DANGER, 2 SHUTDOWN (capped executors; `other` = worst).",
      ["executor_id", "chain"],
    ),
    ansEntered: gauge(
      "vagus_ans_state_entered_timestamp_seconds",
      "Block time the executor entered its current state (for stuck-state alerts).",
      ["executor_id", "chain"],
    ),
    ansTransitions: counter("vagus_ans_transitions_total", "ANS transitions (readings and overrides).", [
      "from_state",
      "to_state",
      "chain",
    ]),
    ansDwell: histogram(
      "vagus_ans_dwell_time_seconds",
      "Time an executor spent in a state before leaving it (block time).",
      ["state", "chain"],
      DWELL_BUCKETS,
    ),
    // --- capabilities (runbook) ---------------------------------------------------------
    issued: counter("vagus_capability_issued_total", "Capability tokens issued (executor and action labels capped).", [
      "executor_id",
      "action_id",
      "chain",
    ]),
    revoked: counter(
      "vagus_capability_revoked_total",
      "Revocations (one per CapabilityRevoked or AllRevoked event), by reason (capped).",
      ["reason", "chain"],
    ),
    active: gauge(
      "vagus_capability_active_count",
      "Tokens neither expired (chain time) nor revoked, per executor (capped).",
      ["executor_id", "chain"],
    ),
    denied: counter(
      "vagus_capability_denied_total",
      "Issuance requests denied by a policy guard (IssueDenied), by spec denial name.",
      ["code", "chain"],
    ),
    // --- cross-chain (runbook) ----------------------------------------------------------
    hashMatch: gauge(
      "vagus_cross_chain_hash_match",
      "1 when both stacks agree (CBOR dual hash) on the component's data, else 0.",
      ["component"],
    ),
    timeDrift: gauge(
      "vagus_cross_chain_time_drift_seconds",
      "Latest EVM block time minus latest CosmWasm block time.",
      ["chain"],
    ),
    // --- prose of the runbook -----------------------------------------------------------
    gasUsed: histogram(
      "vagus_gas_used",
      "Gas per transaction by contract and operation (EVM gas; CosmWasm SDK gas per execute).",
      ["chain", "contract", "operation"],
      GAS_BUCKETS,
    ),
    gasRatio: gauge(
      "vagus_gas_block_limit_ratio",
      "Gas of the latest transaction per contract and operation over its block's gas limit (EVM).",
      ["chain", "contract", "operation"],
    ),
    paused: gauge("vagus_emergency_paused", "1 while a contract is paused (emergency pause).", ["chain", "contract"]),
    executorsPaused: gauge("vagus_executors_paused", "Executors paused on the issuer.", ["chain"]),
    reflexTriggers: counter(
      "vagus_reflex_triggers_total",
      "Reflex arc firings by trigger (ANS_DANGER, ANS_SHUTDOWN, EVIDENCE, MANUAL).",
      ["trigger", "chain"],
    ),
    reflexSuppressed: counter("vagus_reflex_suppressed_total", "Reflex triggers suppressed by the cooldown.", [
      "trigger",
      "chain",
    ]),
    evidence: counter("vagus_afferent_evidence_total", "Evidence posted to the afferent inbox.", ["chain"]),
    govSubmitted: counter(
      "vagus_governance_proposals_submitted_total",
      "Timelock operations scheduled (one per operation id).",
      ["chain"],
    ),
    govExecuted: counter(
      "vagus_governance_proposals_executed_total",
      "Timelock operations executed (one per operation id).",
      ["chain"],
    ),
    govCancelled: counter("vagus_governance_proposals_cancelled_total", "Timelock operations cancelled.", ["chain"]),
    // --- the exporter's own health ------------------------------------------------------
    up: gauge("vagus_exporter_chain_up", "1 when the last poll of the chain succeeded.", ["chain"]),
    processed: gauge("vagus_exporter_last_processed_height", "Last block / height whose events are counted.", [
      "chain",
    ]),
    head: gauge("vagus_exporter_chain_head_height", "Latest block / height the node reported.", ["chain"]),
    lag: gauge("vagus_exporter_lag_blocks", "Head minus last processed (includes the finality depth).", ["chain"]),
    events: counter("vagus_exporter_events_total", "Protocol events ingested.", ["chain"]),
    skipped: counter(
      "vagus_exporter_skipped_events_total",
      "Events of a deployed contract the spec could not normalize (skipped).",
      ["chain"],
    ),
    errors: counter("vagus_exporter_poll_errors_total", "Failed polls (node unreachable, RPC error).", ["chain"]),
    // --- the daily check (vagus:check's last report) ---------------------------------------
    checkLastRun: gauge(
      "vagus_check_last_run_timestamp_seconds",
      "When `vagus:check` last ran on this deployment (unix seconds; no sample before the first run).",
      ["pair"],
    ),
    checkFailures: gauge(
      "vagus_check_failures",
      "Failed items of the last `vagus:check`, by kind (verify, access, sync, journal, books, drift).",
      ["kind"],
    ),
  };
  return m;
}

export type Metrics = ReturnType<typeof createMetrics>;

/** Every metric family the exporter serves, with its type. */
export function metricFamilies(m: Metrics = createMetrics()): { name: string; type: string }[] {
  return m.registry.getMetricsAsArray().map((x) => ({ name: x.name, type: String(x.type) }));
}

/**
 * Keeps a label's cardinality bounded: the first `max` distinct values keep their own
 * label, later ones share `other`.
 */
export class LabelCap {
  private readonly kept = new Set<string>();
  constructor(readonly max: number) {}

  label(value: string): string {
    if (this.kept.has(value)) return value;
    if (this.kept.size < this.max) {
      this.kept.add(value);
      return value;
    }
    return "other";
  }
}
