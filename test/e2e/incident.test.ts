import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

import { expect } from "chai";
import hre from "hardhat";

import { startJsonRpcEvm, type EvmChain } from "../../src/chains/evm";
import { CosmjsChain } from "../../src/chains/wasm";
import { ToolError } from "../../src/cli/errors";
import { runDeployment } from "../../src/deploy/runner";
import { configFromHre, evmEndpointFromHre } from "../../src/deployment/endpoints";
import { readSync } from "../../src/deployment/sync";
import { executeProposal, proposeOperations } from "../../src/governance";
import {
  ansCommand,
  breakerCommand,
  executorCommand,
  limitsCommand,
  type IncidentArgs,
} from "../../src/incident/commands";
import { INCIDENT } from "../../src/incident/errors";
import { openIncident, type Side } from "../../src/incident/stacks";
import { localnet, mnemonicOf } from "./localnet";

/**
 * The incident commands on both localnets, one deployment for the file: a breaker tripped
 * and reset on both stacks, a temporary raise that expires by itself with the window's
 * usage kept (EVM time moved with evm_increaseTime, wasmd waited out in real seconds), an
 * executor paused (guardian) and unpaused (governance), the ANS status, and bad input
 * refused with a coded error and nothing sent.
 */

// Hardhat's default test accounts (the node prints them; not secrets): #1 governance
// (proposer/executor of the timelock in deploy/params/local.json), #3 a consumer, #4 an
// executor account, #5 an account with no role.
const GOVERNANCE = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";
const CONSUMER = "0x90F79bf6EB2c4f870365E785982E1f101E93b906";
const EXECUTOR_ACCOUNT = "0x15d34AAf54267DB7D7c367839AAf71A00a2C6A65";
const NO_ROLE_KEY = "0x8b3a350cf5c34c9194ca85829a2df0ec3153be0318b5e2d3348e872092edffba"; // account #5

const EXECUTOR = 7n;
const ACTION = `0x${"ab".repeat(32)}`;
const RAISE_SECONDS = 12;

describe("incident commands on the localnets (both stacks)", function () {
  this.timeout(300_000);
  const net = localnet();
  const dir = mkdtempSync(path.join(tmpdir(), "vagus-incident-e2e-"));
  const saved = { ...process.env };
  const lines: string[] = [];
  const log = (l: string) => lines.push(l);
  let evm: EvmChain;
  let wasm: CosmjsChain;
  let sync: NonNullable<ReturnType<typeof readSync>>;

  const run = (cmd: (h: typeof hre, a: IncidentArgs) => Promise<number>, a: IncidentArgs): Promise<number> =>
    cmd(hre, { ...a, log });

  async function refused(p: Promise<unknown>): Promise<ToolError> {
    try {
      await p;
    } catch (err) {
      if (err instanceof ToolError) return err;
      throw err;
    }
    throw new Error("expected a coded error");
  }

  /** One governance batch on both timelocks, executed once ready (2 s delay on the localnets). */
  async function govern(ops: { component: string; operation: string; args: Record<string, unknown> }[]) {
    const rec = await proposeOperations(hre, ops, { log: () => undefined });
    await executeProposal(hre, rec.id, { waitUntilReady: true, log: () => undefined });
  }

  async function read<T>(stack: "evm" | "wasm", fn: (s: Side) => Promise<unknown>): Promise<T> {
    const inc = await openIncident(hre, [stack], { signer: false });
    try {
      return (await fn(inc.sides[0])) as T;
    } finally {
      await inc.close();
    }
  }

  const pair = { executorId: EXECUTOR, actionId: ACTION };
  const usage = (stack: "evm" | "wasm") =>
    read<{ used: bigint; capacity: bigint }>(stack, (s) => s.query("RateLimiter", "usage", pair));
  const breakerState = (stack: "evm" | "wasm") =>
    read<{ state: bigint }>(stack, (s) => s.query("CircuitBreaker", "status", pair)).then((s) => Number(s.state));

  before(async () => {
    Object.assign(process.env, {
      VAGUS_DEPLOYMENTS_DIR: path.join(dir, "deployments"),
      VAGUS_GOVERNANCE_DIR: path.join(dir, "governance"),
      VAGUS_GOV_FROM: GOVERNANCE,
      VAGUS_WASM_RPC: net.wasmRpc,
    });
    const cfg = configFromHre(hre);
    const ep = await evmEndpointFromHre(hre);
    try {
      await runDeployment(cfg, ep, { log: () => undefined });
    } finally {
      await ep.chain.close();
    }
    sync = readSync(cfg)!;
    // Governance proposes from bob on CosmWasm (the timelock's proposer in local.json).
    process.env.VAGUS_WASM_MNEMONIC = mnemonicOf(net, "bob");
    evm = await startJsonRpcEvm({ url: net.evmRpc });
    wasm = await CosmjsChain.connect({
      rpc: net.wasmRpc,
      chainId: net.chainId,
      prefix: net.prefix,
      gasPrice: net.gasPrice,
      signers: [{ name: "consumer", mnemonic: mnemonicOf(net, "consumer") }],
    });
    await govern([
      {
        component: "CapabilityIssuer",
        operation: "registerExecutor",
        args: { executorId: EXECUTOR.toString(), account: { evm: EXECUTOR_ACCOUNT, wasm: net.addresses.alice } },
      },
      {
        component: "RateLimiter",
        operation: "setRaiseBounds",
        args: { bounds: { maxPercent: 200, maxDuration: 600 } },
      },
      {
        component: "RateLimiter",
        operation: "grantRole",
        args: { role: "CONSUMER", account: { evm: CONSUMER, wasm: net.addresses.consumer } },
      },
    ]);
  });

  after(async () => {
    await evm?.close();
    await wasm?.close();
    for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
    Object.assign(process.env, saved);
    rmSync(dir, { recursive: true, force: true });
  });

  it("breaker: trip opens the pair on both stacks, status lists it, reset closes it and status lists nothing", async () => {
    expect(await run(breakerCommand, { verb: "trip", executor: "7", action: ACTION })).to.equal(0);
    expect(await breakerState("evm")).to.equal(1);
    expect(await breakerState("wasm")).to.equal(1);
    expect(lines.join("\n")).to.match(/\[1\/2\] evm:CircuitBreaker:trip: ok tx 0x[0-9a-f]{64}, gas \d+/);
    expect(lines.join("\n")).to.match(/\[2\/2\] wasm:CircuitBreaker:trip: ok tx [0-9A-F]{64}, gas \d+/);
    lines.length = 0;
    await run(breakerCommand, { verb: "status" });
    const listed = lines.join("\n");
    expect(listed).to.match(new RegExp(`evm\\s+7\\s+${ACTION}\\s+OPEN`));
    expect(listed).to.match(new RegExp(`wasm\\s+7\\s+${ACTION}\\s+OPEN`));
    expect(listed).to.contain("2 breaker(s) not CLOSED");
    lines.length = 0;
    expect(await run(breakerCommand, { verb: "reset", executor: "7", action: ACTION })).to.equal(0);
    expect(lines.join("\n")).to.match(/wasm\s+state\s+OPEN\s+CLOSED\s+changed/);
    expect(await breakerState("evm")).to.equal(0);
    expect(await breakerState("wasm")).to.equal(0);
    lines.length = 0;
    await run(breakerCommand, { verb: "status" });
    expect(lines.join("\n")).to.contain("every breaker is CLOSED");
  });

  it("limits: a guardian raise keeps the usage, then expires by itself (no transaction) with the usage still there", async () => {
    // Two consumptions on each stack.
    const rl = { evm: sync.evm.contracts.RateLimiter, wasm: sync.wasm.contracts.RateLimiter };
    const consumer = await wasm.addrMake("consumer");
    const ifaceLimiter = (await hre.artifacts.readArtifact("RateLimiter")).abi;
    evm.registerAbi(rl.evm, ifaceLimiter);
    for (let i = 0; i < 2; i++) {
      await evm.send({ to: rl.evm, fn: "consume", args: [EXECUTOR, ACTION], from: CONSUMER, gasLimit: 300_000 });
      await wasm.execute({
        contract: rl.wasm,
        sender: consumer,
        msg: { consume: { executor_id: EXECUTOR.toString(), action_id: ACTION.slice(2) } },
      });
    }
    const configured = Number((await usage("evm")).capacity);
    const raised = configured + 10; // within 200 % of the configured capacity
    expect(
      await run(limitsCommand, {
        verb: "raise",
        executor: "7",
        action: ACTION,
        capacity: String(raised),
        for: `${RAISE_SECONDS}s`,
      }),
    ).to.equal(0);
    for (const stack of ["evm", "wasm"] as const) {
      const u = await usage(stack);
      expect([Number(u.used), Number(u.capacity)], stack).to.deep.equal([2, raised]);
    }
    // Let the raise run out: EVM by moving the node's clock, wasmd by waiting real seconds.
    const until = await read<{ until: bigint }>("wasm", (s) => s.query("RateLimiter", "capacityRaise", pair));
    await hre.network.provider.send("evm_increaseTime", [RAISE_SECONDS + 1]);
    await hre.network.provider.send("evm_mine", []);
    while ((await wasm.block()).time < Number(until.until)) await new Promise((r) => setTimeout(r, 500));
    for (const stack of ["evm", "wasm"] as const) {
      const u = await usage(stack);
      expect([Number(u.used), Number(u.capacity)], `${stack} after expiry`).to.deep.equal([2, configured]);
      const r = await read<{ active: boolean }>(stack, (s) => s.query("RateLimiter", "capacityRaise", pair));
      expect(r.active, stack).to.equal(false);
    }
    // Nothing left to restore: coded, nothing sent.
    const err = await refused(run(limitsCommand, { verb: "restore", executor: "7", action: ACTION }));
    expect([err.code, err.nothingSent]).to.deep.equal([INCIDENT.NOTHING_TO_DO, true]);
  });

  it("limits: a raise beyond the guardian's bounds becomes a governance proposal, not a guardian transaction", async () => {
    lines.length = 0;
    const configured = Number((await usage("evm")).capacity);
    await run(limitsCommand, {
      verb: "raise",
      executor: "7",
      action: ACTION,
      capacity: String(configured * 3),
      for: "5m",
    });
    const out = lines.join("\n");
    expect(out).to.contain("beyond the guardian's raise bounds");
    expect(out).to.match(/proposal \d{8}T\d{6}-[0-9a-f]{8} scheduled/);
    expect(out).not.to.contain("RateLimiter:raiseCapacity: ok");
  });

  it("executor: the guardian pauses it on both stacks; unpause goes through governance", async () => {
    expect(await run(executorCommand, { verb: "pause", executor: "7" })).to.equal(0);
    const paused = (stack: "evm" | "wasm") =>
      read<{ paused: boolean }>(stack, (s) => s.query("CapabilityIssuer", "executor", { executorId: EXECUTOR })).then(
        (e) => e.paused,
      );
    expect([await paused("evm"), await paused("wasm")]).to.deep.equal([true, true]);
    // Pausing again changes nothing and sends nothing.
    lines.length = 0;
    await run(executorCommand, { verb: "pause", executor: "7" });
    expect(lines.join("\n")).to.match(/evm:CapabilityIssuer:pauseExecutor: already on chain, skipped/);
    lines.length = 0;
    await run(executorCommand, { verb: "unpause", executor: "7" });
    const id = /proposal (\S+) scheduled/.exec(lines.join("\n"))?.[1];
    expect(id, lines.join("\n")).to.be.a("string");
    await executeProposal(hre, id!, { waitUntilReady: true, log: () => undefined });
    expect([await paused("evm"), await paused("wasm")]).to.deep.equal([false, false]);
  });

  it("ans status: the executor's state on both stacks (SAFE after registration)", async () => {
    lines.length = 0;
    expect(await run(ansCommand, { verb: "status", executor: "7" })).to.equal(0);
    expect(lines.join("\n")).to.match(/evm\s+SAFE/);
    expect(lines.join("\n")).to.match(/wasm\s+SAFE/);
  });

  it("bad input on a live deployment: unknown executor, wrong role, missing key — coded, nothing sent", async () => {
    const unknown = await refused(run(breakerCommand, { verb: "trip", executor: "99", action: ACTION }));
    expect([unknown.code, unknown.nothingSent]).to.deep.equal([INCIDENT.UNKNOWN_EXECUTOR, true]);
    process.env.VAGUS_GUARDIAN_EVM_KEY = NO_ROLE_KEY;
    try {
      const wrong = await refused(run(breakerCommand, { verb: "trip", executor: "7", action: ACTION, stacks: "evm" }));
      expect([wrong.code, wrong.nothingSent]).to.deep.equal([INCIDENT.WRONG_ROLE, true]);
    } finally {
      delete process.env.VAGUS_GUARDIAN_EVM_KEY;
    }
    process.env.VAGUS_GUARDIAN_KEY_FILE = path.join(dir, "no-such-key");
    try {
      const missing = await refused(run(executorCommand, { verb: "pause", executor: "7", stacks: "wasm" }));
      expect([missing.code, missing.nothingSent]).to.deep.equal([INCIDENT.MISSING_KEY, true]);
    } finally {
      delete process.env.VAGUS_GUARDIAN_KEY_FILE;
    }
    expect(await breakerState("evm")).to.equal(0);
  });
});
