import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

import { StargateClient } from "@cosmjs/stargate";
import { expect } from "chai";
import { Interface, JsonRpcProvider } from "ethers";
import hre from "hardhat";

import { readEvmArtifact } from "../../src/chains/evm";
import { CosmjsChain } from "../../src/chains/wasm";
import { runDeployment } from "../../src/deploy/runner";
import { verifyDeployment } from "../../src/deploy/verify";
import { readBook, type AddressBook } from "../../src/deployment/address-book";
import { configFromHre, evmEndpointFromHre } from "../../src/deployment/endpoints";
import { executeProposal, proposeOperations } from "../../src/governance";
import { RB } from "../../src/rollback";
import { localnet, mnemonicOf } from "./localnet";

/**
 * Rollback on both real nodes, one timelock-mode deployment with a short delay: the
 * RateLimiter goes v1 → v2 (EVM RateLimiterV2 with its marker; CosmWasm test build
 * `v2-test`: cw2 99.0.0, a capacity bonus) through a governance upgrade that also writes a
 * pair config, then `scripts/rollback.ts` returns it to v1 on both stacks (pair config
 * kept, v2 behaviour gone, verification passes, books' history v1, v2, v1); then
 * `scripts/emergency-rollback.ts` is refused for an unapproved target and for a newer one
 * (nothing sent), and, after a second upgrade to v2, returns at once, paused, to v1.
 */

const ROOT = path.resolve(__dirname, "..", "..");
// deploy/params/local.json: Hardhat accounts #1 governance, #2 guardian (EMERGENCY by default).
const PROPOSER = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";
const GUARDIAN = "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC";
const DELAY = 3;
const ACTION = "0x" + "ab".repeat(32);
const BONUS = 1000; // the v2 test build's capacity bonus (rate-limiter feature v2-test)

describe("rollback on the localnets: governance upgrade v2 and rollback to v1, emergency rollback", function () {
  this.timeout(300_000);
  const net = localnet();
  const dir = mkdtempSync(path.join(tmpdir(), "vagus-rollback-e2e-"));
  const provider = new JsonRpcProvider(net.evmRpc, undefined, { cacheTimeout: -1 });
  const base: NodeJS.ProcessEnv = {
    ...process.env,
    VAGUS_DEPLOYMENTS_DIR: path.join(dir, "deployments"),
    VAGUS_GOVERNANCE_DIR: path.join(dir, "governance"),
    VAGUS_DEPLOY_PARAMS: path.join(dir, "params.json"),
    VAGUS_TIMELOCK: "1",
  };
  const proposer = { ...base, VAGUS_GOV_FROM: PROPOSER, VAGUS_WASM_KEY_FILE: net.keyFiles.bob };
  const emergency = { ...base, VAGUS_FROM: GUARDIAN, VAGUS_WASM_KEY_FILE: net.keyFiles.guardian };
  const rl = new Interface(readEvmArtifact("RateLimiterV2").abi as never);
  let chain: CosmjsChain;
  let reader: StargateClient;
  let sync: {
    evm: { contracts: Record<string, string> };
    wasm: { contracts: Record<string, string>; codes: Record<string, { codeId: number }> };
  };
  let v1: { evm: string; wasm: number; capacity: number };
  let v2: { evm: string; wasm: number };

  const hardhatRun = (script: string, args: string[], env: NodeJS.ProcessEnv) => {
    const r = spawnSync("npx", ["hardhat", "run", script, "--network", "localhost", ...args], {
      cwd: ROOT,
      env,
      encoding: "utf8",
      timeout: 150_000,
    });
    return { status: r.status, out: `${r.stdout}\n${r.stderr}` };
  };
  const evmCall = async (fn: string, args: unknown[] = []) =>
    rl.decodeFunctionResult(
      fn,
      await provider.call({ to: sync.evm.contracts.RateLimiter, data: rl.encodeFunctionData(fn, args) }),
    );
  const wasmCapacity = async () =>
    (await chain.query<{ capacity: number }>(sync.wasm.contracts.RateLimiter, { default_config: {} })).capacity;
  // ERC-1967 implementation slot.
  const implFromSlot = async () => {
    const word = await provider.getStorage(
      sync.evm.contracts.RateLimiter,
      "0x360894a13ba1a3210667c828492db98dca3e2076cc3735a920a3ca505d382bbc",
    );
    return "0x" + word.slice(26);
  };
  const running = async () => ({
    evm: await implFromSlot(),
    wasm: (await chain.contractInfo(sync.wasm.contracts.RateLimiter))!.codeId,
  });
  const books = () => ({
    evm: readBook(base.VAGUS_DEPLOYMENTS_DIR!, "localhost") as AddressBook,
    wasm: readBook(base.VAGUS_DEPLOYMENTS_DIR!, "wasm-localnet") as AddressBook,
  });
  const nonces = async () => ({
    evm: await provider.getTransactionCount(GUARDIAN),
    wasm: (await reader.getSequence(net.addresses.guardian)).sequence,
  });

  before(async () => {
    // The test-only v2 wasm (outside artifacts/), built here so CI needs no extra step.
    const build = spawnSync("bash", [path.join(ROOT, "scripts", "build-wasm-v2-test.sh")], {
      cwd: ROOT,
      encoding: "utf8",
    });
    expect(build.status, build.stderr).to.equal(0);
    const v2Wasm = build.stdout.trim().split("\n").pop()!;

    const params = JSON.parse(readFileSync(path.join(ROOT, "deploy", "params", "local.json"), "utf8")) as {
      governance: { evm: { minDelay: number }; wasm: { minDelay: number } };
    };
    params.governance.evm.minDelay = DELAY;
    params.governance.wasm.minDelay = DELAY;
    writeFileSync(base.VAGUS_DEPLOY_PARAMS!, JSON.stringify(params));
    const cfg = configFromHre(hre, base);
    const evm = await evmEndpointFromHre(hre);
    try {
      await runDeployment(cfg, evm, { env: base, log: () => undefined });
    } finally {
      await evm.chain.close();
    }
    sync = JSON.parse(readFileSync(path.join(cfg.pairDir, "sync.json"), "utf8")) as typeof sync;
    chain = await CosmjsChain.connect({
      rpc: net.wasmRpc,
      chainId: net.chainId,
      prefix: net.prefix,
      gasPrice: net.gasPrice,
      signers: [{ name: "bob", mnemonic: mnemonicOf(net, "bob") }],
    });
    reader = await StargateClient.connect(net.wasmRpc);
    const stored = await chain.store(v2Wasm, { sender: net.addresses.bob });
    const impl = await (await hre.ethers.getContractFactory("RateLimiterV2")).deploy();
    await impl.waitForDeployment();
    v2 = { evm: await impl.getAddress(), wasm: stored.codeId };
    const now = await running();
    v1 = { evm: now.evm.toLowerCase(), wasm: now.wasm, capacity: await wasmCapacity() };
  });
  after(async () => {
    await chain?.close();
    reader?.disconnect();
    provider.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  it("the deployment grants EMERGENCY (default: the guardians) on both stacks and verification checks it", async () => {
    const cfg = configFromHre(hre, base, { requireKey: false });
    const evm = await evmEndpointFromHre(hre);
    const report = await verifyDeployment(cfg, evm).finally(() => evm.chain.close());
    const rows = report.checks.filter((c) => c.subject === "RateLimiter" && /^EMERGENCY /.test(c.check));
    expect(rows.map((c) => c.stack).sort()).to.deep.equal(["evm", "wasm"]);
    for (const c of rows) expect(c.ok, `${c.stack} ${c.check}: ${c.actual}`).to.equal(true);
    expect(
      report.ok,
      report.checks
        .filter((c) => !c.ok)
        .map((c) => `${c.subject} ${c.check}`)
        .join("; "),
    ).to.equal(true);
  });

  it("a governance upgrade to v2 (plus a pair config written under v2) runs v2 on both stacks and the books record it", async () => {
    const p = await proposeOperations(
      hre,
      [
        {
          component: "rate-limiter",
          operation: "upgrade",
          args: {
            evm: {
              implementation: v2.evm,
              artifact: "RateLimiterV2",
              data: rl.encodeFunctionData("initializeV2", [42]),
            },
            wasm: { code_id: v2.wasm, msg: {} },
          },
        },
        {
          component: "rate-limiter",
          operation: "setPairConfig",
          args: { executorId: 7, actionId: ACTION, config: { capacity: 10, window: 60, buckets: 4 } },
        },
      ],
      { log: () => undefined, env: proposer },
    );
    await executeProposal(hre, p.id, { log: () => undefined, env: proposer, waitUntilReady: true });
    const now = await running();
    expect(now.evm.toLowerCase()).to.equal(v2.evm.toLowerCase());
    expect(now.wasm).to.equal(v2.wasm);
    expect((await evmCall("marker"))[0]).to.equal(42n);
    expect(await wasmCapacity()).to.equal(v1.capacity + BONUS);
    const b = books();
    expect(b.evm.contracts.RateLimiter.implementation?.toLowerCase()).to.equal(v2.evm.toLowerCase());
    expect(b.evm.contracts.RateLimiter.artifact).to.equal("RateLimiterV2");
    expect(b.wasm.contracts.RateLimiter.codeId).to.equal(v2.wasm);
  });

  it("scripts/rollback.ts returns v1 on both stacks: pair config kept, v2 behaviour gone, verified, history v1, v2, v1", async () => {
    const r = hardhatRun(
      "scripts/rollback.ts",
      ["--component", "RateLimiter", "--reason", "e2e: v2 misbehaves"],
      proposer,
    );
    expect(r.status, r.out).to.equal(0);
    const now = await running();
    expect(now.evm.toLowerCase()).to.equal(v1.evm);
    expect(now.wasm).to.equal(v1.wasm);
    // Behaviour: v1 has no marker() and no capacity bonus.
    const marker = await evmCall("marker").then(
      () => "answered",
      () => "reverted",
    );
    expect(marker).to.equal("reverted");
    expect(await wasmCapacity()).to.equal(v1.capacity);
    // State written while v2 ran is read by v1 on both stacks.
    const pc = await evmCall("pairConfig", [7, ACTION]);
    expect(pc[0]).to.equal(true);
    expect(pc[1].map((x: bigint) => Number(x))).to.deep.equal([10, 60, 4]);
    const wq = await chain.query<{ has_override: boolean; config: unknown }>(sync.wasm.contracts.RateLimiter, {
      pair_config: { executor_id: "7", action_id: ACTION.slice(2) },
    });
    expect(wq).to.deep.equal({ has_override: true, config: { capacity: 10, window: 60, buckets: 4 } });
    expect(r.out).to.match(/verif/i);
    const b = books();
    const evmVersions = [
      ...b.evm.contracts.RateLimiter.history.map((h) => h.implementation?.toLowerCase()),
      b.evm.contracts.RateLimiter.implementation?.toLowerCase(),
    ];
    expect(evmVersions).to.deep.equal([v1.evm, v2.evm.toLowerCase(), v1.evm]);
    const wasmVersions = [
      ...b.wasm.contracts.RateLimiter.history.map((h) => h.codeId),
      b.wasm.contracts.RateLimiter.codeId,
    ];
    expect(wasmVersions).to.deep.equal([v1.wasm, v2.wasm, v1.wasm]);
  });

  it("scripts/emergency-rollback.ts to an unapproved version exits 1 with 13005 on each stack and sends nothing", async () => {
    const before = await nonces();
    const unapprovedCode = sync.wasm.codes["circuit_breaker.wasm"]?.codeId ?? v1.wasm + 100;
    const fresh = await (await hre.ethers.getContractFactory("RateLimiter")).deploy();
    await fresh.waitForDeployment();
    const evmRun = hardhatRun(
      "scripts/emergency-rollback.ts",
      ["--component", "RateLimiter", "--stacks", "evm", "--to", await fresh.getAddress()],
      emergency,
    );
    expect(evmRun.status, evmRun.out).to.equal(1);
    expect(evmRun.out).to.include(`error ${RB.NOT_APPROVED}`);
    const wasmRun = hardhatRun(
      "scripts/emergency-rollback.ts",
      ["--component", "RateLimiter", "--stacks", "wasm", "--to", String(unapprovedCode)],
      emergency,
    );
    expect(wasmRun.status, wasmRun.out).to.equal(1);
    expect(wasmRun.out).to.include(`error ${RB.NOT_APPROVED}`);
    expect(await nonces()).to.deep.equal(before);
    const now = await running();
    expect(now.evm.toLowerCase()).to.equal(v1.evm);
    expect(now.wasm).to.equal(v1.wasm);
  });

  it("emergency rollback to v2 (approved, but newer than v1) is refused with 13020 before anything is sent on either stack", async () => {
    const before = await nonces();
    const r = hardhatRun(
      "scripts/emergency-rollback.ts",
      ["--component", "RateLimiter", "--to", `${v2.evm},${v2.wasm}`],
      emergency,
    );
    expect(r.status, r.out).to.equal(1);
    expect(r.out).to.include(`error ${RB.NOT_OLDER}`);
    expect(await nonces()).to.deep.equal(before);
  });

  it("after governance upgrades to v2 again, scripts/emergency-rollback.ts returns v1 at once, paused, on both stacks, with no proposal", async () => {
    const p = await proposeOperations(
      hre,
      [
        {
          component: "rate-limiter",
          operation: "upgrade",
          args: { evm: { implementation: v2.evm, artifact: "RateLimiterV2" }, wasm: { code_id: v2.wasm, msg: {} } },
        },
      ],
      { log: () => undefined, env: proposer },
    );
    await executeProposal(hre, p.id, { log: () => undefined, env: proposer, waitUntilReady: true });
    expect(await wasmCapacity()).to.equal(v1.capacity + BONUS);
    const proposals = readdirSync(path.join(base.VAGUS_GOVERNANCE_DIR!, "localhost+wasm-localnet")).length;
    const r = hardhatRun(
      "scripts/emergency-rollback.ts",
      ["--component", "RateLimiter", "--to", `${v1.evm},${v1.wasm}`, "--reason", "e2e emergency"],
      emergency,
    );
    expect(r.status, r.out).to.equal(0);
    const now = await running();
    expect(now.evm.toLowerCase()).to.equal(v1.evm);
    expect(now.wasm).to.equal(v1.wasm);
    expect(await wasmCapacity()).to.equal(v1.capacity);
    expect((await evmCall("paused"))[0]).to.equal(true);
    const wp = await chain.query<{ paused: boolean }>(sync.wasm.contracts.RateLimiter, { paused: {} });
    expect(wp.paused).to.equal(true);
    // Nothing went through a timelock: no new proposal record, so no delay was waited for.
    expect(readdirSync(path.join(base.VAGUS_GOVERNANCE_DIR!, "localhost+wasm-localnet")).length).to.equal(proposals);
    const b = books();
    expect(b.evm.contracts.RateLimiter.implementation?.toLowerCase()).to.equal(v1.evm);
    expect(b.wasm.contracts.RateLimiter.codeId).to.equal(v1.wasm);
  });
});
