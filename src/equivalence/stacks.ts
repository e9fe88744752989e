import { existsSync } from "node:fs";
import path from "node:path";

import { keccak256 } from "ethers";

import type { SharedClock } from "../chains/clock";
import { deployUupsProxy, readEvmArtifact, type RpcEvmChain } from "../chains/evm";
import type { QueryBatchAnswer } from "../chains/wasm";
import {
  EvmChainError,
  WasmChainError,
  type ChainEvent,
  type EvmChain,
  type EvmEvent,
  type WasmChain,
} from "../chains/types";
import { decodeRevert, type Component, type Spec, type SpecField, type SpecOperation } from "../spec";
import { fromEvm, fromWasm, snakeCase, toEvm, toWasm, type AddressBook, type Canon } from "./canon";

/** The stack-neutral outcome of one call or query (spec/scenarios.md "Normalization"). */
export interface Outcome {
  /** `ok`, `denied` (a policy denial: the call succeeded and recorded a denial code), `error` (reverted). */
  status: "ok" | "denied" | "error";
  /** The spec code of the denial or error; null when the failure carries none. */
  code: number | null;
  /** The spec name of the error (or denial). */
  name: string | null;
  /** The return value with spec names (null for none and for errors). */
  result: Canon | null;
  /** Protocol events per emitting component, in emission order. */
  events: Record<string, { name: string; fields: Record<string, Canon> }[]>;
  /** Not compared: the raw failure text, for humans. */
  detail?: string;
}

export type StackName = "evm" | "wasm";

/** One deployed component on one stack. */
export interface DeployedComponent {
  component: string;
  address: string;
  /** EVM: keccak-256 of the artifact's runtime bytecode; CosmWasm: sha256 of the wasm. */
  artifactHash: string;
  artifact: string;
}

/** Where the CosmWasm artifacts are (`scripts/build-wasm.sh` writes them). */
export function defaultWasmArtifactsDir(): string {
  return path.resolve(__dirname, "..", "..", "artifacts", "wasm");
}

/** `vagus-rate-limiter` → `rate_limiter.wasm` (the crate's lib name without the prefix). */
export function wasmArtifactName(wasmContract: string): string {
  return `${wasmContract.replace(/^vagus-/, "").replace(/-/g, "_")}.wasm`;
}

/** A missing artifact: the scenario cannot run, and says which build or merge it needs. */
export class MissingArtifactError extends Error {
  constructor(
    readonly stack: StackName,
    readonly component: string,
    message: string,
  ) {
    super(message);
    this.name = "MissingArtifactError";
  }
}

/** The result object of an operation (spec/README.md "Return values"), from per-return values. */
export function resultObject(
  c: Component,
  returns: SpecField[],
  value: (r: SpecField, i: number) => Canon,
): Canon | null {
  if (returns.length === 0) return null;
  if (returns.length === 1 && c.isStruct(returns[0].type)) return value(returns[0], 0);
  const out: Record<string, Canon> = {};
  returns.forEach((r, i) => (out[r.name] = value(r, i)));
  return out;
}

/** Denial: a successful call whose events carry a spec denial code of their component. */
function classify(
  spec: Spec,
  called: string,
  events: Outcome["events"],
  result: Canon | null,
): Pick<Outcome, "status" | "code" | "name"> {
  // A denial code may belong to another component than the emitter's (the issuer reports
  // the brake's 6100/6101), so codes are looked up in the whole spec.
  const denialByCode = (code: number) => {
    for (const comp of spec.components.values()) {
      const d = comp.denialByCode(code);
      if (d) return d;
    }
    return undefined;
  };
  const denialOf = (evs: Outcome["events"][string]) => {
    for (const e of evs) {
      const code = e.fields.code;
      if (typeof code === "string" && code !== "0") {
        const d = denialByCode(Number(code));
        if (d) return d;
      }
    }
    return undefined;
  };
  const d =
    (events[called] ? denialOf(events[called]) : undefined) ??
    Object.values(events)
      .map((evs) => denialOf(evs))
      .find((x) => x !== undefined);
  const r = result as Record<string, Canon> | null;
  const refused = r !== null && typeof r === "object" && (r.allowed === false || r.issued === false);
  if (d && (refused || r === null || !("allowed" in r || "issued" in r))) {
    return { status: "denied", code: d.code, name: d.name };
  }
  return { status: "ok", code: null, name: null };
}

/**
 * One protocol event in the stack-neutral form (spec/scenarios.md "Normalization"): the
 * emitting component (by its `@@Component` entry in the address book), the spec event name
 * and its fields as canonical values. The equivalence runner compares these; the monitoring
 * exporter counts them, so a metric means the same on both chains.
 */
export interface NormalizedEvent {
  component: string;
  /** The spec name; `?<type>` for a CosmWasm event of a known component the spec lacks. */
  name: string;
  fields: Record<string, Canon>;
}

/**
 * A decoded EVM log as a normalized event; undefined when the emitter is not a component
 * of the book, the log is not decoded, or the event exists on the EVM only (Initialized,
 * Upgraded, …).
 */
export function normalizeEvmEvent(spec: Spec, book: AddressBook, e: EvmEvent): NormalizedEvent | undefined {
  const ref = book.refOfEvm(e.address);
  if (!ref?.startsWith("@@") || e.name === undefined) return undefined;
  const comp = spec.component(ref.slice(2));
  const ev = comp.events.find((x) => x.name === e.name);
  if (!ev || (ev.stacks && !ev.stacks.includes("wasm"))) return undefined;
  const fields: Record<string, Canon> = {};
  // A field of one stack only (the timelock's `data` / `call`) still takes its place in the
  // EVM log, but is not part of the stack-neutral form.
  ev.fields
    .filter((f) => !f.stacks || f.stacks.includes("evm"))
    .forEach((f, i) => {
      if (!f.stacks || f.stacks.includes("wasm")) fields[f.name] = fromEvm(comp, f.type, e.values[i], book);
    });
  return { component: comp.name, name: ev.name, fields };
}

/**
 * A CosmWasm `wasm-<type>` event as a normalized event; undefined when it is not a custom
 * event of a component of the book, or exists on CosmWasm only.
 */
export function normalizeWasmEvent(spec: Spec, book: AddressBook, e: ChainEvent): NormalizedEvent | undefined {
  if (!e.type.startsWith("wasm-")) return undefined;
  const addr = e.attributes.find((a) => a.key === "_contract_address")?.value;
  const ref = addr === undefined ? undefined : book.refOfWasm(addr);
  if (!ref?.startsWith("@@")) return undefined;
  const comp = spec.component(ref.slice(2));
  const type = e.type.slice("wasm-".length);
  const ev = comp.events.find((x) => snakeCase(x.name) === type);
  if (!ev) return { component: comp.name, name: `?${type}`, fields: {} };
  if (ev.stacks && !ev.stacks.includes("evm")) return undefined;
  const fields: Record<string, Canon> = {};
  for (const f of ev.fields) {
    if (f.stacks && !f.stacks.includes("evm")) continue; // CosmWasm-only field (see normalizeEvmEvent)
    const attr = e.attributes.find((a) => a.key === snakeCase(f.name));
    fields[f.name] = attr === undefined ? null : fromWasm(comp, f.type, attr.value, book, f.optional === true);
  }
  return { component: comp.name, name: ev.name, fields };
}

/** What both stacks' runners share: deployments, spec lookups, the address book. */
export interface Stack {
  readonly name: StackName;
  /** Deploys every component of a scenario, initialized by `@admin`; returns them. */
  deploy(components: string[], init: Record<string, Record<string, unknown>>): Promise<DeployedComponent[]>;
  /** Runs an execute as `actorRef` (`@name`). */
  execute(on: string, op: SpecOperation, args: Record<string, unknown>, actorRef: string): Promise<Outcome>;
  /** Runs a query at the clock's time. */
  query(on: string, op: SpecOperation, args: Record<string, unknown>): Promise<Outcome>;
  /** Runs several queries at the clock's time, on the same state: what `query` answers for each, in order. */
  queryMany(queries: readonly StackQuery[]): Promise<Outcome[]>;
  /** The account of an actor on this stack (for the address book). */
  account(index: number, name: string): Promise<string>;
  /** Records `ref` (`@actor`, `@@Component`) → this stack's address in the address book. */
  bind(ref: string, address: string): void;
  /** The address of a deployed component. */
  addressOf(component: string): string;
  /** Forgets deployments and codes (after the chain was restored to before them). */
  readonly chain: { snapshot(): Promise<number>; restore(id: number): Promise<void>; readonly backend: string };
}

/** One query of a batch (`Stack.queryMany`). */
export interface StackQuery {
  on: string;
  op: SpecOperation;
  args: Record<string, unknown>;
}

/** Initialize arguments of a component: scenario values, struct fields defaulting to spec params. */
export function initArgs(c: Component, init: Record<string, unknown>): { arg: SpecField; value: unknown }[] {
  const op = c.operations.find((o) => o.kind === "init");
  if (!op) throw new Error(`spec: ${c.name} has no initialize`);
  return op.args
    .filter((a) => a.name !== "admin")
    .map((arg) => {
      const given = init[arg.name];
      if (!c.isStruct(arg.type)) {
        if (given === undefined) throw new Error(`${c.name}: init.${arg.name} missing and it has no default`);
        return { arg, value: given };
      }
      const obj = { ...((given ?? {}) as Record<string, unknown>) };
      for (const f of c.types[arg.type]) {
        if (!(f.name in obj)) {
          const p = c.params[f.name];
          if (p === undefined)
            throw new Error(`${c.name}: init.${arg.name}.${f.name} missing and the spec has no default`);
          obj[f.name] = p.default;
        }
      }
      return { arg, value: obj };
    });
}

function evmErrorOutcome(spec: Spec, order: string[], err: unknown, book: AddressBook): Outcome {
  if (!(err instanceof EvmChainError) || err.kind !== "revert") throw err;
  const data = err.revertData ?? "0x";
  const address = (a: string) => book.refOfEvm(a) ?? a;
  const candidates = [...order, ...[...spec.components.keys()].filter((c) => !order.includes(c))];
  for (const name of candidates) {
    const decoded = decodeRevert(spec.component(name), data, { address });
    if (decoded) return { status: "error", code: decoded.code, name: decoded.name, result: null, events: {} };
  }
  return { status: "error", code: null, name: null, result: null, events: {}, detail: `revert ${data.slice(0, 10)}` };
}

/** The EVM side: UUPS proxies over one implementation per component, on any `EvmChain`. */
export class EvmStack implements Stack {
  readonly name = "evm" as const;
  private readonly implementations = new Map<string, { address: string; hash: string }>();
  private readonly addresses = new Map<string, string>();
  private accounts: string[] | undefined;

  constructor(
    readonly chain: EvmChain,
    readonly spec: Spec,
    readonly book: AddressBook,
    readonly clock: SharedClock,
    readonly artifactsDir?: string,
    /** component → EVM contract name replacing the spec's `evmContract` (test variants). */
    readonly overrides: Readonly<Record<string, string>> = {},
  ) {}

  bind(ref: string, address: string): void {
    this.book.setEvm(ref, address);
  }

  async account(index: number): Promise<string> {
    this.accounts ??= await this.chain.accounts();
    const a = this.accounts[index];
    if (a === undefined)
      throw new Error(`EVM: the scenario needs ${index + 1} accounts, the chain has ${this.accounts.length}`);
    return a;
  }

  /** Hardhat's next-block time applies to one block: set it before every transaction. */
  private async tick(): Promise<void> {
    await this.clock.evmTick();
  }

  addressOf(component: string): string {
    const a = this.addresses.get(component);
    if (a === undefined) throw new Error(`EVM: ${component} is not deployed`);
    return a;
  }

  async deploy(components: string[], init: Record<string, Record<string, unknown>>): Promise<DeployedComponent[]> {
    const admin = this.book.evmOf("@admin");
    const out: DeployedComponent[] = [];
    for (const name of components) {
      const c = this.spec.component(name);
      const contract = this.overrides[name] ?? c.evmContract;
      let artifact;
      try {
        artifact = readEvmArtifact(contract, this.artifactsDir);
      } catch (err) {
        throw new MissingArtifactError(
          "evm",
          name,
          `${name} has no EVM artifact ${contract} (${(err as Error).message}); the Solidity contract has not ` +
            "been merged or built (npm run build:evm)",
        );
      }
      let impl = this.implementations.get(name);
      if (!impl) {
        await this.tick();
        const d = await this.chain.deploy({ artifact, from: admin });
        impl = { address: d.address, hash: keccak256(artifact.deployedBytecode) };
        this.implementations.set(name, impl);
      }
      const args = [
        admin,
        ...initArgs(c, init[name] ?? {}).map(({ arg, value }) => toEvm(c, arg.type, value, this.book)),
      ];
      await this.tick();
      const p = await deployUupsProxy(this.chain, artifact, args, admin, { implementation: impl.address });
      this.clock.forget(this.clock.now);
      this.addresses.set(name, p.proxy);
      out.push({ component: name, address: p.proxy, artifactHash: impl.hash, artifact: contract });
    }
    return out;
  }

  private events(receiptEvents: Awaited<ReturnType<EvmChain["send"]>>["events"]): Outcome["events"] {
    const out: Outcome["events"] = {};
    for (const e of receiptEvents) {
      const n = normalizeEvmEvent(this.spec, this.book, e);
      if (n) (out[n.component] ??= []).push({ name: n.name, fields: n.fields });
    }
    return out;
  }

  async execute(on: string, op: SpecOperation, args: Record<string, unknown>, actorRef: string): Promise<Outcome> {
    const c = this.spec.component(on);
    const to = this.addressOf(on);
    const values = op.args.map((a) => toEvm(c, a.type, args[a.name], this.book));
    try {
      // The chain sets the block time itself, just before sending (Hardhat's next-block
      // time holds for one block): it then knows the block's time without asking.
      const tx = await this.chain.send({
        to,
        fn: op.name,
        args: values,
        from: this.book.evmOf(actorRef),
        blockTime: this.clock.now,
      });
      this.clock.minedEvm(tx.blockNumber, tx.blockTime);
      const events = this.events(tx.events);
      const rv = tx.returnValue ?? [];
      const result = resultObject(c, op.returns ?? [], (r, i) => fromEvm(c, r.type, rv[i], this.book));
      return { ...classify(this.spec, on, events, result), result, events };
    } catch (err) {
      // A failed transaction may or may not have been mined; when its block is known, reads use it.
      const mined = err instanceof EvmChainError ? err.mined : undefined;
      if (mined) this.clock.minedEvm(mined.blockNumber, mined.blockTime);
      else this.clock.forget(this.clock.now);
      return evmErrorOutcome(this.spec, [on, ...this.addresses.keys()], err, this.book);
    }
  }

  async query(on: string, op: SpecOperation, args: Record<string, unknown>, block?: number): Promise<Outcome> {
    const c = this.spec.component(on);
    const values = op.args.map((a) => toEvm(c, a.type, args[a.name], this.book));
    const blockTag = block ?? (await this.clock.evmReadBlock());
    try {
      const out = await this.chain.call({ to: this.addressOf(on), fn: op.name, args: values, blockTag });
      const result = resultObject(c, op.returns ?? [], (r, i) => fromEvm(c, r.type, out[i], this.book));
      return { status: "ok", code: null, name: null, result, events: {} };
    } catch (err) {
      return evmErrorOutcome(this.spec, [on], err, this.book);
    }
  }

  /** One `eth_call` for the whole batch when the chain offers it (`RpcEvmChain.callMany`), pinned to one block. */
  async queryMany(queries: readonly StackQuery[]): Promise<Outcome[]> {
    if (queries.length === 0) return [];
    const block = await this.clock.evmReadBlock();
    const prepared = queries.map((q) => {
      const c = this.spec.component(q.on);
      return { c, q, values: q.op.args.map((a) => toEvm(c, a.type, q.args[a.name], this.book)) };
    });
    const outs = await this.chain.callMany(
      prepared.map(({ q, values }) => ({ to: this.addressOf(q.on), fn: q.op.name, args: values, blockTag: block })),
    );
    return outs.map((out, i) => {
      const { c, q } = prepared[i];
      if (out instanceof EvmChainError) return evmErrorOutcome(this.spec, [q.on], out, this.book);
      const result = resultObject(c, q.op.returns ?? [], (r, j) => fromEvm(c, r.type, out[j], this.book));
      return { status: "ok", code: null, name: null, result, events: {} };
    });
  }
}

/** A CosmWasm chain that answers several smart queries in one request (`EngineClient.queryBatch`). */
interface BatchQuerier {
  queryBatch(queries: readonly { contract: string; msg: unknown }[]): Promise<QueryBatchAnswer[]>;
}

/** The CosmWasm side: the compiled artifacts on any `WasmChain`. */
export class WasmStack implements Stack {
  readonly name = "wasm" as const;
  private readonly codes = new Map<string, { codeId: number; checksum: string }>();
  private readonly addresses = new Map<string, string>();

  constructor(
    readonly chain: WasmChain,
    readonly spec: Spec,
    readonly book: AddressBook,
    readonly artifactsDir: string = defaultWasmArtifactsDir(),
  ) {}

  account(_index: number, name: string): Promise<string> {
    return this.chain.addrMake(name);
  }

  bind(ref: string, address: string): void {
    this.book.setWasm(ref, address);
  }

  addressOf(component: string): string {
    const a = this.addresses.get(component);
    if (a === undefined) throw new Error(`CosmWasm: ${component} is not deployed`);
    return a;
  }

  async deploy(components: string[], init: Record<string, Record<string, unknown>>): Promise<DeployedComponent[]> {
    const admin = this.book.wasmOf("@admin");
    const out: DeployedComponent[] = [];
    for (const name of components) {
      const c = this.spec.component(name);
      const file = path.join(this.artifactsDir, wasmArtifactName(c.wasmContract));
      let code = this.codes.get(name);
      if (!code) {
        if (!existsSync(file)) {
          throw new MissingArtifactError(
            "wasm",
            name,
            `${name} has no CosmWasm artifact ${path.relative(process.cwd(), file)}; the contract ${c.wasmContract} has ` +
              "not been merged or built (npm run build:wasm)",
          );
        }
        code = await this.chain.store(file);
        this.codes.set(name, code);
      }
      const msg: Record<string, unknown> = { admin };
      for (const { arg, value } of initArgs(c, init[name] ?? {}))
        msg[snakeCase(arg.name)] = toWasm(c, arg.type, value, this.book);
      const inst = await this.chain.instantiate({ codeId: code.codeId, sender: admin, admin, msg, label: name });
      this.addresses.set(name, inst.address);
      out.push({
        component: name,
        address: inst.address,
        artifactHash: code.checksum,
        artifact: wasmArtifactName(c.wasmContract),
      });
    }
    return out;
  }

  private msgOf(c: Component, op: SpecOperation, args: Record<string, unknown>): Record<string, unknown> {
    const body: Record<string, unknown> = {};
    for (const a of op.args) body[snakeCase(a.name)] = toWasm(c, a.type, args[a.name], this.book);
    return { [snakeCase(op.name)]: body };
  }

  private events(chainEvents: ChainEvent[]): Outcome["events"] {
    const out: Outcome["events"] = {};
    for (const e of chainEvents) {
      const n = normalizeWasmEvent(this.spec, this.book, e);
      if (n) (out[n.component] ??= []).push({ name: n.name, fields: n.fields });
    }
    return out;
  }

  async execute(on: string, op: SpecOperation, args: Record<string, unknown>, actorRef: string): Promise<Outcome> {
    const c = this.spec.component(on);
    try {
      const tx = await this.chain.execute({
        contract: this.addressOf(on),
        sender: this.book.wasmOf(actorRef),
        msg: this.msgOf(c, op, args),
      });
      const events = this.events(tx.events);
      const data = (tx.data ?? {}) as Record<string, unknown>;
      const result = resultObject(c, op.returns ?? [], (r) =>
        c.isStruct(r.type) && (op.returns ?? []).length === 1
          ? fromWasm(c, r.type, data, this.book)
          : fromWasm(c, r.type, data[snakeCase(r.name)], this.book),
      );
      return { ...classify(this.spec, on, events, result), result, events };
    } catch (err) {
      return this.errorOutcome(err);
    }
  }

  async query(on: string, op: SpecOperation, args: Record<string, unknown>): Promise<Outcome> {
    const c = this.spec.component(on);
    try {
      return this.answerOutcome(c, op, await this.chain.query<unknown>(this.addressOf(on), this.msgOf(c, op, args)));
    } catch (err) {
      return this.errorOutcome(err);
    }
  }

  /** One engine request for the whole batch when the chain offers it (the embedded engine). */
  async queryMany(queries: readonly StackQuery[]): Promise<Outcome[]> {
    const batch = (this.chain as Partial<BatchQuerier>).queryBatch;
    if (batch === undefined) return Promise.all(queries.map((q) => this.query(q.on, q.op, q.args)));
    const prepared = queries.map((q) => {
      const c = this.spec.component(q.on);
      return { c, q, contract: this.addressOf(q.on), msg: this.msgOf(c, q.op, q.args) };
    });
    const answers = await batch.call(
      this.chain,
      prepared.map(({ contract, msg }) => ({ contract, msg })),
    );
    return answers.map((a, i) => {
      try {
        if (a.error) throw a.error;
        return this.answerOutcome(prepared[i].c, prepared[i].q.op, a.answer);
      } catch (err) {
        return this.errorOutcome(err);
      }
    });
  }

  private answerOutcome(c: Component, op: SpecOperation, answer: unknown): Outcome {
    const returns = op.returns ?? [];
    const result = resultObject(c, returns, (r) => {
      if (returns.length === 1 && c.isStruct(r.type)) return fromWasm(c, r.type, answer, this.book);
      const obj = answer as Record<string, unknown>;
      // A single plain value may be answered bare or wrapped under its name.
      const v =
        returns.length === 1 && (obj === null || typeof obj !== "object" || !(snakeCase(r.name) in obj))
          ? answer
          : obj[snakeCase(r.name)];
      return fromWasm(c, r.type, v, this.book);
    });
    return { status: "ok", code: null, name: null, result, events: {} };
  }

  private errorOutcome(err: unknown): Outcome {
    if (!(err instanceof WasmChainError) || err.kind === "closed") throw err;
    return {
      status: "error",
      code: err.code ?? null,
      name: err.specName ?? null,
      result: null,
      events: {},
      detail: err.message,
    };
  }
}

export type { RpcEvmChain };
