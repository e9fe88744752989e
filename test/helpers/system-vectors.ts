import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { expect } from "chai";
import { ethers } from "hardhat";
import type { BaseContract, ContractTransactionResponse, Interface, TransactionReceipt } from "ethers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";

import {
  decodeRevert,
  fromEvm,
  fromJson,
  revertDataOf,
  toEvmArg,
  type Canonical,
  type Component,
  type Spec,
  type SpecField,
} from "../../src/spec";
import { CALL_GAS_LIMIT, mineAt, receiptOf, returnValueOf, setNextTimestamp } from "./chain";
import { proxyFor } from "./deploy";

/** A system vector (spec/schema/system-vector.schema.json, spec/vectors/README.md "System vectors"). */
export interface SystemVector {
  name: string;
  system: true;
  description?: string;
  components?: string[];
  init?: Record<string, Record<string, unknown>>;
  actors: Record<string, Record<string, string[]>>;
  steps: SystemStep[];
}

export interface SystemStep {
  at: number;
  note?: string;
  on: string;
  as?: string;
  call?: string;
  query?: string;
  args?: Record<string, unknown>;
  expect?: {
    result?: Record<string, unknown>;
    events?: { on: string; name: string; fields: Record<string, unknown> }[];
    error?: { code: number; name: string };
  };
}

const ROOT = path.resolve(__dirname, "..", "..");
export const SYSTEM_VECTOR_DIR = path.join(ROOT, "spec", "vectors", "system");

/** Every file of spec/vectors/system, parsed (or with its parse error). */
export function discoverSystemVectors(): { file: string; data?: SystemVector; parseError?: string }[] {
  let names: string[];
  try {
    names = readdirSync(SYSTEM_VECTOR_DIR).filter((f) => f.endsWith(".json"));
  } catch {
    return [];
  }
  return names.sort().map((f) => {
    const file = path.relative(ROOT, path.join(SYSTEM_VECTOR_DIR, f));
    try {
      return { file, data: JSON.parse(readFileSync(path.join(SYSTEM_VECTOR_DIR, f), "utf8")) as SystemVector };
    } catch (err) {
      return { file, parseError: (err as Error).message };
    }
  });
}

type Contract = BaseContract & { interface: Interface };

/** The seven components in deployment order. */
export const SYSTEM_COMPONENTS = [
  "RateLimiter",
  "CircuitBreaker",
  "ANSStateManager",
  "AfferentInbox",
  "VagalBrake",
  "CapabilityIssuer",
  "ReflexArc",
] as const;

function initArg(c: Component, arg: SpecField, init: Record<string, unknown>): unknown {
  const given = init[arg.name];
  if (!c.isStruct(arg.type)) {
    if (given === undefined) throw new Error(`init.${c.name}.${arg.name} missing`);
    return given;
  }
  const obj = { ...((given ?? {}) as Record<string, unknown>) };
  for (const f of c.types[arg.type]) {
    if (!(f.name in obj)) {
      const param = c.params[f.name];
      if (!param) throw new Error(`init.${c.name}.${arg.name}.${f.name} missing and the spec has no default`);
      obj[f.name] = param.default;
    }
  }
  return obj;
}

function resultOf(c: Component, returns: SpecField[], values: unknown[], address: (a: string) => string): Canonical {
  if (returns.length === 1 && c.isStruct(returns[0].type)) return fromEvm(c, returns[0].type, values[0], { address });
  const out: Record<string, Canonical> = {};
  returns.forEach((r, i) => {
    out[r.name] = fromEvm(c, r.type, values[i], { address }, r.optional === true);
  });
  return out;
}

function expectedResult(c: Component, returns: SpecField[], result: Record<string, unknown>): Canonical {
  if (returns.length === 1 && c.isStruct(returns[0].type)) return fromJson(c, returns[0].type, result);
  const out: Record<string, Canonical> = {};
  const extra = Object.keys(result).filter((k) => !returns.some((r) => r.name === k));
  if (extra.length > 0) throw new Error(`result has unknown member(s) ${extra.join(", ")}`);
  for (const r of returns) {
    if (!(r.name in result)) throw new Error(`result lacks ${r.name}`);
    out[r.name] = fromJson(c, r.type, result[r.name], {}, r.optional === true);
  }
  return out;
}

/**
 * Runs one system vector on Hardhat's EVM: fresh proxies over shared implementations, each
 * initialized by `admin`, the standard wiring among the deployed components, the actors'
 * grants, then every step at timeOrigin + at. Events are compared per emitting contract, in
 * order (safety-core.md §0: the interleaving of different contracts is not specified).
 */
export async function runSystemVector(
  spec: Spec,
  v: SystemVector,
  implementations: Map<string, string>,
  signers: HardhatEthersSigner[],
): Promise<void> {
  const present = SYSTEM_COMPONENTS.filter((n) => (v.components ?? SYSTEM_COMPONENTS).includes(n));

  // Actors: admin first, then the others in the order written, then names only steps use.
  const names = ["admin", ...Object.keys(v.actors).filter((n) => n !== "admin")];
  const scan = (x: unknown): void => {
    if (typeof x === "string" && x.startsWith("@") && !x.startsWith("@@") && !names.includes(x.slice(1)))
      names.push(x.slice(1));
    else if (Array.isArray(x)) x.forEach(scan);
    else if (x && typeof x === "object") Object.values(x).forEach(scan);
  };
  for (const s of v.steps) {
    if (s.as && !names.includes(s.as)) names.push(s.as);
    scan(s.args);
  }
  if (names.length > signers.length) throw new Error(`vector needs ${names.length} accounts`);
  const actors = new Map(names.map((n, i) => [n, signers[i]]));
  const admin = signers[0];

  const contracts = new Map<string, Contract>();
  const addressOf = new Map<string, string>();
  for (const name of present) {
    const c = spec.component(name);
    const init = c.operation("initialize");
    const args = init.args.map((a) =>
      a.name === "admin" ? admin.address : toEvmArg(c, a.type, initArg(c, a, v.init?.[name] ?? {})),
    );
    const impl = implementations.get(name);
    if (!impl) throw new Error(`no implementation of ${name}`);
    const contract = await proxyFor<Contract>(c.evmContract, impl, args, admin);
    contracts.set(name, contract);
    addressOf.set(name, await contract.getAddress());
  }

  const byAddress = new Map<string, string>();
  for (const [n, s] of actors) byAddress.set(s.address.toLowerCase(), `@${n}`);
  for (const [n, a] of addressOf) byAddress.set(a.toLowerCase(), `@@${n}`);
  const address = (a: string) => byAddress.get(a.toLowerCase()) ?? a;
  const resolveAddress = (ref: string) => {
    if (ref.startsWith("@@")) {
      const a = addressOf.get(ref.slice(2));
      if (!a) throw new Error(`${ref} is not deployed in this vector`);
      return a;
    }
    const s = actors.get(ref.slice(1));
    if (!s) throw new Error(`unknown actor ${ref}`);
    return s.address;
  };

  const send = async (name: string, fn: string, args: unknown[]) => {
    const c = contracts.get(name) as Contract;
    const f = c.connect(admin).getFunction(fn) as unknown as (...a: unknown[]) => Promise<ContractTransactionResponse>;
    await receiptOf(await f(...args));
  };
  const role = (key: string) => spec.role(key).evmId;
  const has = (n: string) => contracts.has(n);
  const at = (n: string) => addressOf.get(n) as string;

  // Standard wiring among the deployed components (README "System vectors").
  if (
    ["ANSStateManager", "AfferentInbox", "VagalBrake", "CircuitBreaker", "RateLimiter", "CapabilityIssuer"].every(has)
  ) {
    await send("CapabilityIssuer", "setLinks", [
      [at("ANSStateManager"), at("AfferentInbox"), at("VagalBrake"), at("CircuitBreaker"), at("RateLimiter")],
    ]);
  }
  if (has("ReflexArc")) {
    if (has("ANSStateManager")) await send("ANSStateManager", "setReflexArc", [at("ReflexArc")]);
    if (has("AfferentInbox")) await send("AfferentInbox", "setReflexArc", [at("ReflexArc")]);
    if (has("CapabilityIssuer")) await send("ReflexArc", "setIssuer", [at("CapabilityIssuer")]);
  }
  if (has("CapabilityIssuer")) {
    if (has("RateLimiter")) await send("RateLimiter", "grantRole", [role("CONSUMER"), at("CapabilityIssuer")]);
    if (has("CircuitBreaker")) {
      await send("CircuitBreaker", "grantRole", [role("CONSUMER"), at("CapabilityIssuer")]);
      await send("CircuitBreaker", "grantRole", [role("REPORTER"), at("CapabilityIssuer")]);
    }
    if (has("ReflexArc")) await send("CapabilityIssuer", "grantRole", [role("REVOKER"), at("ReflexArc")]);
  }
  if (has("ReflexArc")) {
    if (has("ANSStateManager")) await send("ReflexArc", "grantRole", [role("NOTIFIER"), at("ANSStateManager")]);
    if (has("AfferentInbox")) await send("ReflexArc", "grantRole", [role("NOTIFIER"), at("AfferentInbox")]);
  }
  for (const [actor, grants] of Object.entries(v.actors)) {
    for (const [component, roles] of Object.entries(grants)) {
      if (!has(component)) throw new Error(`actors.${actor}: ${component} is not deployed`);
      for (const key of roles) {
        if (actor === "admin" && key === "ADMIN") continue;
        await send(component, "grantRole", [role(key), resolveAddress(`@${actor}`)]);
      }
    }
  }

  for (const [i, step] of v.steps.entries()) {
    const label = `step ${i} (at +${step.at}${step.as ? `, ${step.as}` : ""}: ${step.on}.${step.call ?? step.query}${step.note ? ` — ${step.note}` : ""})`;
    try {
      await runStep(step, spec.timeOrigin + step.at);
    } catch (err) {
      (err as Error).message = `${v.name} ${label}: ${(err as Error).message}`;
      throw err;
    }
  }

  /** Events of every deployed contract in `receipt`, grouped by component, in order. */
  function eventsByComponent(receipt: TransactionReceipt): Record<string, Canonical[]> {
    const out: Record<string, Canonical[]> = {};
    for (const log of receipt.logs) {
      const name = byAddress.get(log.address.toLowerCase());
      if (!name?.startsWith("@@")) throw new Error(`log from an unknown address ${log.address}`);
      const component = name.slice(2);
      const c = spec.component(component);
      const contract = contracts.get(component) as Contract;
      const parsed = contract.interface.parseLog({ topics: [...log.topics], data: log.data });
      if (!parsed) throw new Error(`undecodable log of ${component}: ${log.topics[0]}`);
      const ev = c.event(parsed.name);
      const fields: Record<string, Canonical> = {};
      ev.fields.forEach((f, k) => {
        fields[f.name] = fromEvm(c, f.type, parsed.args[k], { address }, f.optional === true);
      });
      (out[component] ??= []).push({ name: ev.name, fields });
    }
    return out;
  }

  function expectError(err: unknown, want: { code: number; name: string }, stepComponent: string): void {
    const data = revertDataOf(err);
    // The step's own component first: a callee's error bubbles up with its own selector.
    const order = [stepComponent, ...present.filter((n) => n !== stepComponent)];
    const decoded = data ? order.map((n) => decodeRevert(spec.component(n), data)).filter((d) => d !== undefined) : [];
    const got = decoded.map((d) => `${d.code} ${d.name}`);
    if (got.length === 0)
      expect.fail(`expected ${want.name} (${want.code}), got an error no spec component knows: ${String(err)}`);
    expect(got, "error").to.include(`${want.code} ${want.name}`);
  }

  async function runStep(step: SystemStep, t: number): Promise<void> {
    const c = spec.component(step.on);
    const contract = contracts.get(step.on);
    if (!contract) throw new Error(`${step.on} is not deployed in this vector`);
    const op = c.operation(step.call ?? step.query ?? "");
    const args = op.args.map((a) => {
      const given = (step.args ?? {})[a.name];
      if (given === undefined) throw new Error(`argument ${a.name} missing`);
      return toEvmArg(c, a.type, given, { resolveAddress });
    });
    const returns = op.returns ?? [];
    const want = step.expect ?? {};

    if (step.query !== undefined) {
      const blockTag = await mineAt(t);
      let values: unknown[];
      try {
        values = [...((await contract.getFunction(op.name).staticCallResult(...args, { blockTag })) as unknown[])];
      } catch (err) {
        if (want.error) return expectError(err, want.error, step.on);
        throw err;
      }
      if (want.error) expect.fail(`expected ${want.error.name} (${want.error.code}), the query returned`);
      if (want.result) {
        expect(resultOf(c, returns, values, address), "query result").to.deep.equal(
          expectedResult(c, returns, want.result),
        );
      }
      return;
    }

    const signer = actors.get(step.as ?? "");
    if (!signer) throw new Error(`unknown actor ${step.as}`);
    await setNextTimestamp(t);
    let tx: ContractTransactionResponse;
    try {
      const fn = contract.connect(signer).getFunction(op.name) as unknown as (
        ...a: unknown[]
      ) => Promise<ContractTransactionResponse>;
      tx = await fn(...args, { gasLimit: CALL_GAS_LIMIT });
      await tx.wait();
    } catch (err) {
      if (want.error) return expectError(err, want.error, step.on);
      const data = revertDataOf(err) ?? "0x";
      const decoded = present.map((n) => decodeRevert(spec.component(n), data)).find((d) => d !== undefined);
      throw new Error(`expected success, reverted ${decoded ? `${decoded.name} (${decoded.code})` : String(err)}`);
    }
    if (want.error) expect.fail(`expected ${want.error.name} (${want.error.code}), the call succeeded`);
    const receipt = await receiptOf(tx);
    const block = await ethers.provider.getBlock(receipt.blockNumber);
    expect(block?.timestamp, "block time of the call").to.equal(t);

    const got = eventsByComponent(receipt);
    const expected: Record<string, Canonical[]> = {};
    for (const e of want.events ?? []) {
      const ec = spec.component(e.on);
      const ev = ec.event(e.name);
      const extra = Object.keys(e.fields).filter((k) => !ev.fields.some((f) => f.name === k));
      if (extra.length > 0) throw new Error(`${e.on}.${e.name}: unknown field(s) ${extra.join(", ")}`);
      const fields: Record<string, Canonical> = {};
      for (const f of ev.fields) {
        if (!(f.name in e.fields)) throw new Error(`${e.on}.${e.name}: missing field ${f.name}`);
        fields[f.name] = fromJson(ec, f.type, e.fields[f.name], {}, f.optional === true);
      }
      (expected[e.on] ??= []).push({ name: e.name, fields });
    }
    expect(got, "events per contract").to.deep.equal(expected);

    if (want.result) {
      const values = await returnValueOf(contract.interface, op.name, tx.hash);
      expect(resultOf(c, returns, values, address), "return value").to.deep.equal(
        expectedResult(c, returns, want.result),
      );
    }
  }
}
