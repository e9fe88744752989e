import { readFileSync } from "node:fs";
import path from "node:path";

import { expect } from "chai";
import { getAddress, Interface, id as keccakText } from "ethers";

import { readEvmArtifact } from "../../src/chains/evm";
import { commit } from "../../src/cbor";
import { ToolError } from "../../src/cli/errors";
import { parseProposeArgs, renderStatus } from "../../src/governance/cli";
import { GOV } from "../../src/governance/errors";
import { safeBatch, unsignedWasmTx } from "../../src/governance/export";
import {
  adminOperations,
  encodeOperation,
  findComponent,
  type Deployed,
  type GovOperation,
} from "../../src/governance/operations";
import { loadSpec, type Component } from "../../src/spec";
import { SchemaValidator } from "../../src/spec/json-schema";

/**
 * Unit tests of the governance library's pure parts: argument validation against the
 * spec (codes 12001-12005), encoding of every ADMIN operation on both stacks, the CBOR
 * dual-hash comparison, the multisig export formats and the command-line parsing.
 */

const spec = loadSpec();
const ACTION = keccakText("weld");

/** Fake but well-formed addresses of a deployment of both stacks (no chain is read). */
function fakeDeployment(): Deployed {
  const names = [...spec.components.keys(), "timelock"];
  const evm: Record<string, string> = {};
  const wasm: Record<string, string> = {};
  names.forEach((n, i) => {
    evm[n] = getAddress(`0x${(i + 1).toString(16).padStart(40, "a")}`);
    wasm[n] = `wasm1${String.fromCharCode(113 + i).repeat(58)}`;
  });
  return { evm, wasm };
}
const deployed = fakeDeployment();

function codeOf(fn: () => unknown): number | undefined {
  try {
    fn();
  } catch (err) {
    if (err instanceof ToolError) return err.code;
    throw err;
  }
  return undefined;
}

const pairConfig = (args: Record<string, unknown>): GovOperation => ({
  component: "rate-limiter",
  operation: "setPairConfig",
  args: { executorId: 7, actionId: ACTION, config: { capacity: 10, window: 60, buckets: 4 }, ...args },
});

describe("governance operations: validation against the spec", () => {
  it("names a component by spec name, file name or CosmWasm name; anything else is 12001", () => {
    for (const n of ["RateLimiter", "rate-limiter", "rate_limiter"])
      expect(findComponent(spec, n).name).to.equal("RateLimiter");
    for (const n of ["ans", "ANSStateManager", "ans-state-manager"])
      expect(findComponent(spec, n).name).to.equal("ANSStateManager");
    expect(findComponent(spec, "timelock").name).to.equal("Timelock");
    expect(codeOf(() => findComponent(spec, "rate-limitr"))).to.equal(GOV.UNKNOWN_COMPONENT);
  });

  it("accepts only ADMIN operations (and upgrade): a consumer call, a guardian call or a typo is 12002", () => {
    for (const op of ["consume", "pause", "setPairConfg"])
      expect(
        codeOf(() =>
          encodeOperation(spec, { component: "RateLimiter", operation: op, args: {} }, ["evm", "wasm"], deployed),
        ),
        op,
      ).to.equal(GOV.UNKNOWN_OPERATION);
    expect(
      codeOf(() =>
        encodeOperation(
          spec,
          { component: "timelock", operation: "upgrade", args: { evm: { implementation: deployed.evm!.RateLimiter } } },
          ["evm"],
          deployed,
        ),
      ),
    ).to.equal(GOV.UNKNOWN_OPERATION);
  });

  it("a missing argument is 12003; an unknown one, a wrong type or a value outside the spec's bounds is 12004", () => {
    const enc = (op: GovOperation) => codeOf(() => encodeOperation(spec, op, ["evm", "wasm"], deployed));
    expect(
      enc({ component: "RateLimiter", operation: "setPairConfig", args: { executorId: 7, actionId: ACTION } }),
    ).to.equal(GOV.MISSING_ARGUMENT);
    expect(enc(pairConfig({ extra: 1 }))).to.equal(GOV.BAD_ARGUMENT);
    expect(enc(pairConfig({ executorId: -1 }))).to.equal(GOV.BAD_ARGUMENT);
    expect(enc(pairConfig({ executorId: "18446744073709551616" }))).to.equal(GOV.BAD_ARGUMENT);
    expect(enc(pairConfig({ actionId: "0x1234" }))).to.equal(GOV.BAD_ARGUMENT);
    // spec/rate-limiter.json: window 1..2592000, buckets 1..64.
    expect(enc(pairConfig({ config: { capacity: 10, window: 0, buckets: 4 } }))).to.equal(GOV.BAD_ARGUMENT);
    expect(enc(pairConfig({ config: { capacity: 10, window: 2592001, buckets: 4 } }))).to.equal(GOV.BAD_ARGUMENT);
    expect(enc(pairConfig({ config: { capacity: 10, window: 60, buckets: 65 } }))).to.equal(GOV.BAD_ARGUMENT);
    expect(enc(pairConfig({ config: { capacity: 10, window: 60 } }))).to.equal(GOV.BAD_ARGUMENT);
    // The bounds themselves are accepted.
    expect(enc(pairConfig({ config: { capacity: 1, window: 2592000, buckets: 64 } }))).to.equal(undefined);
  });

  it("an address is $Contract (from the deployment), {evm, wasm}, or a literal of the one chosen stack", () => {
    const grant = (account: unknown, stacks: ("evm" | "wasm")[]) =>
      codeOf(() =>
        encodeOperation(
          spec,
          { component: "timelock", operation: "grantRole", args: { role: "CANCELLER", account } },
          stacks,
          deployed,
        ),
      );
    const evmAddr = "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC";
    expect(grant(evmAddr, ["evm"])).to.equal(undefined);
    expect(grant(evmAddr, ["evm", "wasm"])).to.equal(GOV.BAD_ARGUMENT);
    expect(grant({ evm: evmAddr, wasm: "wasm1" + "z".repeat(38) }, ["evm", "wasm"])).to.equal(undefined);
    expect(grant("$NoSuchContract", ["evm", "wasm"])).to.equal(GOV.BAD_ARGUMENT);
    expect(grant({ evm: evmAddr }, ["evm", "wasm"])).to.equal(GOV.BAD_ARGUMENT);
  });

  it("a component missing from the deployment on a chosen stack is 12010", () => {
    const partial: Deployed = { evm: deployed.evm, wasm: { timelock: deployed.wasm!.timelock } };
    expect(codeOf(() => encodeOperation(spec, pairConfig({}), ["evm", "wasm"], partial))).to.equal(GOV.NO_DEPLOYMENT);
    expect(codeOf(() => encodeOperation(spec, pairConfig({}), ["evm"], partial))).to.equal(undefined);
  });
});

describe("governance operations: encoding on both stacks and the CBOR dual hash", () => {
  it("setPairConfig: EVM calldata for the proxy, the CosmWasm execute call, and the dual hash of the spec values", () => {
    const e = encodeOperation(spec, pairConfig({}), ["evm", "wasm"], deployed);
    expect(e.evm!.target).to.equal(deployed.evm!.RateLimiter);
    const rl = new Interface(readEvmArtifact("RateLimiter").abi as never);
    const tx = rl.parseTransaction({ data: e.evm!.data })!;
    expect(tx.name).to.equal("setPairConfig");
    expect(tx.args[0]).to.equal(7n);
    expect(tx.args[1]).to.equal(ACTION);
    expect([...(tx.args[2] as bigint[])].map(Number)).to.deep.equal([10, 60, 4]);
    expect(e.wasm!.msg).to.deep.equal({
      set_pair_config: {
        executor_id: "7",
        action_id: ACTION.slice(2),
        config: { capacity: 10, window: 60, buckets: 4 },
      },
    });
    const call = e.wasm!.call as { execute: { contract_addr: string; msg: string; funds: unknown[] } };
    expect(call.execute.contract_addr).to.equal(deployed.wasm!.RateLimiter);
    expect(JSON.parse(Buffer.from(call.execute.msg, "base64").toString())).to.deep.equal(e.wasm!.msg);
    const expected = commit({
      component: "RateLimiter",
      operation: "setPairConfig",
      args: { executorId: 7n, actionId: ACTION, config: { capacity: 10n, window: 60n, buckets: 4n } },
    });
    expect(e.paramsHash).to.deep.equal({ sha256: expected.sha256, keccak256: expected.keccak256 });
  });

  it("links name the same contract on both stacks ($Name); a pair naming two different contracts is 12005", () => {
    const ok = encodeOperation(
      spec,
      { component: "reflex-arc", operation: "setIssuer", args: { issuer: "$CapabilityIssuer" } },
      ["evm", "wasm"],
      deployed,
    );
    expect(ok.wasm!.msg).to.deep.equal({ set_issuer: { issuer: deployed.wasm!.CapabilityIssuer } });
    const mixed = { evm: deployed.evm!.CapabilityIssuer, wasm: deployed.wasm!.RateLimiter };
    expect(
      codeOf(() =>
        encodeOperation(
          spec,
          { component: "reflex-arc", operation: "setIssuer", args: { issuer: mixed } },
          ["evm", "wasm"],
          deployed,
        ),
      ),
    ).to.equal(GOV.STACKS_DIFFER);
  });

  it("upgrade: upgradeToAndCall on the EVM proxy, a migrate call on CosmWasm; each stack's target is required when chosen", () => {
    const impl = "0x00000000000000000000000000000000000000F1";
    const e = encodeOperation(
      spec,
      {
        component: "rate-limiter",
        operation: "upgrade",
        args: { evm: { implementation: impl }, wasm: { code_id: 12, msg: { rollback: { to_version: "1.0.0" } } } },
      },
      ["evm", "wasm"],
      deployed,
    );
    const rl = new Interface(readEvmArtifact("RateLimiter").abi as never);
    const tx = rl.parseTransaction({ data: e.evm!.data })!;
    expect(tx.name).to.equal("upgradeToAndCall");
    expect(tx.args[0]).to.equal(getAddress(impl));
    expect(tx.args[1]).to.equal("0x");
    const m = e.wasm!.call as { migrate: { contract_addr: string; new_code_id: number; msg: string } };
    expect(m.migrate.contract_addr).to.equal(deployed.wasm!.RateLimiter);
    expect(m.migrate.new_code_id).to.equal(12);
    expect(JSON.parse(Buffer.from(m.migrate.msg, "base64").toString())).to.deep.equal({
      rollback: { to_version: "1.0.0" },
    });
    expect(
      codeOf(() =>
        encodeOperation(
          spec,
          { component: "rate-limiter", operation: "upgrade", args: { evm: { implementation: impl } } },
          ["evm", "wasm"],
          deployed,
        ),
      ),
    ).to.equal(GOV.MISSING_ARGUMENT);
  });

  /** A valid value of a spec type: the lower bound of a bounded parameter, else a small one. */
  function sample(c: Component, type: string, name: string): unknown {
    if (type.endsWith("[]")) return [sample(c, type.slice(0, -2), name)];
    const p = c.params[name];
    if (p && /int/.test(type)) return p.min;
    if (/^u?int\d+$/.test(type)) return 1;
    if (c.isEnum(type)) return Object.values(c.enums[type])[0];
    switch (type) {
      case "bool":
        return true;
      case "string":
        return "s";
      case "bytes32":
        return ACTION;
      case "bytes":
        return "0x01";
      case "address":
        return "$RateLimiter";
      case "role":
        return "GUARDIAN";
    }
    return Object.fromEntries(c.types[type].map((f) => [f.name, sample(c, f.type, f.name)]));
  }

  it("every ADMIN operation of the spec encodes on both stacks: an ABI function of the contract and a message the contract's JSON schema accepts, with equal dual hashes", () => {
    let n = 0;
    for (const c of [...spec.components.values(), spec.component("Timelock")]) {
      const file = path.join(
        __dirname,
        "..",
        "..",
        "schema",
        c.wasmContract.replace(/^vagus-/, ""),
        "raw",
        "execute.json",
      );
      // cosmwasm-schema's draft-07 header and integer formats are not ajv 2020's; ranges are the codec's.
      const raw = JSON.parse(readFileSync(file, "utf8").replace(/"format": "u?int\d+",?/g, "")) as Record<
        string,
        unknown
      >;
      delete raw.$schema;
      const schema = new SchemaValidator(raw);
      for (const op of adminOperations(c)) {
        const args = Object.fromEntries(op.args.map((a) => [a.name, sample(c, a.type, a.name)]));
        const e = encodeOperation(spec, { component: c.name, operation: op.name, args }, ["evm", "wasm"], deployed);
        const iface = new Interface(readEvmArtifact(c.evmContract).abi as never);
        expect(iface.parseTransaction({ data: e.evm!.data })?.name, `${c.name}.${op.name}`).to.equal(op.name);
        expect(schema.validate(e.wasm!.msg), `${c.name}.${op.name}`).to.deep.equal([]);
        expect(e.paramsHash?.sha256, `${c.name}.${op.name}`).to.match(/^0x[0-9a-f]{64}$/);
        n++;
      }
    }
    // grant/revoke/unpause per framed component, plus each component's setters and the timelock's.
    expect(n).to.be.greaterThan(30);
  });
});

describe("governance export formats", () => {
  it("a Safe Transaction Builder batch: version, chain, Safe, and one transaction to the timelock whose data is the scheduleBatch calldata", () => {
    const timelock = "0x5FbDB2315678afecb367f032d93F642f64180aa3";
    const args = [
      [deployed.evm!.RateLimiter],
      ["0"],
      ["0x3f4ba83a"],
      `0x${"00".repeat(32)}`,
      `0x${"11".repeat(32)}`,
      "60",
    ];
    const b = safeBatch({
      chainId: "1",
      safe: "0x70997970C51812dc3A010C7d01b50e0d17dc79C8",
      name: "n",
      description: "d",
      calls: [{ timelock, fn: "scheduleBatch", args }],
    });
    expect(b.version).to.equal("1.0");
    expect(b.chainId).to.equal("1");
    expect(b.meta.createdFromSafeAddress).to.equal("0x70997970C51812dc3A010C7d01b50e0d17dc79C8");
    expect(b.transactions).to.have.length(1);
    const t = b.transactions[0];
    expect(t.to).to.equal(timelock);
    expect(t.value).to.equal("0");
    const tl = new Interface(readEvmArtifact("VagusTimelock").abi as never);
    const d = tl.decodeFunctionData("scheduleBatch", t.data);
    expect(d[0]).to.deep.equal([deployed.evm!.RateLimiter]);
    expect(d[2]).to.deep.equal(["0x3f4ba83a"]);
    expect(d[5]).to.equal(60n);
    expect(t.contractMethod.name).to.equal("scheduleBatch");
    expect(t.contractMethod.inputs.map((i) => i.name)).to.deep.equal([
      "targets",
      "values",
      "payloads",
      "predecessor",
      "salt",
      "delay",
    ]);
    expect(t.contractInputsValues.delay).to.equal("60");
    expect(JSON.parse(t.contractInputsValues.targets)).to.deep.equal([deployed.evm!.RateLimiter]);
  });

  it("an unsigned CosmWasm tx has the shape wasmd --generate-only prints, with the fee at the network's gas price", () => {
    const tx = unsignedWasmTx({
      sender: "wasm1s",
      contract: "wasm1t",
      msgs: [{ cancel: { id: "00" } }],
      gasPrice: "0.025ustake",
    });
    // Key layout of `wasmd tx wasm execute ... --generate-only` (wasmd 0.54, SDK 0.50).
    expect(Object.keys(tx)).to.deep.equal(["body", "auth_info", "signatures"]);
    expect(Object.keys(tx.body)).to.deep.equal([
      "messages",
      "memo",
      "timeout_height",
      "extension_options",
      "non_critical_extension_options",
    ]);
    expect(Object.keys(tx.auth_info)).to.deep.equal(["signer_infos", "fee", "tip"]);
    expect(tx.body.messages).to.deep.equal([
      {
        "@type": "/cosmwasm.wasm.v1.MsgExecuteContract",
        sender: "wasm1s",
        contract: "wasm1t",
        msg: { cancel: { id: "00" } },
        funds: [],
      },
    ]);
    expect(tx.auth_info.fee).to.deep.equal({
      amount: [{ denom: "ustake", amount: "50000" }],
      gas_limit: "2000000",
      payer: "",
      granter: "",
    });
  });
});

describe("vagus:gov command line", () => {
  it("propose: name=value arguments parse as JSON when they can, --components repeats the operation per component", () => {
    const ops = parseProposeArgs({
      rest: ["setPairConfig", "executorId=7", `actionId=${ACTION}`, 'config={"capacity":10,"window":60,"buckets":4}'],
      component: "rate-limiter",
    });
    expect(ops).to.deep.equal([
      {
        component: "rate-limiter",
        operation: "setPairConfig",
        args: { executorId: 7, actionId: ACTION, config: { capacity: 10, window: 60, buckets: 4 } },
      },
    ]);
    const two = parseProposeArgs({ rest: ["unpause"], components: "rate-limiter, circuit-breaker" });
    expect(two.map((o) => o.component)).to.deep.equal(["rate-limiter", "circuit-breaker"]);
  });

  it("usage mistakes are 12011: no operation, no component, both --component and --components, --args not JSON, an argument twice, not name=value", () => {
    const usage = (a: Parameters<typeof parseProposeArgs>[0]) => codeOf(() => parseProposeArgs(a));
    expect(usage({ rest: [], component: "x" })).to.equal(GOV.USAGE);
    expect(usage({ rest: ["unpause"] })).to.equal(GOV.USAGE);
    expect(usage({ rest: ["unpause"], component: "a", components: "b" })).to.equal(GOV.USAGE);
    expect(usage({ rest: ["unpause"], component: "a", args: "{executorId: 7}" })).to.equal(GOV.USAGE);
    expect(usage({ rest: ["x", "a=1"], component: "a", args: '{"a": 2}' })).to.equal(GOV.USAGE);
    expect(usage({ rest: ["x", "a"], component: "a" })).to.equal(GOV.USAGE);
  });

  it("status lines give each stack's state, eta and the time left of a pending one", () => {
    const lines = renderStatus([
      {
        id: "20261205T001500-1a2b3c4d",
        description: "RateLimiter.setPairConfig",
        operations: ["RateLimiter.setPairConfig"],
        stacks: [
          { stack: "evm", state: "pending", operationId: "0xab", eta: 1796430943, secondsLeft: 42 },
          { stack: "wasm", state: "done", operationId: "cd", eta: 1796430900 },
        ],
      },
    ]);
    expect(lines[0]).to.equal("20261205T001500-1a2b3c4d  RateLimiter.setPairConfig");
    expect(lines[1]).to.match(/^ {2}evm +pending +eta 2026-12-05T\S+Z, 42 s left {2}operation 0xab$/);
    expect(lines[2]).to.match(/^ {2}wasm +done +eta 2026-12-05T\S+Z {2}operation cd$/);
  });
});
