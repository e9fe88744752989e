import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

import { StargateClient } from "@cosmjs/stargate";
import { expect } from "chai";
import { Interface, JsonRpcProvider, id as keccakText } from "ethers";
import hre from "hardhat";

import { readEvmArtifact } from "../../src/chains/evm";
import { CosmjsChain } from "../../src/chains/wasm";
import { ToolError } from "../../src/cli/errors";
import { runDeployment } from "../../src/deploy/runner";
import { verifyDeployment } from "../../src/deploy/verify";
import { configFromHre, evmEndpointFromHre } from "../../src/deployment/endpoints";
import {
  cancelProposal,
  executeProposal,
  GOV,
  proposalStatus,
  proposeOperations,
  type ProposalRecord,
} from "../../src/governance";
import { localnet, mnemonicOf } from "./localnet";

/**
 * `vagus:gov` on both real nodes: one deployment in timelock mode with a short delay;
 * a setter proposed on both stacks (refused before its eta with 12007 and nothing sent,
 * executed after, done on both chains); a malicious proposal queued by a compromised
 * proposer cancelled by a guardian on both stacks; the multisig export files submitted
 * as they are; and the command line's coded exits.
 */

const ROOT = path.resolve(__dirname, "..", "..");
// Hardhat's default test accounts (deploy/params/local.json): #1 governance, #2 guardian, #3 outsider.
const PROPOSER = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";
const GUARDIAN = "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC";
const OUTSIDER = "0x90F79bf6EB2c4f870365E785982E1f101E93b906";
const DELAY = 6;
const ACTION = keccakText("e2e-governance-weld");

describe("vagus:gov on the localnets: propose, execute, guardian cancel, multisig export", function () {
  this.timeout(300_000);
  const net = localnet();
  const dir = mkdtempSync(path.join(tmpdir(), "vagus-gov-e2e-"));
  // No response cache: spawnSync blocks the timer that would expire it, so a nonce read
  // after a child process could be the one cached before it.
  const provider = new JsonRpcProvider(net.evmRpc, undefined, { cacheTimeout: -1 });
  const base: NodeJS.ProcessEnv = {
    ...process.env,
    VAGUS_DEPLOYMENTS_DIR: path.join(dir, "deployments"),
    VAGUS_GOVERNANCE_DIR: path.join(dir, "governance"),
    VAGUS_DEPLOY_PARAMS: path.join(dir, "params.json"),
    VAGUS_TIMELOCK: "1",
  };
  const as = (evm: string, wasmKey: string): NodeJS.ProcessEnv => ({
    ...base,
    VAGUS_GOV_FROM: evm,
    VAGUS_WASM_KEY_FILE: net.keyFiles[wasmKey],
  });
  const proposer = as(PROPOSER, "bob");
  const guardian = as(GUARDIAN, "guardian");
  const outsider = as(OUTSIDER, "consumer");
  const quiet = { log: () => undefined };
  let chain: CosmjsChain;
  let reader: StargateClient;
  let sync: { evm: { contracts: Record<string, string> }; wasm: { contracts: Record<string, string> } };

  const seq = async (name: string) => (await reader.getSequence(net.addresses[name])).sequence;
  const expectCode = async (p: Promise<unknown>, code: number) => {
    const err = await p.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err, `expected error ${code}`).to.be.instanceOf(ToolError);
    expect((err as ToolError).code, (err as Error).message).to.equal(code);
    return err as ToolError;
  };

  before(async () => {
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
      signers: ["bob"].map((name) => ({ name, mnemonic: mnemonicOf(net, name) })),
    });
    reader = await StargateClient.connect(net.wasmRpc);
  });
  after(async () => {
    await chain?.close();
    reader?.disconnect();
    provider.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  it("verification checks the CANCELLER grant of every guardian on both timelocks, and they hold it", async () => {
    const cfg = configFromHre(hre, base, { requireKey: false });
    const evm = await evmEndpointFromHre(hre);
    const report = await verifyDeployment(cfg, evm).finally(() => evm.chain.close());
    const grants = report.checks.filter((c) => /canceller guardian/i.test(c.check));
    expect(grants.map((c) => c.stack).sort()).to.deep.equal(["evm", "wasm"]);
    for (const c of grants) expect(c.ok, `${c.stack} ${c.check}: ${c.actual}`).to.equal(true);
    expect(
      report.ok,
      report.checks
        .filter((c) => !c.ok)
        .map((c) => `${c.subject} ${c.check}`)
        .join("; "),
    ).to.equal(true);
  });

  let setter: ProposalRecord;
  it("a setter proposed on both stacks is scheduled with one parameter hash and a record naming both operations", async () => {
    setter = await proposeOperations(
      hre,
      [
        {
          component: "rate-limiter",
          operation: "setPairConfig",
          args: { executorId: 7, actionId: ACTION, config: { capacity: 10, window: 60, buckets: 4 } },
        },
      ],
      { ...quiet, env: proposer },
    );
    const file = path.join(base.VAGUS_GOVERNANCE_DIR!, "localhost+wasm-localnet", `${setter.id}.json`);
    expect(existsSync(file)).to.equal(true);
    const onDisk = JSON.parse(readFileSync(file, "utf8")) as ProposalRecord;
    expect(onDisk.state).to.equal("proposed");
    expect(onDisk.operations[0].paramsHash?.sha256).to.match(/^0x[0-9a-f]{64}$/);
    for (const s of ["evm", "wasm"] as const) {
      const p = onDisk[s]!;
      expect(p.state, s).to.equal("scheduled");
      expect(p.txs.schedule, s).to.be.a("string");
      expect(p.eta, s).to.be.a("number");
      expect(p.delay, s).to.equal(String(DELAY));
    }
    expect(onDisk.evm!.proposer).to.equal(PROPOSER);
    expect(onDisk.wasm!.proposer).to.equal(net.addresses.bob);
    expect(onDisk.evm!.targets).to.deep.equal([sync.evm.contracts.RateLimiter]);
    expect(onDisk.wasm!.calls![0]).to.have.nested.property("execute.contract_addr", sync.wasm.contracts.RateLimiter);
    // The ids are the timelocks' own: each chain reports the operation as pending.
    const tl = new Interface(readEvmArtifact("VagusTimelock").abi as never);
    const pending = await provider.call({
      to: sync.evm.contracts.timelock,
      data: tl.encodeFunctionData("isOperationPending", [onDisk.evm!.operationId]),
    });
    expect(tl.decodeFunctionResult("isOperationPending", pending)[0]).to.equal(true);
    const w = await chain.query<{ is_operation_pending: boolean }>(sync.wasm.contracts.timelock, {
      is_operation_pending: { id: onDisk.wasm!.operationId },
    });
    expect(w.is_operation_pending).to.equal(true);
  });

  it("execute before the eta is refused with 12007 and sends nothing on either chain; status shows pending with time left", async () => {
    const nonce = await provider.getTransactionCount(PROPOSER);
    const sequence = await seq("bob");
    const err = await expectCode(executeProposal(hre, setter.id, { ...quiet, env: proposer }), GOV.NOT_READY);
    expect(err.nothingSent).to.equal(true);
    expect(await provider.getTransactionCount(PROPOSER)).to.equal(nonce);
    expect(await seq("bob")).to.equal(sequence);
    const [st] = await proposalStatus(hre, setter.id, { ...quiet, env: base });
    for (const row of st.stacks) {
      expect(row.state, row.stack).to.equal("pending");
      expect(row.secondsLeft, row.stack).to.be.greaterThan(0).and.at.most(DELAY);
    }
  });

  it("after the eta it executes on both stacks: the pair config is set on both chains and status is done on both", async () => {
    const r = await executeProposal(hre, setter.id, { ...quiet, env: proposer, waitUntilReady: true });
    expect(r.state).to.equal("executed");
    expect(r.evm!.txs.execute).to.be.a("string");
    expect(r.wasm!.txs.execute).to.be.a("string");
    const [st] = await proposalStatus(hre, setter.id, { ...quiet, env: base });
    expect(st.stacks.map((s) => `${s.stack}:${s.state}`)).to.deep.equal(["evm:done", "wasm:done"]);
    const rl = new Interface(readEvmArtifact("RateLimiter").abi as never);
    const out = rl.decodeFunctionResult(
      "pairConfig",
      await provider.call({
        to: sync.evm.contracts.RateLimiter,
        data: rl.encodeFunctionData("pairConfig", [7, ACTION]),
      }),
    );
    expect(out[0]).to.equal(true);
    expect(out[1].map((x: bigint) => Number(x))).to.deep.equal([10, 60, 4]);
    const wq = await chain.query<{
      has_override: boolean;
      config: { capacity: number; window: number; buckets: number };
    }>(sync.wasm.contracts.RateLimiter, { pair_config: { executor_id: "7", action_id: ACTION.slice(2) } });
    expect(wq.has_override).to.equal(true);
    expect(wq.config).to.deep.equal({ capacity: 10, window: 60, buckets: 4 });
  });

  it("a malicious proposal queued by a compromised proposer: an outsider cannot cancel it (12006), a guardian cancels it on both stacks, and it can no longer execute", async () => {
    const attacker = { evm: OUTSIDER, wasm: net.addresses.alice };
    const bad = await proposeOperations(
      hre,
      [{ component: "timelock", operation: "grantRole", args: { role: "PROPOSER", account: attacker } }],
      { ...quiet, env: proposer, description: "compromised proposer adds its own proposer" },
    );
    const nonce = await provider.getTransactionCount(OUTSIDER);
    await expectCode(cancelProposal(hre, bad.id, { ...quiet, env: outsider }), GOV.MISSING_ROLE);
    expect(await provider.getTransactionCount(OUTSIDER)).to.equal(nonce);

    const r = await cancelProposal(hre, bad.id, { ...quiet, env: guardian });
    expect(r.state).to.equal("cancelled");
    expect(r.evm!.canceller).to.equal(GUARDIAN);
    expect(r.wasm!.canceller).to.equal(net.addresses.guardian);
    const [st] = await proposalStatus(hre, bad.id, { ...quiet, env: base });
    expect(st.stacks.map((s) => `${s.stack}:${s.state}`)).to.deep.equal(["evm:cancelled", "wasm:cancelled"]);

    // Past its eta the cancelled operation stays unexecutable: the command refuses, and
    // the timelocks themselves refuse a direct execute (9003 on both).
    await new Promise((res) => setTimeout(res, (DELAY + 1) * 1000));
    await expectCode(executeProposal(hre, bad.id, { ...quiet, env: proposer }), GOV.WRONG_STATE);
    const tl = new Interface(readEvmArtifact("VagusTimelock").abi as never);
    const p = bad.evm!;
    const direct = await provider
      .call({
        from: PROPOSER,
        to: sync.evm.contracts.timelock,
        data: tl.encodeFunctionData("executeBatch", [p.targets, p.values, p.payloads, p.predecessor, p.salt]),
      })
      .then(
        () => "executed",
        (e: { data?: string }) => e.data ?? "no data",
      );
    expect(direct.slice(0, 10)).to.equal(tl.getError("TimelockUnexpectedOperationState")!.selector);
    const wasmDirect = await chain
      .execute({
        contract: sync.wasm.contracts.timelock,
        sender: chain.address("bob"),
        msg: { execute_batch: { calls: bad.wasm!.calls, predecessor: bad.wasm!.predecessor, salt: bad.wasm!.salt } },
      })
      .then(
        () => "executed",
        (e: Error) => e.message,
      );
    expect(wasmDirect).to.match(/vagus:9003/);
    const has = tl.decodeFunctionResult(
      "hasRole",
      await provider.call({
        to: sync.evm.contracts.timelock,
        data: tl.encodeFunctionData("hasRole", [keccakText("PROPOSER_ROLE"), OUTSIDER]),
      }),
    )[0];
    expect(has).to.equal(false);
    const wHas = await chain.query<{ has_role: boolean }>(sync.wasm.contracts.timelock, {
      has_role: { role: "proposer", account: net.addresses.alice },
    });
    expect(wHas.has_role).to.equal(false);
  });

  it("an operation a compromised proposer schedules directly on both timelocks (no record) is cancelled by a guardian by its operation ids", async () => {
    const tl = new Interface(readEvmArtifact("VagusTimelock").abi as never);
    const evmTl = sync.evm.contracts.timelock;
    const wasmTl = sync.wasm.contracts.timelock;
    const salt = keccakText(`direct-${Date.now()}`);
    const zero = `0x${"00".repeat(32)}`;
    const grant = tl.encodeFunctionData("grantRole", [keccakText("PROPOSER_ROLE"), OUTSIDER]);
    const sent = await (
      await provider.getSigner(PROPOSER)
    ).sendTransaction({ to: evmTl, data: tl.encodeFunctionData("schedule", [evmTl, 0, grant, zero, salt, DELAY]) });
    expect((await sent.wait())?.status).to.equal(1);
    const evmId = tl.decodeFunctionResult(
      "hashOperation",
      await provider.call({ to: evmTl, data: tl.encodeFunctionData("hashOperation", [evmTl, 0, grant, zero, salt]) }),
    )[0] as string;
    const call = {
      execute: {
        contract_addr: wasmTl,
        msg: Buffer.from(JSON.stringify({ grant_role: { role: "proposer", account: net.addresses.alice } })).toString(
          "base64",
        ),
        funds: [],
      },
    };
    await chain.execute({
      contract: wasmTl,
      sender: chain.address("bob"),
      msg: { schedule: { call, predecessor: zero.slice(2), salt: salt.slice(2), delay: String(DELAY) } },
    });
    const { id: wasmId } = await chain.query<{ id: string }>(wasmTl, {
      hash_operation: { call, predecessor: zero.slice(2), salt: salt.slice(2) },
    });

    const r = await cancelProposal(hre, `${evmId},${wasmId}`, { ...quiet, env: guardian });
    expect(r.state).to.equal("cancelled");
    expect(r.evm!.canceller).to.equal(GUARDIAN);
    expect(r.wasm!.canceller).to.equal(net.addresses.guardian);
    const isOp = tl.decodeFunctionResult(
      "isOperation",
      await provider.call({ to: evmTl, data: tl.encodeFunctionData("isOperation", [evmId]) }),
    )[0];
    expect(isOp).to.equal(false);
    expect(
      (await chain.query<{ is_operation: boolean }>(wasmTl, { is_operation: { id: wasmId } })).is_operation,
    ).to.equal(false);
    const [st] = await proposalStatus(hre, r.id, { ...quiet, env: base });
    expect(st.stacks.map((s) => `${s.stack}:${s.state}`)).to.deep.equal(["evm:cancelled", "wasm:cancelled"]);
  });

  it("--export by a non-proposer writes a Safe batch and an unsigned CosmWasm tx naming the timelocks and the schedule; submitted by the proposers as written, the proposal is pending on both", async () => {
    const out = path.join(dir, "export");
    const nonce = await provider.getTransactionCount(OUTSIDER);
    const r = await proposeOperations(hre, [{ component: "rate-limiter", operation: "unpause", args: {} }], {
      ...quiet,
      env: outsider,
      exportDir: out,
    });
    expect(r.state).to.equal("exported");
    expect(await provider.getTransactionCount(OUTSIDER)).to.equal(nonce);

    const safe = JSON.parse(readFileSync(r.evm!.exported!, "utf8")) as {
      version: string;
      chainId: string;
      meta: { createdFromSafeAddress: string };
      transactions: { to: string; value: string; data: string; contractMethod: { name: string } }[];
    };
    expect(safe.version).to.equal("1.0");
    expect(safe.chainId).to.equal("31337");
    expect(safe.meta.createdFromSafeAddress).to.equal(PROPOSER);
    expect(safe.transactions).to.have.length(1);
    const t = safe.transactions[0];
    expect(t.to).to.equal(sync.evm.contracts.timelock);
    expect(t.value).to.equal("0");
    expect(t.contractMethod.name).to.equal("scheduleBatch");
    const tl = new Interface(readEvmArtifact("VagusTimelock").abi as never);
    const decoded = tl.decodeFunctionData("scheduleBatch", t.data);
    expect(decoded[0]).to.deep.equal([sync.evm.contracts.RateLimiter]);
    const rl = new Interface(readEvmArtifact("RateLimiter").abi as never);
    expect(rl.parseTransaction({ data: decoded[2][0] as string })?.name).to.equal("unpause");
    expect(decoded[5]).to.equal(BigInt(DELAY));

    const unsigned = JSON.parse(readFileSync(r.wasm!.exported!, "utf8")) as {
      body: {
        messages: {
          "@type": string;
          sender: string;
          contract: string;
          msg: { schedule_batch: { calls: { execute: { contract_addr: string; msg: string } }[] } };
        }[];
      };
      auth_info: unknown;
      signatures: unknown[];
    };
    const m = unsigned.body.messages[0];
    expect(m["@type"]).to.equal("/cosmwasm.wasm.v1.MsgExecuteContract");
    expect(m.contract).to.equal(sync.wasm.contracts.timelock);
    expect(m.sender).to.equal(net.addresses.bob);
    const call = m.msg.schedule_batch.calls[0].execute;
    expect(call.contract_addr).to.equal(sync.wasm.contracts.RateLimiter);
    expect(JSON.parse(Buffer.from(call.msg, "base64").toString())).to.deep.equal({ unpause: {} });
    expect(unsigned.signatures).to.deep.equal([]);

    // The multisigs' side: the EVM proposer sends the batch's transaction as it is; wasmd
    // signs and broadcasts the unsigned file as it is.
    const tx = await (await provider.getSigner(PROPOSER)).sendTransaction({ to: t.to, data: t.data, value: 0 });
    expect((await tx.wait())?.status).to.equal(1);
    const wasmd = wasmdEnvFile(net.dir);
    const env = { ...process.env, LD_LIBRARY_PATH: wasmd.VAGUS_WASMD_LIB };
    const bin = wasmd.VAGUS_WASMD_BIN;
    const home = wasmd.VAGUS_WASMD_HOME;
    const signed = path.join(out, "signed.json");
    const sign = spawnSync(
      bin,
      [
        "tx",
        "sign",
        r.wasm!.exported!,
        "--from",
        "bob",
        "--keyring-backend",
        "test",
        "--home",
        home,
        "--chain-id",
        net.chainId,
        "--node",
        net.wasmRpc,
        "--output-document",
        signed,
      ],
      { env, encoding: "utf8" },
    );
    expect(sign.status, sign.stderr).to.equal(0);
    const bc = spawnSync(
      bin,
      ["tx", "broadcast", signed, "--node", net.wasmRpc, "--broadcast-mode", "sync", "--output", "json"],
      {
        env,
        encoding: "utf8",
      },
    );
    expect(bc.status, bc.stderr).to.equal(0);
    expect((JSON.parse(bc.stdout) as { code: number; raw_log: string }).code, bc.stdout).to.equal(0);
    let rows: string[] = [];
    for (let i = 0; i < 20; i++) {
      const [st] = await proposalStatus(hre, r.id, { ...quiet, env: base });
      rows = st.stacks.map((s) => `${s.stack}:${s.state}`);
      if (rows.every((x) => x.endsWith(":pending"))) break;
      await new Promise((res) => setTimeout(res, 500));
    }
    expect(rows).to.deep.equal(["evm:pending", "wasm:pending"]);
    // The record made by the export serves the rest of the proposal's life.
    const c = await cancelProposal(hre, r.id, { ...quiet, env: guardian });
    expect(c.state).to.equal("cancelled");
  });

  it("a propose killed after sending its EVM schedule resumes when run again: same proposal, the EVM schedule found on chain and not resent, the CosmWasm one sent", async () => {
    const nonce = await provider.getTransactionCount(PROPOSER);
    const killed = spawnSync(
      path.join(ROOT, "node_modules", ".bin", "hardhat"),
      ["vagus:gov", "propose", "unpause", "--component", "circuit-breaker", "--network", "localhost"],
      { cwd: ROOT, env: { ...proposer, VAGUS_GOV_CRASH_AT: "evm:schedule" }, encoding: "utf8", timeout: 120_000 },
    );
    expect(killed.signal, killed.stdout + killed.stderr).to.equal("SIGKILL");
    expect(killed.stdout).to.match(/\[1\/2\] evm:schedule: EVM timelock\.scheduleBatch/);
    const id = /proposal (\d{8}T\d{6}-[0-9a-f]{8})/.exec(killed.stdout)![1];
    expect(await provider.getTransactionCount(PROPOSER)).to.equal(nonce + 1);

    const lines: string[] = [];
    const r = await proposeOperations(hre, [{ component: "circuit-breaker", operation: "unpause", args: {} }], {
      log: (l) => lines.push(l),
      env: proposer,
    });
    expect(r.id).to.equal(id);
    expect(lines.join("\n")).to.match(/\[1\/2\] evm:schedule: found on chain, recorded/);
    expect(lines.join("\n")).to.match(/\[2\/2\] wasm:schedule: ok tx [0-9A-F]{64}, gas \d+/);
    expect(await provider.getTransactionCount(PROPOSER)).to.equal(nonce + 1);
    const [st] = await proposalStatus(hre, id, { ...quiet, env: base });
    expect(st.stacks.map((x) => `${x.stack}:${x.state}`)).to.deep.equal(["evm:pending", "wasm:pending"]);
    await cancelProposal(hre, id, { ...quiet, env: guardian });
  });

  it("an unknown proposal id is 12008 for every verb", async () => {
    const id = "20200101T000000-00000000";
    await expectCode(executeProposal(hre, id, { ...quiet, env: proposer }), GOV.UNKNOWN_PROPOSAL);
    await expectCode(cancelProposal(hre, id, { ...quiet, env: guardian }), GOV.UNKNOWN_PROPOSAL);
    await expectCode(proposalStatus(hre, id, { ...quiet, env: base }), GOV.UNKNOWN_PROPOSAL);
  });

  it("the command line exits 1 with a coded error and sends nothing on bad input (a missing argument)", () => {
    const run = (args: string[]) =>
      spawnSync(path.join(ROOT, "node_modules", ".bin", "hardhat"), ["vagus:gov", ...args, "--network", "localhost"], {
        cwd: ROOT,
        env: proposer,
        encoding: "utf8",
        timeout: 120_000,
      });
    const missing = run(["propose", "setPairConfig", "--component", "rate-limiter", "executorId=7"]);
    expect(missing.status, missing.stdout + missing.stderr).to.equal(1);
    expect(missing.stderr).to.match(/error 12003: RateLimiter\.setPairConfig: missing argument actionId/);
    expect(missing.stderr).to.match(/nothing was sent/);
  });
});

function wasmdEnvFile(dir: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const line of readFileSync(path.join(dir, "env"), "utf8").split("\n")) {
    const m = /^export ([A-Z0-9_]+)=(.*)$/.exec(line);
    if (m) env[m[1]] = m[2];
  }
  return env;
}
