/**
 * The runbook's metric contract (docs/runbook.md "Monitoring"), written out by hand from
 * the runbook so that the exporter cannot define its own contract: name → label names.
 */
export const RUNBOOK_METRICS: Record<string, string[]> = {
  vagus_rate_limiter_requests_total: ["contract", "chain"],
  vagus_rate_limiter_rejections_total: ["contract", "chain"],
  vagus_rate_limiter_window_usage_ratio: ["contract", "chain"],
  vagus_circuit_breaker_state: ["contract", "chain"],
  vagus_circuit_breaker_failures_total: ["contract", "chain"],
  vagus_circuit_breaker_successes_total: ["contract", "chain"],
  vagus_ans_state: ["executor_id", "chain"],
  vagus_ans_transitions_total: ["from_state", "to_state", "chain"],
  vagus_ans_dwell_time_seconds: ["state", "chain"],
  vagus_capability_issued_total: ["executor_id", "action_id", "chain"],
  vagus_capability_revoked_total: ["reason", "chain"],
  vagus_capability_active_count: ["executor_id", "chain"],
  vagus_cross_chain_hash_match: ["component"],
  vagus_cross_chain_time_drift_seconds: ["chain"],
};

/** What the runbook asks for in prose, by the names monitoring/README.md gives them. */
export const PROSE_METRICS = [
  "vagus_gas_used", // gas per contract and operation (both chains; CosmWasm gas per execute)
  "vagus_gas_block_limit_ratio", // its ratio to the block gas limit
  "vagus_emergency_paused", // emergency-pause state per contract
  "vagus_reflex_triggers_total", // reflex triggers
  "vagus_governance_proposals_submitted_total",
  "vagus_governance_proposals_executed_total",
  "vagus_exporter_chain_up", // the exporter's own health
  "vagus_exporter_last_processed_height",
  "vagus_exporter_lag_blocks",
];

/** The runbook's alerts: name → severity. */
export const RUNBOOK_ALERTS: Record<string, string> = {
  VagusCircuitBreakerOpen: "critical",
  VagusRateLimiterBlockingMajority: "critical",
  VagusAnsStuckDangerOrShutdown: "critical",
  VagusCrossChainHashMismatch: "critical",
  VagusEmergencyPause: "critical",
  VagusRateLimiterBlocking: "warning",
  VagusAnsFlapping: "warning",
  VagusGasNearBlockLimit: "warning",
  VagusCrossChainTimeDrift: "warning",
  VagusCapabilityIssuanceSpike: "info",
  VagusReflexTriggered: "info",
  VagusGovernanceProposalSubmitted: "info",
};
