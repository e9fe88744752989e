import { createHash } from "node:crypto";

import { SharedClock } from "../chains/clock";
import type { EvmChain, SnapshotId, WasmChain } from "../chains/types";
import type { Component, Spec, SpecOperation } from "../spec";
import { AddressBook, canonFromScenario, stableJson, type Canon } from "./canon";
import { readableDiff } from "./diff";
import { actorNames, type Scenario, type ScenarioStep } from "./scenario";
import { EvmStack, MissingArtifactError, WasmStack, type DeployedComponent, type Outcome, type Stack } from "./stacks";
import { wiringSteps } from "./wiring";

/** One step's normalized result on one stack: the outcome plus the touched components' state. */
export interface NormalizedStep extends Outcome {
  /** sha256 of `state` (stable JSON). */
  digest: string;
  /** Spec query → canonical answer, per touched component. */
  state: Record<string, Record<string, Canon>>;
}

export interface Divergence {
  scenario: string;
  stepIndex: number;
  step: ScenarioStep | { setup: string };
  evm: NormalizedStep | Outcome;
  wasm: NormalizedStep | Outcome;
  /** `path: evm … | wasm …` lines. */
  diff: string;
}

export interface ExpectationFailure {
  stepIndex: number;
  step: ScenarioStep;
  message: string;
}

export interface ScenarioResult {
  name: string;
  file?: string;
  /** `passed`: both stacks agree on every step and every expectation holds. */
  verdict: "passed" | "diverged" | "expectation-failed" | "error";
  stepsRun: number;
  /** Steps compared (each step once, whatever the number of queries in its digest). */
  compared: number;
  divergence?: Divergence;
  expectationFailures: ExpectationFailure[];
  /** Setup or runner failure (a missing artifact, a malformed step). */
  error?: string;
  missingArtifact?: { stack: string; component: string };
  deployed: { evm: DeployedComponent[]; wasm: DeployedComponent[] };
  /** component → label → count: state transitions seen and operation outcomes. */
  coverage: Record<string, Record<string, number>>;
}

export type DigestMode = "touched" | "full" | "none";

export interface RunnerOptions {
  spec: Spec;
  evm: EvmChain;
  wasm: WasmChain;
  /**
   * Compare two CosmWasm backends instead (the embedded engine against a real wasmd on the
   * same artifacts): `evm` is then ignored and these stand on the two sides.
   */
  wasmPair?: [WasmChain, WasmChain];
  /**
   * What the state digest covers after each step: `touched` (default) the queries of the
   * step's component and of every component that emitted an event, with the step's own
   * keys; `full` every key seen so far; `none` no digest (outcomes only). The end of a
   * scenario always compares a full digest.
   */
  digest?: DigestMode;
  /** Hardhat artifact folder (default artifacts/evm) and CosmWasm artifact folder (default artifacts/wasm). */
  evmArtifactsDir?: string;
  wasmArtifactsDir?: string;
  /** component → EVM contract name to deploy instead of the spec's (a test variant). */
  evmOverrides?: Record<string, string>;
  /** Called after each step (progress output on long runs). */
  onStep?: (scenario: string, index: number, total: number) => void;
}

/** What is compared of a step: everything but the human-only `detail`. */
export function comparable(o: Outcome): Omit<Outcome, "detail"> {
  const { detail: _detail, ...rest } = o;
  return rest;
}

/** A query with its arguments, as the key of a read. */
const readKey = (on: string, query: string, args: Record<string, unknown>) => `${on}.${query}${stableJson(args)}`;

const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");

/** Values of query arguments seen so far, by argument name. */
class KeyPool {
  private readonly byName = new Map<string, Map<string, unknown>>();

  add(name: string, value: unknown): void {
    if (value === undefined || value === null) return;
    let m = this.byName.get(name);
    if (!m) this.byName.set(name, (m = new Map()));
    m.set(stableJson(value), value);
  }

  addAll(args: Record<string, unknown> | undefined): void {
    for (const [k, v] of Object.entries(args ?? {})) this.add(k, v);
  }

  values(name: string): unknown[] {
    return [...(this.byName.get(name)?.values() ?? [])];
  }
}

/**
 * The differential runner (spec/scenarios.md): deploys a scenario's components on both
 * stacks, runs each step on both at the same clock time, normalizes and compares, and
 * stops at the first divergence.
 */
export class DifferentialRunner {
  readonly spec: Spec;
  readonly evm: EvmChain;
  readonly wasm: WasmChain;
  readonly wasmPair: [WasmChain, WasmChain] | undefined;
  readonly clock: SharedClock;
  /** Labels of the two sides in diffs and reports. */
  readonly sides: [string, string];
  private readonly digestMode: DigestMode;
  private readonly onStep: RunnerOptions["onStep"];
  private readonly evmOverrides: Record<string, string>;
  private readonly evmArtifactsDir: string | undefined;
  private readonly wasmArtifactsDir: string | undefined;
  private base: { evm: SnapshotId; wasm: SnapshotId } | undefined;
  // Per scenario:
  book = new AddressBook();
  /** The left side (the EVM, or the first CosmWasm backend of a pair). */
  evmStack!: Stack;
  /** The right side (CosmWasm). */
  wasmStack!: Stack;
  private pool = new KeyPool();
  private deployedNames: string[] = [];
  private coverage: Record<string, Record<string, number>> = {};
  /** The last state digest's answers per side (left, right), by `readKey`. */
  private reads: [Map<string, Outcome>, Map<string, Outcome>] = [new Map(), new Map()];
  private readsAt: number | undefined;

  constructor(opts: RunnerOptions) {
    this.spec = opts.spec;
    this.evm = opts.evm;
    this.wasm = opts.wasm;
    this.wasmPair = opts.wasmPair;
    this.clock = opts.wasmPair ? new SharedClock(undefined, opts.wasmPair) : new SharedClock(opts.evm, opts.wasm);
    this.sides = opts.wasmPair
      ? [`wasm:${opts.wasmPair[0].backend}`, `wasm:${opts.wasmPair[1].backend}`]
      : ["evm", "wasm"];
    this.digestMode = opts.digest ?? "touched";
    this.onStep = opts.onStep;
    this.evmOverrides = opts.evmOverrides ?? {};
    this.evmArtifactsDir = opts.evmArtifactsDir;
    this.wasmArtifactsDir = opts.wasmArtifactsDir;
  }

  /** Returns both chains to the state before the first scenario (taking it the first time). */
  async reset(): Promise<void> {
    this.book = new AddressBook();
    if (this.wasmPair) {
      // Each CosmWasm backend has its own addresses: one book per side.
      this.evmStack = new WasmStack(this.wasmPair[0], this.spec, this.book, this.wasmArtifactsDir);
      this.wasmStack = new WasmStack(this.wasmPair[1], this.spec, new AddressBook(), this.wasmArtifactsDir);
    } else {
      this.evmStack = new EvmStack(this.evm, this.spec, this.book, this.clock, this.evmArtifactsDir, this.evmOverrides);
      this.wasmStack = new WasmStack(this.wasm, this.spec, this.book, this.wasmArtifactsDir);
    }
    // A real node cannot go back: every scenario deploys afresh there (addresses are
    // compared by reference, so fresh ones compare equal).
    const [l, r] = [this.evmStack.chain, this.wasmStack.chain];
    const canSnap = (c: { backend: string }) => c.backend === "embedded";
    if (!this.base) {
      this.base = {
        evm: canSnap(l) ? await l.snapshot() : -1,
        wasm: canSnap(r) ? await r.snapshot() : -1,
      };
    } else {
      await Promise.all([
        canSnap(l) ? l.restore(this.base.evm) : undefined,
        canSnap(r) ? r.restore(this.base.wasm) : undefined,
      ]);
    }
    this.clock.forget(undefined);
    this.reads = [new Map(), new Map()];
    this.pool = new KeyPool();
    this.coverage = {};
  }

  /**
   * Returns both chains to the state before this runner's first scenario, so another
   * runner (another test file) can start at the time origin again.
   */
  async dispose(): Promise<void> {
    if (!this.base) return;
    const [l, r] = [this.evmStack.chain, this.wasmStack.chain];
    await Promise.all([
      l.backend === "embedded" ? l.restore(this.base.evm) : undefined,
      r.backend === "embedded" ? r.restore(this.base.wasm) : undefined,
    ]);
    this.base = undefined;
    this.clock.forget(undefined);
  }

  /** Starts a new run on chains just restored to a deployment (campaigns): the clock and keys start over. */
  beginRun(time: number): void {
    this.reads = [new Map(), new Map()];
    this.clock.forget(time);
    this.pool = new KeyPool();
  }

  /** The coverage counted since the last call (and forgets it). */
  takeCoverage(): Record<string, Record<string, number>> {
    const c = this.coverage;
    this.coverage = {};
    return c;
  }

  /** Deploys and wires a scenario's components on both stacks at the time origin. */
  async setup(s: Scenario): Promise<{ evm: DeployedComponent[]; wasm: DeployedComponent[] }> {
    await this.reset();
    await this.clock.set(this.spec.timeOrigin);
    const names = actorNames(s);
    for (const [i, n] of names.entries()) {
      const [e, w] = await Promise.all([this.evmStack.account(i, n), this.wasmStack.account(i, n)]);
      this.evmStack.bind(`@${n}`, e);
      this.wasmStack.bind(`@${n}`, w);
    }
    const evmDeployed = await this.evmStack.deploy(s.components, s.init);
    const wasmDeployed = await this.wasmStack.deploy(s.components, s.init);
    for (const c of s.components) {
      this.evmStack.bind(`@@${c}`, this.evmStack.addressOf(c));
      this.wasmStack.bind(`@@${c}`, this.wasmStack.addressOf(c));
    }
    this.deployedNames = [...s.components];
    const setupSteps: { on: string; call: string; args: Record<string, unknown> }[] = wiringSteps(
      this.spec,
      s.components,
    );
    for (const [actor, byComponent] of Object.entries(s.actors)) {
      for (const [c, roles] of Object.entries(byComponent)) {
        for (const r of roles) {
          if (actor === "admin" && r === "ADMIN") continue;
          const op = this.spec.component(c).operation("grantRole");
          setupSteps.push({ on: c, call: "grantRole", args: { [op.args[0].name]: r, [op.args[1].name]: `@${actor}` } });
        }
      }
    }
    for (const st of setupSteps) {
      const op = this.spec.component(st.on).operation(st.call);
      const [e, w] = await Promise.all([
        this.evmStack.execute(st.on, op, st.args, "@admin"),
        this.wasmStack.execute(st.on, op, st.args, "@admin"),
      ]);
      for (const [stack, o] of [
        ["EVM", e],
        ["CosmWasm", w],
      ] as const) {
        if (o.status === "error") {
          throw new Error(
            `setup ${st.on}.${st.call}(${stableJson(st.args)}) failed on ${stack}: ${o.name ?? o.detail ?? o.code}`,
          );
        }
      }
    }
    return { evm: evmDeployed, wasm: wasmDeployed };
  }

  /** Runs one scenario on both stacks. Never throws for a scenario's own failures. */
  async run(s: Scenario): Promise<ScenarioResult> {
    const res: ScenarioResult = {
      name: s.name,
      file: s.file,
      verdict: "passed",
      stepsRun: 0,
      compared: 0,
      expectationFailures: [],
      deployed: { evm: [], wasm: [] },
      coverage: {},
    };
    try {
      res.deployed = await this.setup(s);
    } catch (err) {
      res.verdict = "error";
      res.error = `setup: ${(err as Error).message}`;
      if (err instanceof MissingArtifactError) res.missingArtifact = { stack: err.stack, component: err.component };
      return res;
    }
    try {
      for (const [i, step] of s.steps.entries()) {
        const { evm, wasm } = await this.step(step);
        res.stepsRun += 1;
        res.compared += 1;
        this.onStep?.(s.name, i, s.steps.length);
        const a = stableJson(comparable(evm));
        const b = stableJson(comparable(wasm));
        if (a !== b) {
          res.verdict = "diverged";
          res.divergence = {
            scenario: s.name,
            stepIndex: i,
            step,
            evm,
            wasm,
            diff: readableDiff(JSON.parse(a), JSON.parse(b), this.sides),
          };
          break;
        }
        if (step.expect) {
          const msg = this.checkExpect(step, evm);
          if (msg) res.expectationFailures.push({ stepIndex: i, step, message: msg });
        }
      }
      if (res.verdict === "passed") {
        const [evm, wasm] = await Promise.all([this.fullState(this.evmStack), this.fullState(this.wasmStack)]);
        const a = stableJson(evm);
        const b = stableJson(wasm);
        if (a !== b) {
          res.verdict = "diverged";
          res.divergence = {
            scenario: s.name,
            stepIndex: s.steps.length,
            step: { setup: "final full state digest" },
            evm: { status: "ok", code: null, name: null, result: evm, events: {} },
            wasm: { status: "ok", code: null, name: null, result: wasm, events: {} },
            diff: readableDiff(JSON.parse(a), JSON.parse(b), this.sides),
          };
        }
      }
      if (res.verdict === "passed" && res.expectationFailures.length > 0) res.verdict = "expectation-failed";
    } catch (err) {
      res.verdict = "error";
      res.error = `step ${res.stepsRun}: ${(err as Error).message}`;
    }
    res.coverage = this.coverage;
    return res;
  }

  /** One step on both stacks at its time: the normalized results. */
  async step(step: ScenarioStep): Promise<{ evm: NormalizedStep; wasm: NormalizedStep }> {
    this.reads = [new Map(), new Map()];
    await this.clock.set(this.spec.timeOrigin + step.at);
    const c = this.spec.component(step.on);
    const op = c.operation(step.call ?? step.query ?? "");
    const args = step.args ?? {};
    this.pool.addAll(args);
    let e: Outcome;
    let w: Outcome;
    if (step.call !== undefined) {
      const who = `@${step.as}`;
      [e, w] = await Promise.all([
        this.evmStack.execute(step.on, op, args, who),
        this.wasmStack.execute(step.on, op, args, who),
      ]);
    } else {
      [e, w] = await Promise.all([this.evmStack.query(step.on, op, args), this.wasmStack.query(step.on, op, args)]);
    }
    this.record(step.on, op, e);
    // Keys a later query may need (a token id returned by issue, …).
    if (e.result && typeof e.result === "object" && !Array.isArray(e.result)) this.pool.addAll(e.result);
    const touched = [...new Set([step.on, ...Object.keys(e.events), ...Object.keys(w.events)])];
    const [es, ws] =
      this.digestMode === "none" || step.query !== undefined
        ? [{}, {}]
        : await Promise.all([this.state(this.evmStack, touched, args), this.state(this.wasmStack, touched, args)]);
    return {
      evm: { ...e, state: es, digest: sha256(stableJson(es)) },
      wasm: { ...w, state: ws, digest: sha256(stableJson(ws)) },
    };
  }

  private record(on: string, op: SpecOperation, o: Outcome): void {
    const bump = (comp: string, label: string) => {
      const m = (this.coverage[comp] ??= {});
      m[label] = (m[label] ?? 0) + 1;
    };
    bump(on, `${op.name}:${o.status}${o.code !== null ? `:${o.code}` : ""}`);
    for (const [comp, evs] of Object.entries(o.events)) {
      const c = this.spec.component(comp);
      for (const ev of evs) {
        const spec = c.events.find((x) => x.name === ev.name);
        const from = spec?.fields.find((f) => f.name === "from");
        const to = spec?.fields.find((f) => f.name === "to");
        if (from && to && c.isEnum(from.type)) {
          const names = c.enums[from.type];
          const nameOf = (v: Canon) => Object.keys(names).find((k) => String(names[k]) === v) ?? stableJson(v);
          const why = spec?.fields.find((f) => f.name === "reason" || f.name === "cause");
          const whyName =
            why && c.isEnum(why.type)
              ? (Object.keys(c.enums[why.type]).find((k) => String(c.enums[why.type][k]) === ev.fields[why.name]) ?? "")
              : "";
          bump(comp, `${ev.name} ${nameOf(ev.fields.from)}→${nameOf(ev.fields.to)}${whyName ? ` (${whyName})` : ""}`);
        } else {
          bump(comp, `event ${ev.name}`);
        }
      }
    }
  }

  /** The queries of a component that can be asked with the keys available. */
  private queriesOf(
    c: Component,
    keys: (name: string) => unknown[],
  ): { op: SpecOperation; args: Record<string, unknown> }[] {
    const out: { op: SpecOperation; args: Record<string, unknown> }[] = [];
    for (const op of c.operations) {
      // A query of one stack only (the CosmWasm holders' table) has nothing to compare.
      if (op.kind !== "query" || (op.stacks !== undefined && op.stacks.length < 2)) continue;
      let combos: Record<string, unknown>[] = [{}];
      for (const a of op.args) {
        const vals = keys(a.name).filter((v) => {
          try {
            canonFromScenario(c, a.type, v);
            return true;
          } catch {
            return false;
          }
        });
        combos = combos.flatMap((combo) => vals.map((v) => ({ ...combo, [a.name]: v })));
      }
      for (const args of combos) out.push({ op, args });
    }
    return out;
  }

  /**
   * The components' state, every query of every component in one `queryMany` per stack (one
   * engine request). The answers are kept as the reads after the step (`readAfterStep`).
   */
  private async stateOf(
    stack: Stack,
    names: readonly string[],
    keys: (name: string) => unknown[],
  ): Promise<Record<string, Record<string, Canon>>> {
    const qs = names.flatMap((name) => {
      const c = this.spec.component(name);
      return this.queriesOf(c, keys).map((q) => ({ on: name, ...q }));
    });
    const answers = await stack.queryMany(qs);
    const out: Record<string, Record<string, Canon>> = {};
    for (const name of names) out[name] = {};
    const reads = new Map<string, Outcome>();
    qs.forEach((q, i) => {
      const a = answers[i];
      out[q.on][`${q.op.name}${q.op.args.length ? stableJson(q.args) : ""}`] =
        a.status === "error" ? { error: a.code === null ? "uncoded" : String(a.code) } : a.result;
      reads.set(readKey(q.on, q.op.name, q.args), a);
    });
    this.reads[stack === this.evmStack ? 0 : 1] = reads;
    this.readsAt = this.clock.now;
    return out;
  }

  /**
   * What `stack.query(on, query, args)` answered in the state digest of the last step, on
   * the same state (nothing ran since); undefined when the digest did not ask it. The
   * invariants read these instead of asking again.
   */
  readAfterStep(stack: Stack, on: string, query: string, args: Record<string, unknown>): Outcome | undefined {
    // A query's answer depends on the block time too (windows, cooldowns).
    if (this.readsAt === undefined || this.readsAt !== this.clock.now) return undefined;
    return this.reads[stack === this.evmStack ? 0 : 1].get(readKey(on, query, args));
  }

  /** The touched components' state, queried with the step's own keys (and role/account pairs for role steps). */
  private async state(
    stack: Stack,
    touched: string[],
    args: Record<string, unknown>,
  ): Promise<Record<string, Record<string, Canon>>> {
    const local = new KeyPool();
    local.addAll(args);
    if ("callerConfirmation" in args) local.add("account", args.callerConfirmation);
    const keys = this.digestMode === "full" ? (n: string) => this.fullKeys(n) : (n: string) => local.values(n);
    return this.stateOf(stack, touched, keys);
  }

  private fullKeys(name: string): unknown[] {
    if (name === "role") return [...this.spec.roles.keys()];
    if (name === "account" || name === "owner") return this.book.refs().filter((r) => !r.startsWith("@@"));
    return this.pool.values(name);
  }

  /** Every deployed component's state over every key seen in the scenario. */
  async fullState(stack: Stack): Promise<Record<string, Record<string, Canon>>> {
    return this.stateOf(stack, this.deployedNames, (n) => this.fullKeys(n));
  }

  /** A step's `expect` against the (agreed) outcome; a message when it does not hold. */
  checkExpect(step: ScenarioStep, got: Outcome): string | undefined {
    const ex = step.expect;
    if (!ex) return undefined;
    const c = this.spec.component(step.on);
    if (ex.error) {
      if (got.status !== "error") return `expected error ${ex.error.code} ${ex.error.name ?? ""}, got ${got.status}`;
      if (got.code !== ex.error.code)
        return `expected error ${ex.error.code}, got ${got.code ?? "an uncoded error"} ${got.name ?? got.detail ?? ""}`;
      return undefined;
    }
    if (got.status === "error") return `expected success, got error ${got.code} ${got.name ?? got.detail ?? ""}`;
    const op = c.operation(step.call ?? step.query ?? "");
    if (ex.result) {
      const returns = op.returns ?? [];
      let want: Canon;
      if (returns.length === 1 && c.isStruct(returns[0].type)) {
        const inner =
          returns[0].name in ex.result && !c.types[returns[0].type].some((f) => f.name === returns[0].name)
            ? ex.result[returns[0].name]
            : ex.result;
        want = canonFromScenario(c, returns[0].type, inner);
      } else {
        const w: Record<string, Canon> = {};
        for (const [k, v] of Object.entries(ex.result)) {
          const r = returns.find((x) => x.name === k);
          if (!r) return `expect.result.${k}: ${op.name} returns no ${k}`;
          w[k] = canonFromScenario(c, r.type, v);
        }
        want = w;
      }
      const gotResult = (got.result ?? {}) as Record<string, Canon>;
      for (const [k, v] of Object.entries(want as Record<string, Canon>)) {
        if (stableJson(gotResult[k]) !== stableJson(v)) {
          return `result.${k}: expected ${stableJson(v)}, got ${stableJson(gotResult[k])}`;
        }
      }
    }
    if (step.call !== undefined) {
      const want: Record<string, { name: string; fields: Record<string, Canon> }[]> = {};
      for (const e of ex.events ?? []) {
        const on = e.on ?? step.on;
        const comp = this.spec.component(on);
        const ev = comp.events.find((x) => x.name === e.name);
        if (!ev) return `expect.events: ${on} has no event ${e.name}`;
        const fields: Record<string, Canon> = {};
        for (const f of ev.fields)
          if (f.name in e.fields) fields[f.name] = canonFromScenario(comp, f.type, e.fields[f.name]);
        (want[on] ??= []).push({ name: e.name, fields });
      }
      const a = stableJson(want);
      const b = stableJson(got.events);
      if (a !== b) return `events differ from the expectation:\n${readableDiff(want, got.events, ["expected", "got"])}`;
    }
    return undefined;
  }
}
