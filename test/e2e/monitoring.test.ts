import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

import { expect } from "chai";
import { id, Interface, JsonRpcProvider, ZeroHash, type InterfaceAbi } from "ethers";

import { readEvmArtifact, startJsonRpcEvm, type RpcEvmChain } from "../../src/chains/evm";
import { CosmjsChain } from "../../src/chains/wasm";
import { AddressBook, snakeCase, toEvm, toWasm } from "../../src/equivalence";
import { dashboardQueries } from "../../src/monitoring/dashboard";
import { loadMonitoredDeployment } from "../../src/monitoring/deployment";
import { startMonitor } from "../../src/monitoring/cli";
import type { Exporter } from "../../src/monitoring/exporter";
import { loadSpec } from "../../src/spec";
import { RUNBOOK_METRICS } from "../monitoring/runbook-metrics";
import { localnet, mnemonicOf } from "./localnet";

/**
 * The exporter against the localnets, scraped by a real Prometheus (Debian package, started
 * here on a loopback port with the project's alerts.yml): a deployment by the runbook's
 * entry point, traffic on both chains (issues, denials, failures that open a breaker, a
 * SHUTDOWN, a parameter changed on CosmWasm only, an emergency pause), then Prometheus's
 * HTTP API: counters equal the chains' own counters and an independent log count, the
 * breaker-open, emergency-pause and hash-mismatch alerts fire; a restart of the exporter
 * and a stop/start of the CosmWasm node lose and double nothing.
 */

const ROOT = path.resolve(__dirname, "..", "..");
const spec = loadSpec();
const PROM_PORT = Number(process.env.VAGUS_E2E_PROMETHEUS_PORT ?? 19990);
const A1 = `0x${"a1".repeat(32)}`;
const A2 = `0x${"a2".repeat(32)}`;
const ROOT_HASH = `0x${"c3".repeat(32)}`;
const EX = 1;

/** The exporter's own log, printed when a test fails. */
const monitorLog: string[] = [];

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until<T>(what: string, fn: () => Promise<T | undefined | false>, ms = 90_000): Promise<T> {
  const end = Date.now() + ms;
  let last: unknown;
  while (Date.now() < end) {
    try {
      const v = await fn();
      if (v !== undefined && v !== false) return v;
    } catch (err) {
      last = err;
    }
    await sleep(500);
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${(last as Error).message}` : ""}`);
}

describe("monitoring e2e: exporter on the localnets, scraped by a real Prometheus", function () {
  this.timeout(1_200_000);
  const net = localnet();
  const dir = mkdtempSync(path.join(tmpdir(), "vagus-monitor-e2e-"));
  const env = { ...process.env, VAGUS_DEPLOYMENTS_DIR: dir };
  let evm: RpcEvmChain;
  let wasm: CosmjsChain;
  let monitor: { exporter: Exporter; port: number; stop: () => Promise<void> } | undefined;
  let prom: ChildProcess | undefined;
  const book = new AddressBook();
  let evmAccounts: string[];
  let wasmTimelock: string | undefined;

  // --- helpers: one stack-neutral call on either chain (spec names, canonical values) ---
  const evmArgs = (component: string, op: string, args: Record<string, unknown>) => {
    const c = spec.component(component);
    const o = c.operations.find((x) => x.name === op);
    if (!o) throw new Error(`${component}.${op} is not in the spec`);
    return o.args.map((a) => toEvm(c, a.type, args[a.name], book));
  };
  const wasmMsg = (component: string, op: string, args: Record<string, unknown>) => {
    const c = spec.component(component);
    const o = c.operations.find((x) => x.name === op);
    if (!o) throw new Error(`${component}.${op} is not in the spec`);
    const body: Record<string, unknown> = {};
    for (const a of o.args) body[snakeCase(a.name)] = toWasm(c, a.type, args[a.name], book);
    return { [snakeCase(op)]: body };
  };
  const onEvm = (component: string, op: string, args: Record<string, unknown>, from: string) =>
    evm.send({ to: book.evmOf(`@@${component}`), fn: op, args: evmArgs(component, op, args), from });
  const onWasm = (component: string, op: string, args: Record<string, unknown>, sender: string) =>
    wasm.execute({ contract: book.wasmOf(`@@${component}`), sender, msg: wasmMsg(component, op, args) });
  const both = async (component: string, op: string, args: Record<string, unknown>, actor: "operator" | "guardian") => {
    const e = await onEvm(component, op, args, actor === "operator" ? evmAccounts[4] : evmAccounts[2]);
    const w = await onWasm(component, op, args, wasm.address(actor === "operator" ? "alice" : "guardian"));
    return { e, w };
  };

  /** Admin calls through the EVM timelock (governance: Hardhat account #1, delay 2 s). */
  async function evmGovern(calls: { component: string; op: string; args: Record<string, unknown> }[]) {
    const timelock = loadMonitoredDeployment("localhost", env).evm.contracts.find((c) => c.component === "Timelock");
    if (!timelock) throw new Error("no EVM timelock recorded");
    const targets = calls.map((c) => book.evmOf(`@@${c.component}`));
    const payloads = calls.map((c) =>
      evm.interfaceOf(book.evmOf(`@@${c.component}`)).encodeFunctionData(c.op, evmArgs(c.component, c.op, c.args)),
    );
    const values = calls.map(() => 0n);
    const salt = id(`monitor-e2e-${Date.now()}`);
    const gov = evmAccounts[1];
    await evm.send({
      to: timelock.address,
      fn: "scheduleBatch",
      args: [targets, values, payloads, ZeroHash, salt, 2n],
      from: gov,
    });
    await sleep(3_000);
    await evm.mine();
    await evm.send({
      to: timelock.address,
      fn: "executeBatch",
      args: [targets, values, payloads, ZeroHash, salt],
      from: gov,
    });
  }

  /** Admin calls on CosmWasm: a timelock batch when the deployment has the timelock contract, else bob's own calls. */
  async function wasmGovern(calls: { component: string; op: string; args: Record<string, unknown> }[]) {
    const bob = wasm.address("bob");
    if (!wasmTimelock) {
      for (const c of calls) await onWasm(c.component, c.op, c.args, bob);
      return;
    }
    const batch = calls.map((c) => ({
      execute: {
        contract_addr: book.wasmOf(`@@${c.component}`),
        msg: Buffer.from(JSON.stringify(wasmMsg(c.component, c.op, c.args))).toString("base64"),
        funds: [],
      },
    }));
    const salt = id(`monitor-e2e-${Date.now()}`).slice(2);
    const predecessor = "00".repeat(32);
    await wasm.execute({
      contract: wasmTimelock,
      sender: bob,
      msg: { schedule_batch: { calls: batch, predecessor, salt, delay: "2" } },
    });
    const { id: op } = await wasm.query<{ id: string }>(wasmTimelock, {
      hash_operation_batch: { calls: batch, predecessor, salt },
    });
    await until(
      "the CosmWasm operation to be ready",
      async () =>
        (await wasm.query<{ is_operation_ready: boolean }>(wasmTimelock!, { is_operation_ready: { id: op } }))
          .is_operation_ready,
    );
    await wasm.execute({
      contract: wasmTimelock,
      sender: bob,
      msg: { execute_batch: { calls: batch, predecessor, salt } },
    });
  }

  async function promQuery(q: string): Promise<{ metric: Record<string, string>; value: [number, string] }[]> {
    const res = await fetch(`http://127.0.0.1:${PROM_PORT}/api/v1/query?query=${encodeURIComponent(q)}`);
    const body = (await res.json()) as { status: string; error?: string; data: { result: [] } };
    if (body.status !== "success") throw new Error(`${q}: ${body.error}`);
    return body.data.result;
  }
  async function promValue(q: string): Promise<number | undefined> {
    const r = await promQuery(q);
    return r.length === 0 ? undefined : Number(r[0].value[1]);
  }
  async function firing(): Promise<{ labels: Record<string, string>; state: string }[]> {
    const res = await fetch(`http://127.0.0.1:${PROM_PORT}/api/v1/alerts`);
    return (
      (await res.json()) as { data: { alerts: { labels: Record<string, string>; state: string }[] } }
    ).data.alerts.filter((a) => a.state === "firing");
  }
  async function startExporter() {
    monitor = await startMonitor(
      {
        evmNetwork: "localhost",
        evmUrl: net.evmRpc,
        port: 0,
        bind: "127.0.0.1",
        finalityEvm: 1,
        finalityWasm: 1,
        pollMs: 500,
        maxExecutors: 50,
        maxActions: 20,
      },
      (l) => monitorLog.push(l),
    );
    return monitor;
  }
  async function local(name: string, labels: Record<string, string>): Promise<number> {
    const m = monitor!.exporter.metrics.registry.getSingleMetric(name);
    const { values } = await m!.get();
    return values
      .filter((v) => Object.entries(labels).every(([k, x]) => String(v.labels[k]) === x))
      .reduce((s, v) => s + v.value, 0);
  }
  /** Waits until the exporter counted every block up to the chains' current heads (minus finality). */
  async function caughtUp(): Promise<void> {
    const evmHead = await evm.height();
    const wasmHead = await wasm.height();
    await evm.mine(); // one more block so the last traffic block is below the finality depth
    await until("the exporter to catch up", () =>
      Promise.resolve(monitor!.exporter.cursor.evm >= evmHead && monitor!.exporter.cursor.wasm >= wasmHead),
    );
  }

  before(async () => {
    // 1. Deploy both stacks with the runbook's entry point.
    const r = spawnSync(
      path.join(ROOT, "node_modules", ".bin", "hardhat"),
      ["run", "scripts/deploy.ts", "--network", "localhost"],
      {
        cwd: ROOT,
        env,
        encoding: "utf8",
        timeout: 900_000,
      },
    );
    expect(r.status, `${r.stdout}\n${r.stderr}`).to.equal(0);
    process.env.VAGUS_DEPLOYMENTS_DIR = dir;
    const d = loadMonitoredDeployment("localhost", env);
    evm = await startJsonRpcEvm({ url: net.evmRpc });
    evmAccounts = await evm.accounts();
    for (const c of d.evm.contracts) {
      book.setEvm(`@@${c.component}`, c.address);
      if (c.artifact) evm.registerAbi(c.address, readEvmArtifact(c.artifact));
    }
    for (const c of d.wasm.contracts) book.setWasm(`@@${c.component}`, c.address);
    wasmTimelock = d.wasm.contracts.find((c) => c.component === "Timelock")?.address;
    wasm = await CosmjsChain.connect({
      rpc: net.wasmRpc,
      chainId: net.chainId,
      prefix: net.prefix,
      gasPrice: net.gasPrice,
      signers: ["bob", "alice", "guardian", "consumer"].map((name) => ({ name, mnemonic: mnemonicOf(net, name) })),
    });
    // 2. The exporter (from the deployment's first block) and Prometheus scraping it.
    await startExporter();
    const promDir = path.join(dir, "prometheus");
    const config = path.join(dir, "prometheus.yml");
    writeFileSync(
      config,
      [
        "global:",
        "  scrape_interval: 1s",
        "  evaluation_interval: 1s",
        "rule_files:",
        `  - ${path.join(ROOT, "monitoring", "prometheus", "alerts.yml")}`,
        "scrape_configs:",
        "  - job_name: vagus",
        "    static_configs:",
        `      - targets: ["127.0.0.1:${monitor!.port}"]`,
        "",
      ].join("\n"),
    );
    prom = spawn(
      "prometheus",
      [`--config.file=${config}`, `--storage.tsdb.path=${promDir}`, `--web.listen-address=127.0.0.1:${PROM_PORT}`],
      { stdio: "ignore" },
    );
    await until(
      "Prometheus to be ready",
      async () => (await fetch(`http://127.0.0.1:${PROM_PORT}/-/ready`)).ok,
      60_000,
    );
    await until("Prometheus to scrape the exporter", async () => (await promValue('up{job="vagus"}')) === 1, 60_000);
  });

  afterEach(function () {
    if (this.currentTest?.state === "failed") console.log(monitorLog.slice(-20).join("\n"));
  });

  after(async () => {
    prom?.kill("SIGTERM");
    await monitor?.stop().catch(() => undefined);
    await evm?.close();
    await wasm?.close();
    // The CosmWasm node is back up whatever happened in between.
    spawnSync("bash", ["scripts/localnet.sh", "up", "wasm"], { cwd: ROOT, stdio: "ignore", timeout: 120_000 });
    delete process.env.VAGUS_DEPLOYMENTS_DIR;
    rmSync(dir, { recursive: true, force: true });
  });

  it("traffic on both chains: issues, limiter and guard denials, a breaker opened by failures, a SHUTDOWN", async () => {
    const operator = { evm: evmAccounts[4], wasm: wasm.address("alice") };
    const robot = { evm: evmAccounts[5], wasm: wasm.address("consumer") };
    const grants = (who: string) =>
      [
        ["CapabilityIssuer", "PLANNER"],
        ["CapabilityIssuer", "REPORTER"],
        ["ANSStateManager", "ORACLE"],
        ["AfferentInbox", "ATTESTOR"],
      ].map(([component, role]) => ({ component, op: "grantRole", args: { role, account: who } }));
    const setup = (who: string, exec: string) => [
      ...grants(who),
      { component: "CapabilityIssuer", op: "registerExecutor", args: { executorId: EX, account: exec } },
      {
        component: "VagalBrake",
        op: "setActionSchema",
        args: { actionId: A1, params: [{ name: "force", brakeable: true, cap: 1000 }] },
      },
      {
        component: "VagalBrake",
        op: "setActionSchema",
        args: { actionId: A2, params: [{ name: "force", brakeable: true, cap: 1000 }] },
      },
      {
        component: "CircuitBreaker",
        op: "setConfig",
        args: { config: { failureThreshold: 2, cooldown: 3600, halfOpenMaxProbes: 1, successThreshold: 1 } },
      },
      {
        component: "RateLimiter",
        op: "setPairConfig",
        args: { executorId: EX, actionId: A2, config: { capacity: 1, window: 3600, buckets: 6 } },
      },
    ];
    await evmGovern(setup(operator.evm, robot.evm));
    await wasmGovern(setup(operator.wasm, robot.wasm));

    const metrics = { sequence: 1, riskPpm: 0, forceMilliN: 0, velocityMilliMps: 0, temperatureMilliC: 20000 };
    await both("AfferentInbox", "postEvidence", { executorId: EX, stateRoot: ROOT_HASH, metrics }, "operator");
    let nonce = 0;
    const now = Math.floor(Date.now() / 1000);
    const intent = (actionId: string) => ({
      intent: {
        executorId: EX,
        actionId,
        nonce: ++nonce,
        notBefore: now - 3600,
        notAfter: now + 7200,
        ttl: 3600,
        preStateRoot: ROOT_HASH,
        params: [500],
      },
    });
    const tokens: { evm: string[]; wasm: string[] } = { evm: [], wasm: [] };
    const issue = async (actionId: string) => {
      const { e, w } = await both("CapabilityIssuer", "issue", intent(actionId), "operator");
      const te = e.events.find((x) => x.name === "CapabilityIssued")?.args.tokenId;
      if (te !== undefined) tokens.evm.push((te as bigint).toString());
      const tw = w.events
        .find((x) => x.type === "wasm-capability_issued")
        ?.attributes.find((a) => a.key === "token_id")?.value;
      if (tw !== undefined) tokens.wasm.push(tw);
    };
    for (let i = 0; i < 4; i++) await issue(A1); // 4 issued
    for (let i = 0; i < 3; i++) await issue(A2); // 1 issued, 2 RateLimited
    expect(tokens.evm).to.have.length(5);
    expect(tokens.wasm).to.have.length(5);
    // One success, then two failures: the (EX, A1) breaker opens (threshold 2).
    const report = async (i: number, success: boolean) => {
      await onEvm("CapabilityIssuer", "reportOutcome", { tokenId: tokens.evm[i], success }, operator.evm);
      await onWasm("CapabilityIssuer", "reportOutcome", { tokenId: tokens.wasm[i], success }, operator.wasm);
    };
    await report(0, true);
    await report(1, false);
    await report(2, false);
    await issue(A1); // BreakerOpen
    // Two SHUTDOWN readings: the executor enters SHUTDOWN, the reflex revokes its tokens.
    await both("ANSStateManager", "updateTone", { executorId: EX, tonePpm: 950_000 }, "operator");
    await both("ANSStateManager", "updateTone", { executorId: EX, tonePpm: 950_000 }, "operator");
    await issue(A2); // AnsBlocked
    expect(tokens.evm).to.have.length(5);
  });

  it("Prometheus's counters equal the chains' own counters and an independent count of their logs", async () => {
    await caughtUp();
    await sleep(3_000); // a scrape after the catch-up
    // The limiter's counters per pair and the issuer's per executor, read from each chain.
    for (const chain of ["evm", "wasm"] as const) {
      let requests = 0;
      let rejections = 0;
      for (const actionId of [A1, A2]) {
        const c =
          chain === "evm"
            ? await evm.call({ to: book.evmOf("@@RateLimiter"), fn: "counters", args: [EX, actionId] })
            : Object.values(
                await wasm.query<Record<string, string>>(
                  book.wasmOf("@@RateLimiter"),
                  wasmMsg("RateLimiter", "counters", { executorId: EX, actionId }),
                ),
              );
        requests += Number(c[0]);
        rejections += Number(c[1]);
      }
      expect(requests, chain).to.equal(7);
      expect(rejections, chain).to.equal(2);
      expect(
        await promValue(`sum(vagus_rate_limiter_requests_total{chain="${chain}",contract="capability_issuer"})`),
        chain,
      ).to.equal(requests);
      expect(await promValue(`sum(vagus_rate_limiter_rejections_total{chain="${chain}"})`), chain).to.equal(rejections);
      const breaker =
        chain === "evm"
          ? ((await evm.call({ to: book.evmOf("@@CircuitBreaker"), fn: "counters", args: [EX, A1] }))[0] as {
              successes: bigint;
              failures: bigint;
            })
          : await wasm.query<{ successes: string; failures: string }>(
              book.wasmOf("@@CircuitBreaker"),
              wasmMsg("CircuitBreaker", "counters", { executorId: EX, actionId: A1 }),
            );
      expect(await promValue(`sum(vagus_circuit_breaker_failures_total{chain="${chain}"})`), chain).to.equal(
        Number(breaker.failures),
      );
      expect(await promValue(`sum(vagus_circuit_breaker_successes_total{chain="${chain}"})`), chain).to.equal(
        Number(breaker.successes),
      );
      expect(await promValue(`sum(vagus_capability_issued_total{chain="${chain}"})`), chain).to.equal(5);
      expect(
        await promValue(`sum(vagus_capability_denied_total{chain="${chain}",code="RateLimited"})`),
        chain,
      ).to.equal(2);
      expect(
        await promValue(`sum(vagus_capability_denied_total{chain="${chain}",code="BreakerOpen"})`),
        chain,
      ).to.equal(1);
      expect(await promValue(`vagus_ans_state{chain="${chain}",executor_id="${EX}"}`), chain).to.equal(2);
      expect(await promValue(`sum(vagus_ans_transitions_total{chain="${chain}",to_state="SHUTDOWN"})`), chain).to.equal(
        1,
      );
      expect(
        await promValue(`vagus_circuit_breaker_state{chain="${chain}",contract="capability_issuer"}`),
        chain,
      ).to.equal(1);
    }
    // An independent count: CapabilityIssued logs on the EVM, read with ethers.
    const iface = new Interface(readEvmArtifact("CapabilityIssuer").abi as InterfaceAbi);
    const provider = new JsonRpcProvider(net.evmRpc);
    const logs = await provider.getLogs({
      address: book.evmOf("@@CapabilityIssuer"),
      topics: [iface.getEvent("CapabilityIssued")!.topicHash],
      fromBlock: 0,
    });
    provider.destroy();
    expect(await promValue('sum(vagus_capability_issued_total{chain="evm"})')).to.equal(logs.length);
    expect(await promValue('vagus_cross_chain_hash_match{component="params"}')).to.equal(1);
  });

  it("the breaker-open alert fires on both chains", async () => {
    const alerts = await until("VagusCircuitBreakerOpen to fire", async () => {
      const a = (await firing()).filter((x) => x.labels.alertname === "VagusCircuitBreakerOpen");
      return a.length === 2 ? a : undefined;
    });
    expect(alerts.map((a) => a.labels.chain).sort()).to.deep.equal(["evm", "wasm"]);
    expect(alerts.every((a) => a.labels.severity === "critical")).to.equal(true);
  });

  it("a restart of the exporter rebuilds the same totals from history", async () => {
    const names = [
      "vagus_capability_issued_total",
      "vagus_rate_limiter_rejections_total",
      "vagus_circuit_breaker_failures_total",
      "vagus_ans_transitions_total",
    ];
    const before: number[] = [];
    for (const n of names) for (const chain of ["evm", "wasm"]) before.push(await local(n, { chain }));
    const oldPort = monitor!.port;
    await monitor!.stop();
    monitor = undefined;
    // The same port, so Prometheus keeps scraping the same target.
    monitor = await startMonitor(
      {
        evmNetwork: "localhost",
        evmUrl: net.evmRpc,
        port: oldPort,
        bind: "127.0.0.1",
        finalityEvm: 1,
        finalityWasm: 1,
        pollMs: 500,
        maxExecutors: 50,
        maxActions: 20,
      },
      (l) => monitorLog.push(l),
    );
    await caughtUp();
    const after: number[] = [];
    for (const n of names) for (const chain of ["evm", "wasm"]) after.push(await local(n, { chain }));
    expect(after).to.deep.equal(before);
  });

  it("the CosmWasm node stopped and restarted: up=0 meanwhile, then no gap and no double count", async () => {
    const down = spawnSync("bash", ["scripts/localnet.sh", "down", "wasm"], {
      cwd: ROOT,
      encoding: "utf8",
      timeout: 120_000,
    });
    expect(down.status, down.stderr).to.equal(0);
    await until("wasm up=0", async () => (await local("vagus_exporter_chain_up", { chain: "wasm" })) === 0);
    await until(
      "Prometheus to see wasm up=0",
      async () => (await promValue('vagus_exporter_chain_up{chain="wasm"}')) === 0,
      30_000,
    );
    const up = spawnSync("bash", ["scripts/localnet.sh", "up", "wasm"], {
      cwd: ROOT,
      encoding: "utf8",
      timeout: 180_000,
    });
    expect(up.status, up.stderr).to.equal(0);
    await until("wasm up=1", async () => (await local("vagus_exporter_chain_up", { chain: "wasm" })) === 1);
    // More traffic after the outage: one more RateLimited denial on CosmWasm only... the executor is in SHUTDOWN,
    // so the issuer denies before the limiter; a direct count is what matters: totals equal the chain's counters.
    await caughtUp();
    const c = await wasm.query<{ requests: string; issued: string; denied: string }>(
      book.wasmOf("@@CapabilityIssuer"),
      wasmMsg("CapabilityIssuer", "counters", { executorId: EX }),
    );
    expect(await local("vagus_capability_issued_total", { chain: "wasm" })).to.equal(Number(c.issued));
    expect(await local("vagus_capability_denied_total", { chain: "wasm" })).to.equal(Number(c.denied));
  });

  it("a parameter changed on CosmWasm only: hash_match{component=params} goes to 0 and its alert fires", async () => {
    await wasmGovern([
      { component: "RateLimiter", op: "setDefaultConfig", args: { config: { capacity: 77, window: 60, buckets: 6 } } },
    ]);
    await until(
      "params mismatch in Prometheus",
      async () => (await promValue('vagus_cross_chain_hash_match{component="params"}')) === 0,
    );
    await until("VagusCrossChainHashMismatch to fire", async () =>
      (await firing()).some(
        (a) => a.labels.alertname === "VagusCrossChainHashMismatch" && a.labels.component === "params",
      ),
    );
  });

  it("an emergency pause of every contract by the guardian: the pause alert fires per contract", async () => {
    const components = [
      "RateLimiter",
      "CircuitBreaker",
      "ANSStateManager",
      "AfferentInbox",
      "VagalBrake",
      "CapabilityIssuer",
      "ReflexArc",
    ];
    for (const c of components) await both(c, "pause", {}, "guardian");
    await caughtUp();
    const alerts = await until("VagusEmergencyPause to fire for every contract", async () => {
      const a = (await firing()).filter((x) => x.labels.alertname === "VagusEmergencyPause");
      return a.length === components.length * 2 ? a : undefined;
    });
    expect(new Set(alerts.map((a) => `${a.labels.chain}:${a.labels.contract}`)).size).to.equal(components.length * 2);
  });

  it("Prometheus has every runbook metric name, and every dashboard query parses and runs", async () => {
    const res = await fetch(`http://127.0.0.1:${PROM_PORT}/api/v1/label/__name__/values`);
    const names = new Set(((await res.json()) as { data: string[] }).data);
    for (const n of Object.keys(RUNBOOK_METRICS)) {
      expect(names.has(n) || names.has(`${n}_bucket`), n).to.equal(true);
    }
    for (const { panel, expr } of dashboardQueries()) {
      const r = await promQuery(expr).catch((err: Error) => err);
      expect(r instanceof Error ? r.message : "ok", panel).to.equal("ok");
    }
    // A panel of each row returns data now.
    expect((await promQuery("vagus_circuit_breaker_state")).length).to.be.greaterThan(0);
    expect(
      (await promQuery('sum by (alertname, severity, chain) (ALERTS{alertstate="firing",alertname=~"Vagus.*"})'))
        .length,
    ).to.be.greaterThan(0);
  });

  it("`npm run monitor` serves every runbook metric name and the chain's totals; bad options exit 2 before any chain is read", async () => {
    const port = Number(process.env.VAGUS_E2E_MONITOR_PORT ?? 19991);
    const child = spawn("npm", ["run", "-s", "monitor"], {
      cwd: ROOT,
      env: { ...env, VAGUS_MONITOR_PORT: String(port), VAGUS_EVM_NETWORK: "localhost" },
      stdio: ["ignore", "pipe", "pipe"],
      detached: true,
    });
    let out = "";
    child.stdout?.on("data", (b: Buffer) => (out += b.toString()));
    child.stderr?.on("data", (b: Buffer) => (out += b.toString()));
    try {
      const text = await until(
        "npm run monitor to serve the chain's totals",
        async () => {
          const t = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
          const issued = [...t.matchAll(/^vagus_capability_issued_total\{[^}]*chain="evm"\} (\d+)$/gm)].reduce(
            (n, m) => n + Number(m[1]),
            0,
          );
          return issued === 5 ? t : undefined;
        },
        180_000,
      ).catch((err: Error) => {
        throw new Error(`${err.message}\n${out}`);
      });
      for (const name of Object.keys(RUNBOOK_METRICS)) expect(text, name).to.include(`# TYPE ${name} `);
      expect(out).to.match(/serving http:\/\/127\.0\.0\.1:\d+\/metrics/);
    } finally {
      if (child.pid) process.kill(-child.pid, "SIGTERM");
    }
    const bad = spawnSync(
      path.join(ROOT, "node_modules", ".bin", "hardhat"),
      ["vagus:monitor", "--network", "localhost", "--port", "70000", "--bind", "not-an-ip"],
      {
        cwd: ROOT,
        env,
        encoding: "utf8",
        timeout: 120_000,
      },
    );
    expect(bad.status, bad.stdout + bad.stderr).to.equal(2);
    expect(bad.stderr).to.match(/--port must be an integer in 0\.\.65535, got 70000/);
    expect(bad.stderr).to.match(/--bind must be an IP address, got not-an-ip/);
  });
});
