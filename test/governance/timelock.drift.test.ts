import { expect } from "chai";
import { artifacts, ethers } from "hardhat";
import { Interface, type ParamType } from "ethers";

import { loadSpec, type Component, type SpecField, type StackName } from "../../src/spec";

/**
 * VagusTimelock (OpenZeppelin's TimelockController) against spec/timelock.json: the ABI's
 * errors, events and functions are exactly the spec's EVM ones, with the spec's types in
 * order, and the role ids are the spec's. The CosmWasm side has the same check in
 * wasm-contracts/contracts/timelock/src/testing/drift.rs.
 */
const spec = loadSpec();
const TL: Component = spec.component("Timelock");

const onEvm = (x: { stacks?: StackName[] }): boolean => x.stacks === undefined || x.stacks.includes("evm");

function abiTypeOf(f: SpecField): string {
  if (f.type === "role") return "bytes32";
  if (TL.isEnum(f.type)) return "uint8";
  return f.type;
}

const sig = (name: string, fields: SpecField[]): string => `${name}(${fields.filter(onEvm).map(abiTypeOf).join(",")})`;
const paramSig = (name: string, params: readonly ParamType[]): string =>
  `${name}(${params.map((p) => p.format("sighash")).join(",")})`;

describe("VagusTimelock: ABI matches spec (timelock.json)", () => {
  let iface: Interface;

  before(async () => {
    iface = new Interface((await artifacts.readArtifact(TL.evmContract)).abi);
  });

  it("is a component outside the safety-core loops, found by name", () => {
    expect(spec.components.has("Timelock")).to.equal(false);
    expect(spec.governance.get("Timelock")).to.equal(TL);
    expect(TL.errors.map((e) => e.code)).to.not.include(1002, "no pause in the timelock");
  });

  it("errors: exactly the spec's evm errors, with the spec's field types", () => {
    const abi: string[] = [];
    iface.forEachError((e) => abi.push(e.format("sighash")));
    const wanted = TL.errorsOn("evm").map((e) => e.evm ?? `${e.name}?`);
    expect([...abi].sort()).to.deep.equal([...wanted].sort());
    for (const e of TL.errorsOn("evm")) {
      const fragment = iface.getError(e.evm ?? "");
      expect(fragment && paramSig(fragment.name, fragment.inputs), `${e.name}`).to.equal(
        sig(fragment?.name ?? "", e.fields),
      );
      expect(Math.floor(e.code / 1000), `${e.name} ${e.code}`).to.be.oneOf([1, 9]);
    }
  });

  it("events: exactly the spec's evm events, with evm fields, names and indexing", () => {
    const abi: string[] = [];
    iface.forEachEvent((e) => abi.push(e.format("sighash")));
    expect([...abi].sort()).to.deep.equal(
      TL.eventsOn("evm")
        .map((e) => e.evm ?? "")
        .sort(),
    );
    for (const e of TL.eventsOn("evm")) {
      const fragment = iface.getEvent(e.evm ?? "");
      if (!fragment) throw new Error(`no event ${e.evm}`);
      const fields = e.fields.filter(onEvm);
      expect(
        fragment.inputs.map((p) => `${p.format("sighash")} ${p.name} ${p.indexed}`),
        e.name,
      ).to.deep.equal(fields.map((f) => `${abiTypeOf(f)} ${f.name} ${Boolean(f.indexed)}`));
    }
  });

  it("functions: every evm operation is one function with the spec's argument types, and no other function exists", () => {
    const ops = TL.operations.filter((o) => o.kind !== "init" && onEvm(o));
    const roleGetters = [...TL.roles.map((r) => r.evmName)];
    const abi: string[] = [];
    iface.forEachFunction((f) => abi.push(f.name));
    expect([...abi].sort()).to.deep.equal([...ops.map((o) => o.name), ...roleGetters].sort());
    for (const op of ops) {
      const fn = iface.getFunction(op.name);
      if (!fn) throw new Error(`no function ${op.name}`);
      expect(paramSig(op.name, fn.inputs), `${op.name} arguments`).to.equal(sig(op.name, op.args));
      const returns = (op.returns ?? []).filter(onEvm);
      expect(
        fn.outputs.map((p) => p.format("sighash")),
        `${op.name} returns`,
      ).to.deep.equal(returns.map(abiTypeOf));
      const isView = fn.stateMutability === "view" || fn.stateMutability === "pure";
      expect(isView, `${op.name} is ${fn.stateMutability}`).to.equal(op.kind === "query");
    }
  });

  it("roles: the public role ids are the spec's", async () => {
    const [a] = await ethers.getSigners();
    const tl = await ethers.deployContract(TL.evmContract, [1, [], [], a.address]);
    for (const role of TL.roles) {
      expect(((await tl.getFunction(role.evmName)()) as string).toLowerCase(), role.key).to.equal(role.evmId);
    }
  });
});
