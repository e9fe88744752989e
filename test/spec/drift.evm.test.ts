import { expect } from "chai";
import { artifacts, ethers } from "hardhat";
import { Interface, type FunctionFragment, type ParamType } from "ethers";

import {
  CODE_RANGES,
  abiType,
  decodeRevert,
  fromJson,
  loadSpec,
  revertDataOf,
  toEvmArg,
  type Component,
  type SpecField,
} from "../../src/spec";

/**
 * The compiled contracts against spec/: a contract's ABI errors and events are exactly the
 * spec's (for the evm stack), and every spec operation is a function with the spec's
 * parameter types in the spec's order. Test-only contracts (contracts/test/, e.g.
 * RateLimiterV2) are not components and are not checked.
 *
 * Naming rule for parameters: a Solidity parameter may carry one trailing underscore where
 * the spec name would shadow a function of the same contract (`config_` in
 * `setConfig(Config config_)`, because `config()` is a query).
 */
const spec = loadSpec();

function setDiff(label: string, actual: Iterable<string>, expected: Iterable<string>): string[] {
  const a = new Set(actual);
  const e = new Set(expected);
  const problems: string[] = [];
  for (const x of [...e].sort()) if (!a.has(x)) problems.push(`${label} in spec but not in the ABI: ${x}`);
  for (const x of [...a].sort()) if (!e.has(x)) problems.push(`${label} in the ABI but not in spec: ${x}`);
  return problems;
}

function report(contract: string, problems: string[]): void {
  if (problems.length > 0) {
    expect.fail(`${contract} drifted from spec/ (${problems.length}):\n  - ${problems.join("\n  - ")}`);
  }
}

/** The canonical ABI type of an ethers ParamType (`(uint32,uint32,uint8)`). */
function paramType(p: ParamType): string {
  return p.format("sighash");
}

function specParamName(name: string): string {
  return name.endsWith("_") ? name.slice(0, -1) : name;
}

function checkParams(c: Component, where: string, fields: SpecField[], params: readonly ParamType[], names: boolean): string[] {
  const want = fields.map((f) => `${abiType(c, f.type)} ${f.name}`);
  const got = params.map((p) => `${paramType(p)} ${specParamName(p.name)}`);
  const wantTypes = fields.map((f) => abiType(c, f.type));
  const gotTypes = params.map(paramType);
  if (JSON.stringify(wantTypes) !== JSON.stringify(gotTypes)) {
    return [`${where}: spec (${want.join(", ")}) but ABI (${got.join(", ")})`];
  }
  if (names && JSON.stringify(want) !== JSON.stringify(got)) {
    return [`${where}: names differ: spec (${want.join(", ")}) but ABI (${got.join(", ")})`];
  }
  return [];
}

for (const c of spec.components.values()) {
  describe(`${c.evmContract}: ABI matches spec (${c.file} + common.json)`, () => {
    let iface: Interface;

    before(async () => {
      const artifact = await artifacts.readArtifact(c.evmContract);
      iface = new Interface(artifact.abi);
    });

    it("errors: the ABI's custom errors are exactly the spec's evm errors", () => {
      const abi: string[] = [];
      iface.forEachError((e) => abi.push(e.format("sighash")));
      const wanted = c.errorsOn("evm").map((e) => {
        if (!e.evm) throw new Error(`spec: ${e.name} (${e.code}) is on evm but has no evm signature`);
        return e.evm;
      });
      report(c.evmContract, setDiff("error", abi, wanted));
    });

    it("errors: each evm signature has one type per spec field", () => {
      const problems: string[] = [];
      for (const e of c.errorsOn("evm")) {
        const fragment = iface.getError(e.evm ?? "");
        if (!fragment) continue; // reported by the set comparison
        problems.push(...checkParams(c, `error ${e.name} (${e.code})`, e.fields, fragment.inputs, false));
      }
      report(c.evmContract, problems);
    });

    it("events: the ABI's events are exactly the spec's evm events, with spec field names and indexing", () => {
      const abi: string[] = [];
      iface.forEachEvent((e) => abi.push(e.format("sighash")));
      const problems = setDiff(
        "event",
        abi,
        c.eventsOn("evm").map((e) => e.evm ?? `${e.name}(?)`),
      );
      for (const e of c.eventsOn("evm")) {
        const fragment = e.evm ? iface.getEvent(e.evm) : null;
        if (!fragment) continue;
        problems.push(...checkParams(c, `event ${e.name}`, e.fields, fragment.inputs, true));
        const wantIndexed = e.fields.map((f) => Boolean(f.indexed));
        const gotIndexed = fragment.inputs.map((p) => Boolean(p.indexed));
        if (JSON.stringify(wantIndexed) !== JSON.stringify(gotIndexed)) {
          problems.push(`event ${e.name}: indexed flags spec ${JSON.stringify(wantIndexed)} but ABI ${JSON.stringify(gotIndexed)}`);
        }
      }
      report(c.evmContract, problems);
    });

    it("operations: every spec operation is a function with the spec's parameters, in order", () => {
      const problems: string[] = [];
      for (const op of c.operations.filter((o) => o.stacks === undefined || o.stacks.includes("evm"))) {
        const fns: FunctionFragment[] = [];
        iface.forEachFunction((f) => {
          if (f.name === op.name) fns.push(f);
        });
        if (fns.length !== 1) {
          problems.push(`${op.kind} ${op.name}: ${fns.length} functions of that name in the ABI (want exactly 1)`);
          continue;
        }
        const fn = fns[0];
        problems.push(...checkParams(c, `${op.kind} ${op.name} arguments`, op.args, fn.inputs, true));
        const returns = op.returns ?? [];
        // One struct (or one value) comes back as that value; several as a named tuple.
        problems.push(...checkParams(c, `${op.kind} ${op.name} returns`, returns, fn.outputs, returns.length > 1));
        const isView = fn.stateMutability === "view" || fn.stateMutability === "pure";
        if (op.kind === "query" && !isView) problems.push(`query ${op.name} is ${fn.stateMutability}, not view`);
        if (op.kind !== "query" && isView) problems.push(`${op.kind} ${op.name} is ${fn.stateMutability}`);
      }
      report(c.evmContract, problems);
    });

    it("roles and constants: the contract's public ids and limits are the spec's", async () => {
      const impl = await ethers.deployContract(c.evmContract);
      const problems: string[] = [];
      for (const role of c.roles) {
        if (!iface.hasFunction(role.evmName)) {
          problems.push(`role ${role.key}: no public ${role.evmName}()`);
          continue;
        }
        const got = ((await impl.getFunction(role.evmName)()) as string).toLowerCase();
        if (got !== role.evmId) problems.push(`role ${role.key}: ${role.evmName}() = ${got}, spec ${role.evmId}`);
      }
      for (const [name, value] of Object.entries(c.constants)) {
        if (!iface.hasFunction(name)) {
          problems.push(`constant ${name}: no public ${name}()`);
          continue;
        }
        const got = (await impl.getFunction(name)()) as bigint;
        if (got !== BigInt(value)) problems.push(`constant ${name}: ${got}, spec ${value}`);
      }
      report(c.evmContract, problems);
    });
  });
}

describe("spec loader", () => {
  it("gives every error and denial a unique code in its component's range", () => {
    expect(Object.keys(CODE_RANGES).sort()).to.deep.equal([...spec.components.keys()].sort());
    for (const c of spec.components.values()) {
      const prefix = CODE_RANGES[c.name];
      for (const e of c.errors) {
        const range = Math.floor(e.code / 1000);
        expect([1, prefix], `${c.name} ${e.name} ${e.code}`).to.include(range);
      }
      for (const d of c.denials) expect(Math.floor(d.code / 100), `${d.name} ${d.code}`).to.equal(prefix * 10 + 1);
    }
  });

  it("computes EVM role ids as keccak256 of their names; ADMIN is 0x00", () => {
    expect(spec.role("ADMIN").evmId).to.equal(ethers.ZeroHash);
    expect(spec.role("GUARDIAN").evmId).to.equal(ethers.keccak256(ethers.toUtf8Bytes("GUARDIAN_ROLE")));
    expect(spec.roleByEvmId(ethers.id("REPORTER_ROLE"))?.key).to.equal("REPORTER");
  });

  it("decodes revert data to {code, name, args} by the spec's EVM signature, and nothing else", () => {
    const rl = spec.component("RateLimiter");
    const coder = ethers.AbiCoder.defaultAbiCoder();
    const data = ethers.concat([
      ethers.dataSlice(ethers.id("WindowNotDivisible(uint32,uint8)"), 0, 4),
      coder.encode(["uint32", "uint8"], [60, 7]),
    ]);
    expect(decodeRevert(rl, data)).to.deep.equal({
      code: 2004,
      name: "WindowNotDivisible",
      evm: "WindowNotDivisible(uint32,uint8)",
      args: { window: 60n, buckets: 7n },
    });
    const unauthorized = ethers.concat([
      ethers.dataSlice(ethers.id("AccessControlUnauthorizedAccount(address,bytes32)"), 0, 4),
      coder.encode(["address", "bytes32"], [ethers.ZeroAddress, ethers.id("CONSUMER_ROLE")]),
    ]);
    expect(decodeRevert(rl, unauthorized, { address: () => "@nobody" })?.args).to.deep.equal({
      account: "@nobody",
      role: "CONSUMER",
    });
    // A CircuitBreaker error is not a RateLimiter error; a panic is no spec error.
    const cbOnly = ethers.dataSlice(ethers.id("AlreadyInState(uint8)"), 0, 4);
    expect(decodeRevert(rl, ethers.concat([cbOnly, coder.encode(["uint8"], [1])]))).to.equal(undefined);
    const panic = ethers.concat([ethers.dataSlice(ethers.id("Panic(uint256)"), 0, 4), coder.encode(["uint256"], [0x11])]);
    expect(decodeRevert(rl, panic)).to.equal(undefined);
  });

  it("finds revert data wherever ethers or Hardhat nested it", () => {
    expect(revertDataOf({ error: { info: { data: "0x1234" } } })).to.equal("0x1234");
    expect(revertDataOf(new Error("no data"))).to.equal(undefined);
  });

  it("converts vector values both ways: roles, structs, integers as strings", () => {
    const cb = spec.component("CircuitBreaker");
    expect(toEvmArg(cb, "role", "UNKNOWN")).to.equal(ethers.id("UNKNOWN_ROLE"));
    expect(toEvmArg(cb, "role", "ADMIN")).to.equal(ethers.ZeroHash);
    const cfg = { failureThreshold: 5, cooldown: "60", halfOpenMaxProbes: 3, successThreshold: 2 };
    expect(toEvmArg(cb, "Config", cfg)).to.deep.equal([5n, 60n, 3n, 2n]);
    expect(fromJson(cb, "Config", cfg)).to.deep.equal({
      failureThreshold: 5n,
      cooldown: 60n,
      halfOpenMaxProbes: 3n,
      successThreshold: 2n,
    });
    expect(() => fromJson(cb, "Config", { ...cfg, extra: 1 })).to.throw(/unknown field/);
    expect(() => fromJson(cb, "uint8", 256)).to.throw(/does not fit/);
  });
});
