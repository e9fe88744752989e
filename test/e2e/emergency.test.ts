import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

import { CosmWasmClient } from "@cosmjs/cosmwasm-stargate";
import { expect } from "chai";
import { JsonRpcProvider } from "ethers";
import hre from "hardhat";

import { ToolError } from "../../src/cli/errors";
import { configFromHre, evmEndpointFromHre } from "../../src/deployment/endpoints";
import { readSync, type SyncFile } from "../../src/deployment/sync";
import { runDeployment } from "../../src/deploy/runner";
import { runEmergencyPause } from "../../src/emergency/pause";
import { executeProposal, proposeOperations } from "../../src/governance";
import { localnet } from "./localnet";

/**
 * The emergency procedure on both real nodes, on one deployment: the runbook's literal
 * `wasmd tx wasm execute <capability-issuer> '{"emergency_pause":{}}'` through the wasmd
 * CLI and the localnet's keyring; the drill (`npx hardhat run scripts/emergency-pause.ts
 * --drill`: pause, check, staged unpause through both timelocks); bad input refused with
 * nothing sent; `--executor` pausing one executor only; a second pause sending nothing.
 */

const ROOT = path.resolve(__dirname, "..", "..");
const COMPONENTS = [
  "CapabilityIssuer",
  "RateLimiter",
  "CircuitBreaker",
  "ANSStateManager",
  "AfferentInbox",
  "VagalBrake",
  "ReflexArc",
];
// deploy/params/local.json: EVM guardian = Hardhat account #2, CosmWasm guardian = the
// localnet's `guardian` key.
const EVM_GUARDIAN = "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC";

describe("emergency pause and staged restoration on the localnets", function () {
  this.timeout(600_000);
  const net = localnet();
  const dir = mkdtempSync(path.join(tmpdir(), "vagus-emergency-e2e-"));
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    VAGUS_DEPLOYMENTS_DIR: path.join(dir, "deployments"),
    VAGUS_GOVERNANCE_DIR: path.join(dir, "governance"),
    VAGUS_WASM_RPC: net.wasmRpc,
  };
  const provider = new JsonRpcProvider(net.evmRpc);
  let wasm: CosmWasmClient;
  let sync: SyncFile;
  const guardian = () => net.addresses.guardian;

  async function pausedOn(stack: "evm" | "wasm", component: string): Promise<boolean> {
    const address = sync[stack].contracts[component];
    if (stack === "wasm")
      return ((await wasm.queryContractSmart(address, { paused: {} })) as { paused: boolean }).paused;
    const data = await provider.call({ to: address, data: "0x5c975abb" }); // paused()
    return BigInt(data) === 1n;
  }

  async function sent(): Promise<{ evm: number; wasm: number }> {
    return {
      evm: await provider.getTransactionCount(EVM_GUARDIAN),
      wasm: (await wasm.getSequence(guardian())).sequence,
    };
  }

  async function pauseInProcess(extra: Record<string, string>): Promise<{ code: number; out: string }> {
    const lines: string[] = [];
    const log = console.log;
    console.log = (...a: unknown[]) => lines.push(a.join(" "));
    try {
      const code = await runEmergencyPause(hre, { ...env, ...extra });
      return { code, out: lines.join("\n") };
    } finally {
      console.log = log;
    }
  }

  before(async () => {
    wasm = await CosmWasmClient.connect(net.wasmRpc);
    const cfg = configFromHre(hre, env);
    const evm = await evmEndpointFromHre(hre);
    try {
      await runDeployment(cfg, evm, { env, log: () => undefined });
    } finally {
      await evm.chain.close();
    }
    sync = readSync(cfg)!;
    for (const c of COMPONENTS) {
      expect(await pausedOn("evm", c), c).to.equal(false);
      expect(await pausedOn("wasm", c), c).to.equal(false);
    }
  });
  after(() => {
    wasm?.disconnect();
    provider.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  it("bad input is a coded error and sends nothing (unknown component, executor 0, unknown executor, wrong key)", async () => {
    const before = await sent();
    const cases: [Record<string, string>, number][] = [
      [{ VAGUS_COMPONENTS: "capability-issuer,no-such-thing" }, 14001],
      [{ VAGUS_EXECUTOR: "0" }, 14002],
      [{ VAGUS_EXECUTOR: "424242" }, 14006],
      [{ VAGUS_EXECUTOR: "1", VAGUS_COMPONENTS: "reflex-arc" }, 14007],
      // Hardhat's account #1 is governance, not a guardian.
      [{ VAGUS_EMERGENCY_EVM_KEY: "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d" }, 14004],
      [{ VAGUS_EMERGENCY_KEY_FILE: path.join(dir, "missing.mnemonic") }, 14003],
    ];
    for (const [extra, code] of cases) {
      const err = await pauseInProcess(extra).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err, JSON.stringify(extra)).to.be.instanceOf(ToolError);
      expect((err as ToolError).code, JSON.stringify(extra)).to.equal(code);
      expect((err as ToolError).nothingSent).to.equal(true);
    }
    expect(await sent()).to.deep.equal(before);
    for (const c of COMPONENTS) expect(await pausedOn("evm", c), c).to.equal(false);
  });

  it("the runbook's wasmd line pauses the CosmWasm issuer from the guardian key", () => {
    const e = net.env;
    const r = spawnSync(
      e.VAGUS_WASMD_BIN,
      [
        "tx",
        "wasm",
        "execute",
        sync.wasm.contracts.CapabilityIssuer,
        '{"emergency_pause":{}}',
        "--from",
        "guardian",
        "--keyring-backend",
        "test",
        "--home",
        e.VAGUS_WASMD_HOME,
        "--chain-id",
        e.VAGUS_WASM_CHAIN_ID,
        "--node",
        e.VAGUS_WASM_RPC,
        "--gas",
        "auto",
        "--gas-adjustment",
        "1.5",
        "--gas-prices",
        e.VAGUS_WASM_GAS_PRICE,
        "-y",
        "-o",
        "json",
      ],
      { env: { ...process.env, LD_LIBRARY_PATH: e.VAGUS_WASMD_LIB }, encoding: "utf8", timeout: 60_000 },
    );
    expect(r.status, r.stderr).to.equal(0);
    expect((JSON.parse(r.stdout) as { code: number }).code, r.stdout).to.equal(0);
  });

  it("the drill pauses both stacks (skipping the issuer the CLI paused), checks, restores in stages, prints timings", async () => {
    // The CLI's transaction is in a block once the contract reads paused.
    for (let i = 0; i < 40 && !(await pausedOn("wasm", "CapabilityIssuer")); i++)
      await new Promise((r) => setTimeout(r, 250));
    expect(await pausedOn("wasm", "CapabilityIssuer")).to.equal(true);
    expect(await pausedOn("evm", "CapabilityIssuer")).to.equal(false);
    const r = spawnSync(
      path.join(ROOT, "node_modules", ".bin", "hardhat"),
      ["run", "scripts/emergency-pause.ts", "--network", "localhost", "--drill"],
      { cwd: ROOT, env, encoding: "utf8", timeout: 300_000 },
    );
    const out = `${r.stdout}\n${r.stderr}`;
    expect(r.status, out).to.equal(0);
    expect(out).to.match(/wasm:pause:CapabilityIssuer: already on chain, skipped/);
    expect(out).to.match(/evm:pause:CapabilityIssuer: ok tx 0x[0-9a-f]{64}, gas \d+/);
    // Issuer first on each stack.
    expect(out.indexOf("[1/7] evm:pause:CapabilityIssuer")).to.be.greaterThan(-1);
    expect(out.indexOf("[1/7] wasm:pause:CapabilityIssuer")).to.be.greaterThan(-1);
    for (const stage of ["reflex+inbox", "ans", "admission", "issuer"])
      expect(out).to.match(new RegExp(`unpause:${stage.replace("+", "\\+")}:verify: ok`));
    // The issuer comes back last: its proposal is scheduled after every other stage verified.
    expect(out.indexOf("unpause:issuer:propose")).to.be.greaterThan(out.indexOf("unpause:admission:verify: ok"));
    for (const phase of ["pause", "check", "staged unpause", "final check", "total"])
      expect(out).to.match(new RegExp(`^  ${phase} +\\d+\\.\\d\\d s$`, "m"));
    for (const c of COMPONENTS) {
      expect(await pausedOn("evm", c), c).to.equal(false);
      expect(await pausedOn("wasm", c), c).to.equal(false);
    }
  });

  it("--executor pauses that executor on both issuers and nothing else", async () => {
    // Two executors registered through governance (ADMIN is the timelock), one proposal per
    // stack since the owner account differs.
    const owner = { evm: EVM_GUARDIAN, wasm: guardian() };
    for (const stack of ["evm", "wasm"] as const) {
      const rec = await proposeOperations(
        hre,
        [7, 8].map((id) => ({
          component: "capability-issuer",
          operation: "registerExecutor",
          args: { executorId: String(id), account: owner[stack] },
        })),
        { stacks: [stack], env: { ...env, ...govKeys() }, log: () => undefined },
      );
      await executeProposal(hre, rec.id, { waitUntilReady: true, env: { ...env, ...govKeys() }, log: () => undefined });
    }
    const r = await pauseInProcess({ VAGUS_EXECUTOR: "7" });
    expect(r.code, r.out).to.equal(0);
    for (const stack of ["evm", "wasm"] as const) {
      expect(await executorPaused(stack, 7n), stack).to.equal(true);
      expect(await executorPaused(stack, 8n), stack).to.equal(false);
      for (const c of COMPONENTS) expect(await pausedOn(stack, c), `${stack} ${c}`).to.equal(false);
    }
  });

  it("pausing everything twice: the second run skips every contract and sends nothing", async () => {
    const first = await pauseInProcess({});
    expect(first.code, first.out).to.equal(0);
    expect(first.out).to.match(/all paused in \d+\.\d\d s \(14 transactions sent\)/);
    const before = await sent();
    const second = await pauseInProcess({});
    expect(second.code, second.out).to.equal(0);
    expect(second.out).to.match(/all paused in \d+\.\d\d s \(0 transactions sent\)/);
    expect(second.out.match(/already on chain, skipped/g) ?? []).to.have.length(14);
    expect(await sent()).to.deep.equal(before);
    for (const c of COMPONENTS) {
      expect(await pausedOn("evm", c), c).to.equal(true);
      expect(await pausedOn("wasm", c), c).to.equal(true);
    }
  });

  function govKeys(): Record<string, string> {
    // deploy/params/local.json: proposer and executor = Hardhat #1 and the localnet's bob.
    return { VAGUS_GOV_FROM: "0x70997970C51812dc3A010C7d01b50e0d17dc79C8", VAGUS_WASM_KEY_FILE: net.keyFiles.bob };
  }

  async function executorPaused(stack: "evm" | "wasm", id: bigint): Promise<boolean> {
    const address = sync[stack].contracts.CapabilityIssuer;
    if (stack === "wasm") {
      const r = (await wasm.queryContractSmart(address, { executor: { executor_id: id.toString() } })) as {
        paused: boolean;
      };
      return r.paused;
    }
    const { Interface } = await import("ethers");
    const abi = JSON.parse(
      readFileSync(
        path.join(ROOT, "artifacts", "evm", "contracts", "CapabilityIssuer.sol", "CapabilityIssuer.json"),
        "utf8",
      ),
    ) as { abi: unknown[] };
    const iface = new Interface(abi.abi as never);
    const data = await provider.call({ to: address, data: iface.encodeFunctionData("executor", [id]) });
    const [info] = iface.decodeFunctionResult("executor", data);
    return Boolean((info as { paused: boolean }).paused);
  }
});
