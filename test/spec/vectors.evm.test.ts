import { expect } from "chai";
import { ethers } from "hardhat";
import type { BaseContract, ContractTransactionResponse, Interface } from "ethers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";

import {
  decodeRevert,
  fromEvm,
  fromJson,
  loadSpec,
  revertDataOf,
  toEvmArg,
  type Canonical,
  type Component,
  type SpecField,
} from "../../src/spec";
import { CALL_GAS_LIMIT, mineAt, receiptOf, returnValueOf, setNextTimestamp, snapshot } from "../helpers/chain";
import { proxyFor } from "../helpers/deploy";
import { SchemaValidator } from "../../src/spec/json-schema";
import { discoverSystemVectors, runSystemVector, SYSTEM_COMPONENTS } from "../helpers/system-vectors";
import {
  discoverVectors,
  loadSystemVectorSchema,
  loadVectorSchema,
  semanticProblems,
  type Vector,
  type VectorStep,
} from "../helpers/vectors";

/**
 * Runs every conformance vector (spec/vectors/**, plus test/fixtures/vectors/**) on
 * Hardhat's EVM. Per vector: a fresh proxy over a shared implementation (chain snapshots),
 * `initialize` from `admin`, the actors' roles granted, then each step in a block whose
 * timestamp is timeOrigin + at:
 *
 * - a call is mined in its own block at that second (explicit gas limit, so a revert is a
 *   mined failure at that time, not a failed estimate); a revert is decoded through the spec
 *   (selector → error code and name); a success is compared on its return value — taken
 *   from `debug_traceTransaction` (the node re-executes the mined transaction and reports
 *   the top call's output), decoded with the ABI — and on the exact ordered list of events
 *   the contract emitted;
 * - a query first mines an empty block at that second, then reads pinned to that block,
 *   so the view sees block.timestamp == timeOrigin + at (and the state after every earlier
 *   step of the same second).
 *
 * Values are compared in one canonical form (src/spec/values.ts): integers as bigint,
 * bytes32 lowercase, addresses as @actor, roles by spec key.
 */

const spec = loadSpec();
const files = discoverVectors();
const schema = new SchemaValidator(loadVectorSchema() as Record<string, unknown>);

type Contract = BaseContract & { interface: Interface };

/** The result object of an operation's return values (spec/README.md "Return values"). */
function resultOf(c: Component, returns: SpecField[], values: unknown[], address: (a: string) => string): Canonical {
  if (returns.length === 1 && c.isStruct(returns[0].type)) {
    return fromEvm(c, returns[0].type, values[0], { address });
  }
  const out: Record<string, Canonical> = {};
  returns.forEach((r, i) => {
    out[r.name] = fromEvm(c, r.type, values[i], { address }, r.optional === true);
  });
  return out;
}

function expectedResult(c: Component, returns: SpecField[], result: Record<string, unknown>): Canonical {
  if (returns.length === 1 && c.isStruct(returns[0].type)) {
    // A single struct is returned as that struct: its fields are the result's fields.
    return fromJson(c, returns[0].type, result);
  }
  const names = returns.map((r) => r.name);
  const extra = Object.keys(result).filter((k) => !names.includes(k));
  if (extra.length > 0) throw new Error(`result has unknown member(s) ${extra.join(", ")}; spec returns ${names.join(", ")}`);
  const out: Record<string, Canonical> = {};
  for (const r of returns) {
    if (!(r.name in result)) throw new Error(`result lacks ${r.name}`);
    out[r.name] = fromJson(c, r.type, result[r.name], {}, r.optional === true);
  }
  return out;
}

function fieldsOf(c: Component, fields: SpecField[], values: Record<string, unknown>): Record<string, Canonical> {
  const extra = Object.keys(values).filter((k) => !fields.some((f) => f.name === k));
  if (extra.length > 0) throw new Error(`unknown field(s) ${extra.join(", ")}`);
  const out: Record<string, Canonical> = {};
  for (const f of fields) {
    if (!(f.name in values)) throw new Error(`missing field ${f.name}`);
    out[f.name] = fromJson(c, f.type, values[f.name], {}, f.optional === true);
  }
  return out;
}

/** The `initialize` argument `arg` from a vector's `init`; absent struct fields take the spec's param defaults. */
function initArg(c: Component, arg: SpecField, init: Record<string, unknown>): unknown {
  const given = init[arg.name];
  if (!c.isStruct(arg.type)) {
    if (given === undefined) throw new Error(`init.${arg.name} missing`);
    return given;
  }
  const obj = { ...((given ?? {}) as Record<string, unknown>) };
  for (const f of c.types[arg.type]) {
    if (!(f.name in obj)) {
      const param = c.params[f.name];
      if (!param) throw new Error(`init.${arg.name}.${f.name} missing and the spec has no default`);
      obj[f.name] = param.default;
    }
  }
  return obj;
}

describe("conformance vectors on the EVM (spec/vectors)", function () {
  this.timeout(300_000);

  let signers: HardhatEthersSigner[];
  const implementations = new Map<string, string>();
  let base: { restore(): Promise<void> };

  before(async () => {
    signers = await ethers.getSigners();
    for (const c of spec.components.values()) {
      const impl = await ethers.deployContract(c.evmContract);
      implementations.set(c.name, await impl.getAddress());
    }
    base = await snapshot();
  });

  it(`finds the vector files (${files.length} now)`, () => {
    expect(files.filter((f) => f.file.startsWith("test/fixtures")).length).to.be.greaterThan(0);
  });

  for (const { file, data, parseError } of files) {
    describe(file, () => {
      it("is well-formed (JSON, vector.schema.json, names and codes from the spec)", () => {
        if (parseError) expect.fail(`not JSON: ${parseError}`);
        const errors = schema.validate(data);
        if (errors.length > 0) expect.fail(`schema violations:\n  ${errors.join("\n  ")}`);
        const problems = semanticProblems(data as Vector);
        if (problems.length > 0) expect.fail(`spec mismatches:\n  ${problems.join("\n  ")}`);
      });

      it("every step gives the expected outcome", async () => {
        if (parseError || schema.validate(data).length > 0) expect.fail("malformed vector (see the test above)");
        await base.restore();
        await runVector(data as Vector);
      });
    });
  }

  async function runVector(v: Vector): Promise<void> {
    const c = spec.component(v.component);

    // Actors: admin first, then the others in the order written, then names that only
    // appear in steps (accounts without roles).
    const actors = new Map<string, HardhatEthersSigner>();
    const names = ["admin", ...Object.keys(v.actors).filter((n) => n !== "admin")];
    for (const s of v.steps) {
      if (s.as && !names.includes(s.as)) names.push(s.as);
      for (const value of Object.values(s.args ?? {})) {
        if (typeof value === "string" && value.startsWith("@") && !names.includes(value.slice(1))) names.push(value.slice(1));
      }
    }
    if (names.length > signers.length) throw new Error(`vector needs ${names.length} accounts, Hardhat has ${signers.length}`);
    names.forEach((n, i) => actors.set(n, signers[i]));
    const byAddress = new Map([...actors].map(([n, s]) => [s.address.toLowerCase(), `@${n}`]));
    const address = (a: string) => byAddress.get(a.toLowerCase()) ?? a;
    const resolveAddress = (ref: string) => {
      const s = actors.get(ref.slice(1));
      if (!s) throw new Error(`unknown actor ${ref}`);
      return s.address;
    };
    const admin = actors.get("admin") as HardhatEthersSigner;

    // Fresh proxy, initialized by admin; roles granted before step 0.
    const init = c.operation("initialize");
    const initArgs = init.args.map((a) =>
      a.name === "admin" ? admin.address : toEvmArg(c, a.type, initArg(c, a, v.init), { resolveAddress }),
    );
    const contract = await proxyFor<Contract>(c.evmContract, implementations.get(c.name) ?? "", initArgs, admin);
    const target = await contract.getAddress();
    for (const [name, roles] of Object.entries(v.actors)) {
      for (const key of roles) {
        if (name === "admin" && key === "ADMIN") continue;
        const fn = contract.connect(admin).getFunction("grantRole");
        await receiptOf(await fn(spec.role(key).evmId, resolveAddress(`@${name}`)));
      }
    }

    for (const [i, step] of v.steps.entries()) {
      const t = spec.timeOrigin + step.at;
      const label = `step ${i} (at +${step.at}${step.as ? `, ${step.as}` : ""}: ${step.call ?? step.query}${step.note ? ` — ${step.note}` : ""})`;
      try {
        await runStep(c, contract, target, step, t, actors, address, resolveAddress);
      } catch (err) {
        (err as Error).message = `${v.name} ${label}: ${(err as Error).message}`;
        throw err;
      }
    }
  }

  async function runStep(
    c: Component,
    contract: Contract,
    target: string,
    step: VectorStep,
    t: number,
    actors: Map<string, HardhatEthersSigner>,
    address: (a: string) => string,
    resolveAddress: (ref: string) => string,
  ): Promise<void> {
    const op = c.operation(step.call ?? step.query ?? "");
    const args = op.args.map((a) => {
      const given = (step.args ?? {})[a.name];
      if (given === undefined) throw new Error(`argument ${a.name} missing`);
      return toEvmArg(c, a.type, given, { resolveAddress });
    });
    const returns = op.returns ?? [];

    if (step.query !== undefined) {
      const blockTag = await mineAt(t);
      let values: unknown[];
      try {
        const out = (await contract.getFunction(op.name).staticCallResult(...args, { blockTag })) as unknown[];
        values = [...out];
      } catch (err) {
        if (step.expect.error) return expectError(c, err, step.expect.error);
        throw err;
      }
      if (step.expect.error) expect.fail(`expected ${step.expect.error.name} (${step.expect.error.code}), the query returned`);
      if (step.expect.result) {
        expect(resultOf(c, returns, values, address), "query result").to.deep.equal(
          expectedResult(c, returns, step.expect.result),
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
      if (step.expect.error) return expectError(c, err, step.expect.error);
      const decoded = decodeRevert(c, revertDataOf(err) ?? "0x", { address });
      throw new Error(`expected success, reverted ${decoded ? `${decoded.name} (${decoded.code})` : String(err)}`);
    }
    if (step.expect.error) expect.fail(`expected ${step.expect.error.name} (${step.expect.error.code}), the call succeeded`);

    const receipt = await receiptOf(tx);
    const block = await ethers.provider.getBlock(receipt.blockNumber);
    expect(block?.timestamp, "block time of the call").to.equal(t);

    const events = receipt.logs
      .filter((l) => l.address.toLowerCase() === target.toLowerCase())
      .map((l) => {
        const parsed = contract.interface.parseLog({ topics: [...l.topics], data: l.data });
        if (!parsed) throw new Error(`undecodable log ${l.topics[0]}`);
        const ev = c.event(parsed.name);
        const fields: Record<string, Canonical> = {};
        ev.fields.forEach((f, i) => {
          fields[f.name] = fromEvm(c, f.type, parsed.args[i], { address }, f.optional === true);
        });
        return { name: ev.name, fields };
      });
    const wantEvents = (step.expect.events ?? []).map((e) => {
      const ev = c.event(e.name);
      return { name: e.name, fields: fieldsOf(c, ev.fields, e.fields) };
    });
    expect(events, "events").to.deep.equal(wantEvents);

    if (step.expect.result) {
      const values = await returnValueOf(contract.interface, op.name, tx.hash);
      expect(resultOf(c, returns, values, address), "return value").to.deep.equal(
        expectedResult(c, returns, step.expect.result),
      );
    }
  }

  function expectError(c: Component, err: unknown, want: { code: number; name: string }): void {
    const data = revertDataOf(err);
    const got = data ? decodeRevert(c, data) : undefined;
    if (!got) expect.fail(`expected ${want.name} (${want.code}), got an error the spec does not know: ${String(err)}`);
    expect(`${got.code} ${got.name}`, "error").to.equal(`${want.code} ${want.name}`);
  }
});

/**
 * System vectors (spec/vectors/system/*.json, spec/vectors/README.md "System vectors"): every
 * file deploys its components behind proxies with the standard wiring of safety-core.md §0
 * and runs its steps; events are compared per emitting contract. Implementation in
 * test/helpers/system-vectors.ts.
 */
/**
 * A root hook: the implementations of the system vectors and a snapshot taken before any
 * test moved the clock, so that every system vector starts before timeOrigin whatever ran
 * earlier in the same Hardhat run.
 */
const systemImplementations = new Map<string, string>();
let systemBase: { restore(): Promise<void> };
before(async () => {
  for (const name of SYSTEM_COMPONENTS) {
    const impl = await ethers.deployContract(spec.component(name).evmContract);
    systemImplementations.set(name, await impl.getAddress());
  }
  systemBase = await snapshot();
});

describe("system vectors on the EVM (spec/vectors/system)", function () {
  this.timeout(600_000);

  const systemFiles = discoverSystemVectors();
  const systemSchema = new SchemaValidator(loadSystemVectorSchema() as Record<string, unknown>);
  let signers: HardhatEthersSigner[];

  before(async () => {
    signers = await ethers.getSigners();
  });

  it(`finds the system vectors (${systemFiles.length} now)`, () => {
    expect(systemFiles.length).to.be.greaterThan(0);
  });

  for (const { file, data, parseError } of systemFiles) {
    it(`${file}: every step gives the expected outcome`, async () => {
      if (parseError || !data) expect.fail(`not JSON: ${parseError}`);
      const errors = systemSchema.validate(data);
      if (errors.length > 0) expect.fail(`schema violations:\n  ${errors.join("\n  ")}`);
      await systemBase.restore();
      await runSystemVector(spec, data, systemImplementations, signers);
    });
  }
});
