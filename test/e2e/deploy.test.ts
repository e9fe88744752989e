import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

import { expect } from "chai";
import { Contract, JsonRpcProvider, Wallet, ZeroHash, id } from "ethers";

import { hasEvmArtifact, readEvmArtifact } from "../../src/chains/evm";
import { CosmjsChain } from "../../src/chains/wasm";
import type { ParamsFile } from "../../src/deployment/config";
import type { JournalEntry } from "../../src/deployment/journal";
import { resolvePlan } from "../../src/deployment/plan";
import { outgoingArtifacts } from "../../src/deployment/release";
import { loadSpec } from "../../src/spec";
import { localnet, mnemonicOf } from "./localnet";

/**
 * The runbook's entry points against the localnets: `npx hardhat run scripts/deploy.ts
 * --network localhost` killed with SIGKILL at two chosen steps (after sending, before
 * recording) and resumed, then `npm run verify:deployment` (0), a parameter changed on one
 * stack (1), changed back (0); the same command again after the deployment is complete
 * (nothing sent), with other settings (refused, nothing sent), with `--new` (a second
 * deployment); a few RateLimiter steps through governance on both real nodes; and a
 * deployment in timelock mode.
 */

const ROOT = path.resolve(__dirname, "..", "..");
const spec = loadSpec();
// Hardhat's default test account #1: governance (deploy/params/local.json). Test-only key,
// the node prints it at start; it is not a secret.
const GOVERNANCE_KEY = "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d";
const CONSUMER_KEY = "0x7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6"; // account #3

interface Run {
  status: number | null;
  signal: NodeJS.Signals | null;
  out: string;
}

/**
 * `hardhat run` forks the script and exits 0 when its child dies by a signal, so the runs
 * that are killed start the same script the way the fork does (node + ts-node, network
 * from HARDHAT_NETWORK), where the SIGKILL is visible.
 */
function scriptRun(script: string, env: Record<string, string>): Run {
  const r = spawnSync(process.execPath, ["-r", "ts-node/register/transpile-only", script], {
    cwd: ROOT,
    env: { ...process.env, ...env, HARDHAT_NETWORK: "localhost" },
    encoding: "utf8",
    timeout: 600_000,
  });
  return { status: r.status, signal: r.signal, out: `${r.stdout}\n${r.stderr}` };
}

/** `npx hardhat run <script> --network <net> <flags>`, as the runbook types it. */
function hardhatRun(script: string, env: Record<string, string>, flags: string[] = [], network = "localhost"): Run {
  const r = spawnSync(
    path.join(ROOT, "node_modules", ".bin", "hardhat"),
    ["run", script, "--network", network, ...flags],
    {
      cwd: ROOT,
      env: { ...process.env, ...env },
      encoding: "utf8",
      timeout: 600_000,
    },
  );
  return { status: r.status, signal: r.signal, out: `${r.stdout}\n${r.stderr}` };
}

function journal(dir: string): JournalEntry[] {
  return readFileSync(path.join(dir, "localhost+wasm-localnet", "journal.jsonl"), "utf8")
    .split("\n")
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as JournalEntry);
}

function sync(dir: string) {
  return JSON.parse(readFileSync(path.join(dir, "localhost+wasm-localnet", "sync.json"), "utf8")) as {
    deployment: string;
    evm: { contracts: Record<string, string> };
    wasm: { contracts: Record<string, string> };
  };
}

/**
 * An admin action on CosmWasm as governance (bob, proposer + executor of the timelock in
 * deploy/params/local.json): a timelock batch when the deployment has the timelock
 * contract (its ADMIN), else bob's own call (bob is then ADMIN).
 */
async function wasmGovern(
  chain: CosmjsChain,
  timelock: string | undefined,
  calls: { contract: string; msg: unknown }[],
) {
  const bob = chain.address("bob");
  if (!timelock) {
    for (const c of calls) await chain.execute({ contract: c.contract, sender: bob, msg: c.msg });
    return;
  }
  const batch = calls.map((c) => ({
    execute: { contract_addr: c.contract, msg: Buffer.from(JSON.stringify(c.msg)).toString("base64"), funds: [] },
  }));
  const salt = Buffer.from(id(`e2e-${Date.now()}-${Math.random()}`).slice(2), "hex").toString("hex");
  const predecessor = "00".repeat(32);
  await chain.execute({
    contract: timelock,
    sender: bob,
    msg: { schedule_batch: { calls: batch, predecessor, salt, delay: "2" } },
  });
  const { id: op } = await chain.query<{ id: string }>(timelock, {
    hash_operation_batch: { calls: batch, predecessor, salt },
  });
  for (let i = 0; i < 60; i++) {
    const r = await chain.query<{ is_operation_ready: boolean }>(timelock, { is_operation_ready: { id: op } });
    if (r.is_operation_ready) break;
    await new Promise((res) => setTimeout(res, 500));
  }
  await chain.execute({ contract: timelock, sender: bob, msg: { execute_batch: { calls: batch, predecessor, salt } } });
}

describe("deployment of both stacks on the localnets", function () {
  this.timeout(900_000);
  const net = localnet();
  const dir = mkdtempSync(path.join(tmpdir(), "vagus-deploy-e2e-"));
  const env = { VAGUS_DEPLOYMENTS_DIR: dir };
  const provider = new JsonRpcProvider(net.evmRpc);
  let chain: CosmjsChain;
  let evmDeployer: string;
  let nonceBefore: number;

  before(async () => {
    chain = await CosmjsChain.connect({
      rpc: net.wasmRpc,
      chainId: net.chainId,
      prefix: net.prefix,
      gasPrice: net.gasPrice,
      signers: ["bob", "consumer"].map((name) => ({ name, mnemonic: mnemonicOf(net, name) })),
    });
    evmDeployer = ((await provider.send("eth_accounts", [])) as string[])[0];
    nonceBefore = await provider.getTransactionCount(evmDeployer);
  });
  after(async () => {
    await chain?.close();
    provider.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  it("a run SIGKILLed after sending an EVM proxy deploy leaves an intent without result", () => {
    const r = scriptRun("scripts/deploy.ts", { ...env, VAGUS_DEPLOY_CRASH_AT: "evm:CircuitBreaker:proxy" });
    expect(r.signal, r.out).to.equal("SIGKILL");
    const j = journal(dir);
    const step = j.filter((e) => e.step === "evm:CircuitBreaker:proxy");
    expect(step.map((e) => e.phase)).to.deep.equal(["intent"]);
    expect(j.some((e) => e.phase === "complete")).to.equal(false);
  });

  it("the resumed run finds that proxy on chain, then is SIGKILLed after a CosmWasm instantiate", () => {
    const r = scriptRun("scripts/deploy.ts", { ...env, VAGUS_DEPLOY_CRASH_AT: "wasm:RateLimiter:instantiate" });
    expect(r.signal, r.out).to.equal("SIGKILL");
    expect(r.out).to.match(/evm:CircuitBreaker:proxy: found on chain, recorded/);
    expect(r.out).to.match(/resuming an interrupted run/);
    const phases = journal(dir)
      .filter((e) => e.step === "evm:CircuitBreaker:proxy")
      .map((e) => e.phase);
    expect(phases).to.deep.equal(["intent", "recovered"]);
  });

  it("resuming the interrupted deployment with --timelock is refused (11001, names the timelock mode): nothing sent", async () => {
    const wasmDeployer = String(journal(dir)[0].data?.wasmDeployer);
    const state = async () => ({
      nonce: await provider.getTransactionCount(evmDeployer),
      sequence: await wasmSequence(wasmDeployer),
      journal: journal(dir).length,
    });
    const before = await state();
    const r = hardhatRun("scripts/deploy.ts", env, ["--timelock"]);
    expect(r.status, r.out).to.equal(1);
    expect(r.out).to.match(/deploy: error 11001: the interrupted deployment \S+ was started with other settings/);
    expect(r.out).to.include("timelock mode: recorded off, this run on (--timelock)");
    expect(r.out).to.include("nothing was sent.");
    expect(await state()).to.deep.equal(before);
  });

  it("the third run completes without repeating a step or deploying anything twice", async () => {
    const r = hardhatRun("scripts/deploy.ts", env);
    expect(r.status, r.out).to.equal(0);
    expect(r.out).to.match(/wasm:RateLimiter:instantiate: found on chain, recorded/);
    expect(r.out).to.match(/evm:timelock: done earlier/);
    const j = journal(dir);
    const deployments = new Set(j.map((e) => e.deployment));
    expect(deployments.size).to.equal(1);
    const intents = j.filter((e) => e.phase === "intent");
    const perStep = new Map<string, number>();
    for (const e of intents) perStep.set(e.step!, (perStep.get(e.step!) ?? 0) + 1);
    for (const [step, n] of perStep) expect(n, step).to.equal(1);
    // Every EVM transaction of the deployer is one journaled intent: nothing was sent twice.
    const evmIntents = intents.filter((e) => e.network === "localhost").length;
    expect(await provider.getTransactionCount(evmDeployer)).to.equal(nonceBefore + evmIntents);
    // On CosmWasm: the deployer created exactly this deployment's contracts, once each
    // (the timelock and the seven components of deploy/plan.json).
    const s = sync(dir);
    const wasmDeployer = String(j[0].data?.wasmDeployer);
    const mine = [];
    for (const a of await chainContractsBy(wasmDeployer)) {
      const info = await chain.contractInfo(a);
      if (info?.label.includes(s.deployment)) mine.push(a);
    }
    const names = [
      "timelock",
      "RateLimiter",
      "CircuitBreaker",
      "ANSStateManager",
      "AfferentInbox",
      "VagalBrake",
      "CapabilityIssuer",
      "ReflexArc",
    ];
    const expected = names.map((n) => s.wasm.contracts[n]);
    expect(expected.every(Boolean), JSON.stringify(s.wasm.contracts)).to.equal(true);
    expect(mine.sort()).to.deep.equal(expected.sort());
  });

  async function chainContractsBy(creator: string): Promise<string[]> {
    const { CosmWasmClient } = await import("@cosmjs/cosmwasm-stargate");
    const c = await CosmWasmClient.connect(net.wasmRpc);
    try {
      return await c.getContractsByCreator(creator);
    } finally {
      c.disconnect();
    }
  }

  async function wasmSequence(address: string): Promise<number> {
    const { CosmWasmClient } = await import("@cosmjs/cosmwasm-stargate");
    const c = await CosmWasmClient.connect(net.wasmRpc);
    try {
      return (await c.getSequence(address)).sequence;
    } finally {
      c.disconnect();
    }
  }

  it("a dry run after it lists every step [i/n] and sends nothing: EVM nonce, CosmWasm sequence and journal unchanged", async () => {
    const wasmDeployer = String(journal(dir)[0].data?.wasmDeployer);
    const before = {
      nonce: await provider.getTransactionCount(evmDeployer),
      sequence: await wasmSequence(wasmDeployer),
      journal: journal(dir).length,
    };
    const r = hardhatRun("scripts/deploy.ts", { ...env, VAGUS_DRY_RUN: "1" });
    expect(r.status, r.out).to.equal(0);
    expect(r.out).to.match(/DRY RUN/);
    const listed = [...r.out.matchAll(/^ {2}\[(\d+)\/(\d+)\] (evm|wasm):/gm)];
    expect(listed.length).to.be.greaterThan(0);
    expect(listed.map((m) => Number(m[1]))).to.deep.equal(listed.map((_m, i) => i + 1));
    expect(Number(listed[0][2])).to.equal(listed.length);
    expect({
      nonce: await provider.getTransactionCount(evmDeployer),
      sequence: await wasmSequence(wasmDeployer),
      journal: journal(dir).length,
    }).to.deep.equal(before);
  });

  /** What a command must leave unchanged when it sends nothing. */
  async function untouched() {
    const wasmDeployer = String(journal(dir)[0].data?.wasmDeployer);
    return {
      nonce: await provider.getTransactionCount(evmDeployer),
      sequence: await wasmSequence(wasmDeployer),
      journal: readFileSync(path.join(dir, "localhost+wasm-localnet", "journal.jsonl"), "utf8"),
      sync: readFileSync(path.join(dir, "localhost+wasm-localnet", "sync.json"), "utf8"),
    };
  }

  it("the same command after the complete deployment names it and when it finished, sends nothing: nonce, sequence, journal unchanged", async () => {
    const before = await untouched();
    const j = journal(dir);
    const complete = j.find((e) => e.phase === "complete")!;
    const r = hardhatRun("scripts/deploy.ts", env);
    expect(r.status, r.out).to.equal(0);
    expect(r.out).to.include(`deployment ${complete.deployment} is complete (finished ${complete.time})`);
    expect(r.out).not.to.match(/\[\d+\/\d+\]/);
    expect(await untouched()).to.deep.equal(before);
  });

  it("a re-run with --timelock and another parameters file is refused (11002) naming both differences: nothing sent", async () => {
    const before = await untouched();
    const params = JSON.parse(readFileSync(path.join(ROOT, "deploy", "params", "local.json"), "utf8")) as ParamsFile;
    params.governance.evm.minDelay = 3;
    const file = path.join(dir, "params-changed.json");
    writeFileSync(file, JSON.stringify(params));
    const r = hardhatRun("scripts/deploy.ts", { ...env, VAGUS_DEPLOY_PARAMS: file }, ["--timelock"]);
    expect(r.status, r.out).to.equal(1);
    expect(r.out).to.match(/deploy: error 11002: deployment \S+ \(complete [^)]+\) was made with other settings/);
    expect(r.out).to.include("timelock mode: recorded off, this run on (--timelock)");
    expect(r.out).to.include("parameters governance.evm.minDelay: 2 → 3");
    expect(r.out).to.include("--new");
    expect(await untouched()).to.deep.equal(before);
  });

  it("VAGUS_DRY_RUN=ture is refused with error 10001: nothing sent, nothing written", async () => {
    const before = await untouched();
    const r = hardhatRun("scripts/deploy.ts", { ...env, VAGUS_DRY_RUN: "ture" });
    expect(r.status, r.out).to.equal(1);
    expect(r.out).to.match(/deploy: error 10001: /);
    expect(r.out).to.include('VAGUS_DRY_RUN="ture" is not a boolean');
    expect(await untouched()).to.deep.equal(before);
  });

  it("a dry run on a public network (sepolia's settings, this node as its RPC) needs no key on either stack", async () => {
    const rel = mkdtempSync(path.join(tmpdir(), "vagus-deploy-e2e-rel-"));
    try {
      const params = JSON.parse(readFileSync(path.join(ROOT, "deploy", "params", "local.json"), "utf8")) as ParamsFile;
      const stars = "stars1qypqxpq9qcrsszg2pvxq6rs0zqg3yyc5lzv7xu";
      params.governance.wasm = {
        minDelay: 60,
        admin: stars,
        proposers: [stars],
        executors: [stars],
        guardians: [stars],
      };
      writeFileSync(path.join(rel, "params.json"), JSON.stringify(params));
      // A public network deploys only released artifacts: a manifest of exactly these.
      const out = await outgoingArtifacts(resolvePlan(params, { has: (n) => hasEvmArtifact(n) }), {
        artifact: (n) => Promise.resolve(readEvmArtifact(n)),
      });
      writeFileSync(
        path.join(rel, "manifest.json"),
        JSON.stringify({
          artifacts: {
            evm: [...out.evm].map(([contract, creationKeccak256]) => ({ contract, creationKeccak256 })),
            wasm: [...out.wasm].map(([file, sha256]) => ({ file, sha256 })),
          },
        }),
      );
      const noKeys: Record<string, string> = {
        ...env,
        SEPOLIA_RPC_URL: net.evmRpc,
        VAGUS_WASM_TESTNET_RPC: net.wasmRpc,
        VAGUS_DEPLOY_PARAMS: path.join(rel, "params.json"),
        VAGUS_RELEASE_DIR: rel,
        DEPLOYER_PRIVATE_KEY: "",
        VAGUS_WASM_MNEMONIC: "",
        VAGUS_WASM_KEY_FILE: "",
      };
      const r = hardhatRun("scripts/deploy.ts", noKeys, ["--dry-run"], "sepolia");
      expect(r.status, r.out).to.equal(0);
      expect(r.out).to.match(/DRY RUN: nothing is sent/);
      expect(r.out).to.match(/EVM sepolia \(chain 31337\) \+ CosmWasm wasm-testnet/);
      expect(r.out).to.match(/\[1\/\d+\] evm:/);
      // The same without --dry-run needs both keys, and says so before sending.
      const real = hardhatRun("scripts/deploy.ts", noKeys, [], "sepolia");
      expect(real.status, real.out).to.equal(1);
      expect(real.out).to.include("set DEPLOYER_PRIVATE_KEY");
      expect(real.out).to.include("no CosmWasm deployer key for wasm-testnet");
    } finally {
      rmSync(rel, { recursive: true, force: true });
    }
  });

  it("verify:deployment exits 0 on the fresh deployment, with no CosmWasm key (its key file absent)", () => {
    const r = hardhatRun("scripts/verify-deployment.ts", {
      ...env,
      VAGUS_WASM_MNEMONIC: "",
      VAGUS_WASM_KEY_FILE: path.join(dir, "no-such-key"),
    });
    expect(r.status, r.out).to.equal(0);
    expect(r.out).to.match(/all \d+ checks pass/);
  });

  it("a parameter changed on one stack makes verify exit 1; changing it back makes it 0", async () => {
    const s = sync(dir);
    const rl = s.wasm.contracts.RateLimiter;
    const set = (capacity: number) => ({ set_default_config: { config: { capacity, window: 60, buckets: 6 } } });
    // spec default capacity 60 (spec/rate-limiter.json) → 61 on CosmWasm only.
    await wasmGovern(chain, s.wasm.contracts.timelock, [{ contract: rl, msg: set(61) }]);
    const bad = hardhatRun("scripts/verify-deployment.ts", env);
    expect(bad.status, bad.out).to.equal(1);
    expect(bad.out).to.match(/MISMATCH\s+both\s+RateLimiter\s+params EVM = CosmWasm/);
    await wasmGovern(chain, s.wasm.contracts.timelock, [{ contract: rl, msg: set(60) }]);
    const good = hardhatRun("scripts/verify-deployment.ts", env);
    expect(good.status, good.out).to.equal(0);
  });

  it("RateLimiter steps through governance on both real nodes give the same outcomes", async () => {
    const s = sync(dir);
    const gov = new Wallet(GOVERNANCE_KEY, provider);
    const consumerEvm = new Wallet(CONSUMER_KEY, provider);
    const action = id("e2e-action");
    const executor = 42n;
    // EVM: ADMIN is the timelock, so the admin calls go through it (schedule, wait, execute).
    const rlAbi = [
      "function grantRole(bytes32,address)",
      "function setPairConfig(uint64,bytes32,(uint32,uint32,uint8))",
      "function consume(uint64,bytes32) returns (bool,uint64)",
      "function counters(uint64,bytes32) view returns (uint64,uint64)",
    ];
    const rlEvm = new Contract(s.evm.contracts.RateLimiter, rlAbi, provider);
    const tl = new Contract(
      s.evm.contracts.timelock,
      [
        "function scheduleBatch(address[],uint256[],bytes[],bytes32,bytes32,uint256)",
        "function executeBatch(address[],uint256[],bytes[],bytes32,bytes32) payable",
      ],
      gov,
    );
    const payloads = [
      rlEvm.interface.encodeFunctionData("grantRole", [spec.role("CONSUMER").evmId, consumerEvm.address]),
      rlEvm.interface.encodeFunctionData("setPairConfig", [executor, action, [2, 60, 6]]),
    ];
    const targets = [s.evm.contracts.RateLimiter, s.evm.contracts.RateLimiter];
    const salt = id(`e2e-${s.deployment}`);
    await (await tl.scheduleBatch(targets, [0, 0], payloads, ZeroHash, salt, 2)).wait();
    await new Promise((r) => setTimeout(r, 3000));
    await provider.send("evm_mine", []);
    await (await tl.executeBatch(targets, [0, 0], payloads, ZeroHash, salt)).wait();
    // CosmWasm: the timelock contract holds ADMIN (or the governance account without it).
    const rlWasm = s.wasm.contracts.RateLimiter;
    const consumerWasm = chain.address("consumer");
    const pair = { executor_id: executor.toString(), action_id: action.slice(2) };
    await wasmGovern(chain, s.wasm.contracts.timelock, [
      { contract: rlWasm, msg: { grant_role: { role: "consumer", account: consumerWasm } } },
      { contract: rlWasm, msg: { set_pair_config: { ...pair, config: { capacity: 2, window: 60, buckets: 6 } } } },
    ]);

    // Capacity 2 in 60 s: allowed, allowed, denied — on both (spec/rate-limiter.md).
    const evmAllowed: boolean[] = [];
    const wasmAllowed: boolean[] = [];
    const asConsumer = rlEvm.connect(consumerEvm) as Contract;
    for (let i = 0; i < 3; i++) {
      const [allowed] = (await asConsumer.consume.staticCall(executor, action)) as [boolean, bigint];
      await (await asConsumer.consume(executor, action)).wait();
      evmAllowed.push(allowed);
      const res = await chain.execute({ contract: rlWasm, sender: consumerWasm, msg: { consume: pair } });
      wasmAllowed.push((res.data as { allowed: boolean }).allowed);
    }
    expect(evmAllowed).to.deep.equal([true, true, false]);
    expect(wasmAllowed).to.deep.equal([true, true, false]);
    const [req, rej] = (await rlEvm.counters(executor, action)) as [bigint, bigint];
    expect([req, rej]).to.deep.equal([3n, 1n]);
    expect(await chain.query(rlWasm, { counters: pair })).to.deep.equal({ requests: "3", rejections: "1" });
  });

  it("--new starts a second deployment next to the complete one; the one after it is complete again", () => {
    const first = sync(dir).deployment;
    const r = hardhatRun("scripts/deploy.ts", env, ["--new"]);
    expect(r.status, r.out).to.equal(0);
    const second = sync(dir).deployment;
    expect(second).not.to.equal(first);
    expect(r.out).to.match(new RegExp(`deployment ${second} complete in`));
    const j = journal(dir);
    expect(j.filter((e) => e.phase === "complete").map((e) => e.deployment)).to.deep.equal([first, second]);
    const again = hardhatRun("scripts/deploy.ts", env);
    expect(again.status, again.out).to.equal(0);
    expect(again.out).to.include(`deployment ${second} is complete`);
  });

  it("timelock mode (VAGUS_TIMELOCK=1): wiring through the timelock, deployer renounces it, verify passes", () => {
    const dir2 = mkdtempSync(path.join(tmpdir(), "vagus-deploy-e2e-tl-"));
    try {
      const r = hardhatRun("scripts/deploy.ts", { VAGUS_DEPLOYMENTS_DIR: dir2, VAGUS_TIMELOCK: "1" });
      expect(r.status, r.out).to.equal(0);
      expect(r.out).to.match(/evm:timelock:schedule-wiring: ok/);
      expect(r.out).to.match(/evm:timelock:execute-wiring: ok/);
      expect(r.out).to.match(/wasm:timelock:schedule-wiring: ok/);
      expect(r.out).to.match(/wasm:timelock:execute-wiring: ok/);
      expect(r.out).to.match(/wasm:timelock:renounce-proposer: ok/);
      const v = hardhatRun("scripts/verify-deployment.ts", { VAGUS_DEPLOYMENTS_DIR: dir2 });
      expect(v.status, v.out).to.equal(0);
    } finally {
      rmSync(dir2, { recursive: true, force: true });
    }
  });
});
