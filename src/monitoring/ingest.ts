import type { Spec } from "../spec";
import type { Canon, NormalizedEvent } from "../equivalence";
import { LabelCap, PIPELINE_CONTRACT, type ChainLabel, type Metrics } from "./metrics";

/**
 * Folds one chain's normalized protocol events (the equivalence engine's form) into the
 * metrics. Counters only ever move forward here, in chain order, each event once: the
 * follower hands every finalized block range over exactly once.
 */

export interface EventMeta {
  /** Block number / height. */
  height: number;
  /** Block time, unix seconds. */
  time: number;
}

/** Label caps (monitoring/README.md "Cardinality"). */
export interface CapOptions {
  /** Distinct executor ids with their own label (default 50). */
  executors?: number;
  /** Distinct action ids with their own label (default 20). */
  actions?: number;
  /** Distinct revocation reasons with their own label (default 20). */
  reasons?: number;
}

interface Evidence {
  sequence: string;
  stateRoot: string;
  sha256: string;
}

/** A canonical scalar's text (integers are decimal strings, hashes 0x hex). */
function str(v: Canon | undefined): string {
  return typeof v === "string" ? v : JSON.stringify(v ?? null);
}

const BREAKER_NAMES = ["CLOSED", "OPEN", "HALF_OPEN"];

export class ChainIngest {
  readonly executors: LabelCap;
  readonly actions: LabelCap;
  readonly reasons: LabelCap;
  /** Executor → ANS state (0 SAFE, 1 DANGER, 2 SHUTDOWN) and when it was entered. */
  readonly ans = new Map<string, { state: number; since: number }>();
  /** `executor|action` → breaker state (spec numbering). */
  readonly breakers = new Map<string, number>();
  /** Pairs seen in the pipeline, for the limiter's usage reads. */
  readonly pairs = new Map<string, { executorId: string; actionId: string }>();
  /** Executor → token id → expiry (unix seconds): tokens not revoked. */
  readonly tokens = new Map<string, Map<string, number>>();
  readonly pausedContracts = new Map<string, boolean>();
  readonly pausedExecutors = new Set<string>();
  /** Executor → evidence by sequence (latest few): the cross-chain prestate/metrics check. */
  readonly evidence = new Map<string, Evidence[]>();
  private readonly scheduled = new Set<string>();
  private readonly executed = new Set<string>();
  /** Events ingested so far. */
  count = 0;

  constructor(
    readonly chain: ChainLabel,
    readonly spec: Spec,
    readonly m: Metrics,
    caps: CapOptions = {},
  ) {
    this.executors = new LabelCap(caps.executors ?? 50);
    this.actions = new LabelCap(caps.actions ?? 20);
    this.reasons = new LabelCap(caps.reasons ?? 20);
    const c = { contract: PIPELINE_CONTRACT, chain };
    // Zero series from the start, so rate() and absence checks see them.
    m.limiterRequests.inc(c, 0);
    m.limiterRejections.inc(c, 0);
    m.breakerFailures.inc(c, 0);
    m.breakerSuccesses.inc(c, 0);
    m.breakerState.set(c, 0);
    m.executorsPaused.set({ chain }, 0);
    m.events.inc({ chain }, 0);
    m.evidence.inc({ chain }, 0);
    m.govSubmitted.inc({ chain }, 0);
    m.govExecuted.inc({ chain }, 0);
    m.govCancelled.inc({ chain }, 0);
    for (const state of ["SAFE", "DANGER", "SHUTDOWN"]) m.ansDwell.zero({ state, chain });
    // A counter series born at 1 shows no increase() in Prometheus: the trigger series exist at 0.
    for (const trigger of Object.keys(spec.component("ReflexArc").enums.ReflexTrigger ?? {})) {
      m.reflexTriggers.inc({ trigger, chain }, 0);
    }
  }

  private enumName(component: string, type: string, value: Canon): string {
    const values = this.spec.component(component).enums?.[type] ?? {};
    for (const [name, v] of Object.entries(values)) if (String(v) === value) return name;
    return str(value);
  }

  private denialName(code: Canon): string {
    for (const comp of this.spec.components.values()) {
      const d = comp.denialByCode(Number(code));
      if (d) return d.name;
    }
    return str(code);
  }

  apply(e: NormalizedEvent, meta: EventMeta): void {
    if (e.name.startsWith("?")) return;
    const f = e.fields;
    const chain = this.chain;
    const pipe = { contract: PIPELINE_CONTRACT, chain };
    this.count++;
    this.m.events.inc({ chain });
    switch (`${e.component}.${e.name}`) {
      case "CapabilityIssuer.CapabilityIssued": {
        const ex = str(f.executorId);
        const action = str(f.actionId);
        this.m.issued.inc({ executor_id: this.executors.label(ex), action_id: this.actions.label(action), chain });
        // The limiter is the last guard before the mint: an issue is an admitted request.
        this.m.limiterRequests.inc(pipe);
        this.pairs.set(`${ex}|${action}`, { executorId: ex, actionId: action });
        let t = this.tokens.get(ex);
        if (!t) this.tokens.set(ex, (t = new Map()));
        t.set(str(f.tokenId), Number(f.expiresAt));
        break;
      }
      case "CapabilityIssuer.IssueDenied":
        this.m.denied.inc({ code: this.denialName(f.code), chain });
        this.pairs.set(`${str(f.executorId)}|${str(f.actionId)}`, {
          executorId: str(f.executorId),
          actionId: str(f.actionId),
        });
        break;
      case "CapabilityIssuer.CapabilityRevoked":
        this.m.revoked.inc({ reason: this.reasons.label(str(f.reason)), chain });
        this.tokens.get(str(f.executorId))?.delete(str(f.tokenId));
        break;
      case "CapabilityIssuer.AllRevoked":
        this.m.revoked.inc({ reason: this.reasons.label(str(f.reason)), chain });
        this.tokens.delete(str(f.executorId));
        break;
      case "CapabilityIssuer.OutcomeReported":
        (f.success === true ? this.m.breakerSuccesses : this.m.breakerFailures).inc(pipe);
        break;
      case "CapabilityIssuer.ExecutorPaused":
        this.pausedExecutors.add(str(f.executorId));
        this.m.executorsPaused.set({ chain }, this.pausedExecutors.size);
        break;
      case "CapabilityIssuer.ExecutorUnpaused":
        this.pausedExecutors.delete(str(f.executorId));
        this.m.executorsPaused.set({ chain }, this.pausedExecutors.size);
        break;
      case "RateLimiter.ConsumeDenied":
        this.m.limiterRequests.inc(pipe);
        this.m.limiterRejections.inc(pipe);
        break;
      case "CircuitBreaker.BreakerTransition": {
        const to = Number(f.to);
        this.breakers.set(`${str(f.executorId)}|${str(f.actionId)}`, to);
        this.m.breakerTransitions.inc({
          chain,
          to_state: BREAKER_NAMES[to] ?? String(to),
          reason: this.enumName(e.component, "TransitionReason", f.reason),
        });
        this.refreshBreakers();
        break;
      }
      case "CircuitBreaker.RequestDenied":
        this.m.breakerDenials.inc({ chain, code: this.denialName(f.code) });
        break;
      case "ANSStateManager.StateTransition":
      case "ANSStateManager.StateOverridden": {
        const ex = str(f.executorId);
        const from = Number(f.from);
        const to = Number(f.to);
        const prev = this.ans.get(ex);
        const fromName = this.enumName(e.component, "AnsState", f.from);
        if (prev) this.m.ansDwell.observe({ state: fromName, chain }, Math.max(0, meta.time - prev.since));
        this.m.ansTransitions.inc({
          from_state: fromName,
          to_state: this.enumName(e.component, "AnsState", f.to),
          chain,
        });
        this.ans.set(ex, { state: to, since: meta.time });
        // A token issued before SHUTDOWN never becomes valid again, whatever override follows.
        if (to === 2) this.tokens.delete(ex);
        if (from !== to || !prev) this.refreshAns(ex);
        break;
      }
      case "ReflexArc.ReflexFired":
        this.m.reflexTriggers.inc({ trigger: this.enumName(e.component, "ReflexTrigger", f.trigger), chain });
        break;
      case "ReflexArc.ReflexSuppressed":
        this.m.reflexSuppressed.inc({ trigger: this.enumName(e.component, "ReflexTrigger", f.trigger), chain });
        break;
      case "AfferentInbox.EvidencePosted": {
        this.m.evidence.inc({ chain });
        const ex = str(f.executorId);
        const list = this.evidence.get(ex) ?? [];
        list.push({ sequence: str(f.sequence), stateRoot: str(f.stateRoot), sha256: str(f.sha256) });
        this.evidence.set(ex, list.slice(-8));
        break;
      }
      case "Timelock.CallScheduled":
        // A batch schedules several calls under one id: one proposal.
        if (!this.scheduled.has(str(f.id))) {
          this.scheduled.add(str(f.id));
          this.m.govSubmitted.inc({ chain });
        }
        break;
      case "Timelock.CallExecuted":
        if (!this.executed.has(str(f.id))) {
          this.executed.add(str(f.id));
          this.m.govExecuted.inc({ chain });
        }
        break;
      case "Timelock.Cancelled":
        this.m.govCancelled.inc({ chain });
        break;
      default:
        if (e.name === "Paused" || e.name === "Unpaused") {
          this.pausedContracts.set(e.component, e.name === "Paused");
          this.m.paused.set({ chain, contract: e.component }, e.name === "Paused" ? 1 : 0);
        }
    }
  }

  /** Contracts start unpaused: their series exist from the start. */
  knowContract(component: string): void {
    if (!this.pausedContracts.has(component)) {
      this.pausedContracts.set(component, false);
      this.m.paused.set({ chain: this.chain, contract: component }, 0);
    }
  }

  private refreshBreakers(): void {
    const counts = [0, 0, 0];
    for (const s of this.breakers.values()) counts[s] = (counts[s] ?? 0) + 1;
    counts.forEach((n, s) => this.m.breakerPairs.set({ chain: this.chain, state: BREAKER_NAMES[s] }, n));
    const worst = counts[1] > 0 ? 1 : counts[2] > 0 ? 2 : 0;
    this.m.breakerState.set({ contract: PIPELINE_CONTRACT, chain: this.chain }, worst);
  }

  private refreshAns(executorId: string): void {
    const label = this.executors.label(executorId);
    if (label !== "other") {
      const s = this.ans.get(executorId);
      if (s) {
        this.m.ansState.set({ executor_id: label, chain: this.chain }, s.state);
        this.m.ansEntered.set({ executor_id: label, chain: this.chain }, s.since);
      }
      return;
    }
    // `other`: the worst state of the executors without a label of their own, and the
    // earliest time one of them entered it.
    let worst = 0;
    let since = Infinity;
    for (const [ex, s] of this.ans) {
      if (this.executors.label(ex) !== "other") continue;
      if (s.state > worst) [worst, since] = [s.state, s.since];
      else if (s.state === worst) since = Math.min(since, s.since);
    }
    this.m.ansState.set({ executor_id: "other", chain: this.chain }, worst);
    this.m.ansEntered.set({ executor_id: "other", chain: this.chain }, Number.isFinite(since) ? since : 0);
  }

  /** Recomputes the active-token gauges at chain time `now`, dropping expired tokens. */
  refreshActive(now: number): void {
    const byLabel = new Map<string, number>();
    for (const [ex, tokens] of this.tokens) {
      for (const [id, expiresAt] of tokens) if (expiresAt <= now) tokens.delete(id);
      const label = this.executors.label(ex);
      byLabel.set(label, (byLabel.get(label) ?? 0) + tokens.size);
    }
    for (const [label, n] of byLabel) this.m.active.set({ executor_id: label, chain: this.chain }, n);
  }
}
