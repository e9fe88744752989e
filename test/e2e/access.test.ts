import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, renameSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

import { expect } from "chai";
import { id } from "ethers";

import { CosmjsChain } from "../../src/chains/wasm";
import { loadSpec } from "../../src/spec";
import { localnet, mnemonicOf } from "./localnet";

/**
 * Access review, recovery and snapshot on the localnets, on one deployment: a fresh
 * deployment passes `vagus:roles`; an unplanned grant made out of band through the CosmWasm
 * timelock fails it, naming the holder; `deployments/` deleted, `vagus:recover` rebuilds
 * it and `verify-deployment` passes on the rebuilt records, whose address books equal the
 * deleted ones except `updated`, `time` and the CosmWasm `tx`/`block` (see docs/runbook.md
 * "Recovery"); `vagus:snapshot` finds both stacks equal, and a difference once one stack's
 * RateLimiter is paused.
 */

const ROOT = path.resolve(__dirname, "..", "..");
const PAIR = "localhost+wasm-localnet";
const spec = loadSpec();

function hardhat(args: string[], env: Record<string, string>) {
  const r = spawnSync(path.join(ROOT, "node_modules", ".bin", "hardhat"), [...args, "--network", "localhost"], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    encoding: "utf8",
    timeout: 600_000,
  });
  return { status: r.status, out: `${r.stdout}\n${r.stderr}` };
}

type Book = { updated: string; contracts: Record<string, Record<string, unknown> & { history: unknown[] }> };

const readJson = <T>(file: string) => JSON.parse(readFileSync(file, "utf8")) as T;

/** A book without the fields recovery cannot know (when the records were written, and for
 *  CosmWasm the upload/instantiate transactions, which no query returns). */
function comparable(book: Book, stack: "evm" | "wasm") {
  const drop = stack === "wasm" ? ["time", "tx", "block"] : ["time"];
  const strip = (r: Record<string, unknown>) =>
    Object.fromEntries(Object.entries(r).filter(([k]) => !drop.includes(k)));
  return Object.fromEntries(
    Object.entries(book.contracts).map(([name, e]) => [
      name,
      { ...strip(e), history: e.history.map((h) => strip(h as Record<string, unknown>)) },
    ]),
  );
}

describe("access review, recovery and snapshot on the localnets", function () {
  this.timeout(900_000);
  const net = localnet();
  const dir = mkdtempSync(path.join(tmpdir(), "vagus-access-e2e-"));
  const env = { VAGUS_DEPLOYMENTS_DIR: dir };
  let chain: CosmjsChain;
  let sync: {
    deployment: string;
    evm: { contracts: Record<string, string> };
    wasm: { contracts: Record<string, string> };
  };

  before(async () => {
    const r = hardhat(["run", "scripts/deploy.ts"], env);
    expect(r.status, r.out).to.equal(0);
    sync = readJson(path.join(dir, PAIR, "sync.json"));
    chain = await CosmjsChain.connect({
      rpc: net.wasmRpc,
      chainId: net.chainId,
      prefix: net.prefix,
      gasPrice: net.gasPrice,
      signers: ["bob", "guardian"].map((name) => ({ name, mnemonic: mnemonicOf(net, name) })),
    });
  });
  after(async () => {
    await chain?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("vagus:roles passes on a fresh deployment and lists the plan's holders on both stacks", () => {
    const r = hardhat(["vagus:roles", "--json"], env);
    expect(r.status, r.out).to.equal(0);
    const review = JSON.parse(r.out.slice(r.out.indexOf("{"), r.out.lastIndexOf("}") + 1)) as {
      ok: boolean;
      rows: { stack: string; component: string; role: string; holder: string; status: string }[];
    };
    expect(review.ok).to.equal(true);
    const has = (stack: string, component: string, role: string, holder: string) =>
      review.rows.some(
        (x) =>
          x.stack === stack &&
          x.component === component &&
          x.role === role &&
          x.holder.toLowerCase() === holder.toLowerCase(),
      );
    for (const stack of ["evm", "wasm"] as const) {
      const a = sync[stack].contracts;
      expect(has(stack, "CapabilityIssuer", "REVOKER", a.ReflexArc), `${stack} REVOKER`).to.equal(true);
      expect(has(stack, "ReflexArc", "NOTIFIER", a.AfferentInbox), `${stack} NOTIFIER`).to.equal(true);
      expect(has(stack, "RateLimiter", "ADMIN", a.timelock), `${stack} ADMIN`).to.equal(true);
    }
    expect(has("wasm", "RateLimiter", "CHAIN_ADMIN", sync.wasm.contracts.timelock)).to.equal(true);
    expect(has("evm", "RateLimiter", "UPGRADER", sync.evm.contracts.timelock)).to.equal(true);
    expect(has("wasm", "timelock", "PROPOSER", net.addresses.bob)).to.equal(true);
  });

  it("an unplanned GUARDIAN granted through the CosmWasm timelock fails vagus:roles, naming it", async () => {
    const stranger = net.addresses.consumer ?? net.addresses.alice;
    expect(stranger, "a localnet account that the plan gives no role").to.be.a("string");
    const timelock = sync.wasm.contracts.timelock;
    const msg = { grant_role: { role: spec.role("GUARDIAN").wasm, account: stranger } };
    const calls = [
      {
        execute: {
          contract_addr: sync.wasm.contracts.RateLimiter,
          msg: Buffer.from(JSON.stringify(msg)).toString("base64"),
          funds: [],
        },
      },
    ];
    const salt = id(`access-e2e-${Date.now()}`).slice(2);
    const predecessor = "00".repeat(32);
    const bob = net.addresses.bob;
    await chain.execute({
      contract: timelock,
      sender: bob,
      msg: { schedule_batch: { calls, predecessor, salt, delay: "2" } },
    });
    const { id: op } = await chain.query<{ id: string }>(timelock, {
      hash_operation_batch: { calls, predecessor, salt },
    });
    for (let i = 0; i < 60; i++) {
      if (
        (await chain.query<{ is_operation_ready: boolean }>(timelock, { is_operation_ready: { id: op } }))
          .is_operation_ready
      )
        break;
      await new Promise((res) => setTimeout(res, 500));
    }
    await chain.execute({ contract: timelock, sender: bob, msg: { execute_batch: { calls, predecessor, salt } } });

    const r = hardhat(["vagus:roles"], env);
    expect(r.status, r.out).to.equal(1);
    expect(r.out).to.contain(`wasm RateLimiter: ${stranger} holds GUARDIAN, which the plan does not name`);
    expect(r.out).to.match(/roles: 1 problem\(s\)/);
    // The EVM side alone is still the plan's.
    expect(hardhat(["vagus:roles", "--stacks", "evm"], env).status).to.equal(0);
  });

  it("bad input is a coded error and reads nothing: --stacks cosmos, --rotate without --to", () => {
    const a = hardhat(["vagus:roles", "--stacks", "cosmos"], env);
    expect(a.status).to.equal(1);
    expect(a.out).to.contain("error 16002");
    const b = hardhat(["vagus:roles", "--rotate", "GUARDIAN", "--from", net.addresses.bob], env);
    expect(b.status).to.equal(1);
    expect(b.out).to.contain("error 16007");
  });

  it("deployments/ deleted: vagus:recover rebuilds it, verify-deployment passes, the books equal the deleted ones", () => {
    const books = {
      evm: readJson<Book>(path.join(dir, "localhost", "addresses.json")),
      wasm: readJson<Book>(path.join(dir, "wasm-localnet", "addresses.json")),
    };
    const oldSync = readJson<typeof sync & { pairs: unknown }>(path.join(dir, PAIR, "sync.json"));
    // An existing deployment is never overwritten without --force.
    const refused = hardhat(["vagus:recover"], env);
    expect(refused.status, refused.out).to.equal(1);
    expect(refused.out).to.contain("error 16010");

    const gone = `${dir}.deleted`;
    renameSync(dir, gone);
    try {
      const r = hardhat(["vagus:recover"], env);
      expect(r.status, r.out).to.equal(0);
      expect(existsSync(path.join(dir, PAIR, "journal.jsonl"))).to.equal(true);
      const v = hardhat(["verify-deployment"], env);
      expect(v.status, v.out).to.equal(0);
      expect(v.out).to.match(/verify: all \d+ checks pass/);
      const now = {
        evm: readJson<Book>(path.join(dir, "localhost", "addresses.json")),
        wasm: readJson<Book>(path.join(dir, "wasm-localnet", "addresses.json")),
      };
      expect(comparable(now.evm, "evm")).to.deep.equal(comparable(books.evm, "evm"));
      expect(comparable(now.wasm, "wasm")).to.deep.equal(comparable(books.wasm, "wasm"));
      const s = readJson<typeof oldSync>(path.join(dir, PAIR, "sync.json"));
      const { updated: _a, ...rest } = s as unknown as Record<string, unknown>;
      const { updated: _b, ...oldRest } = oldSync as unknown as Record<string, unknown>;
      expect(rest).to.deep.equal(oldRest);
    } finally {
      rmSync(gone, { recursive: true, force: true });
    }
  });

  it("vagus:snapshot finds both stacks equal, component by component, and writes the file", () => {
    const out = path.join(dir, "snapshot.json");
    const r = hardhat(["vagus:snapshot", "--out", out], env);
    expect(r.status, r.out).to.equal(0);
    const s = readJson<{ ok: boolean; components: Record<string, { equal: boolean; evm: Record<string, unknown> }> }>(
      out,
    );
    expect(s.ok).to.equal(true);
    expect(Object.keys(s.components).sort()).to.deep.equal(
      [
        "ANSStateManager",
        "AfferentInbox",
        "CapabilityIssuer",
        "CircuitBreaker",
        "RateLimiter",
        "ReflexArc",
        "VagalBrake",
      ].sort(),
    );
    // The links read back as the other component's name on both stacks.
    expect(JSON.stringify(s.components.ReflexArc.evm.issuer)).to.contain("@@CapabilityIssuer");
  });
  it("a pause on one stack only makes vagus:snapshot exit 1, naming the component and the read", async () => {
    await chain.execute({
      contract: sync.wasm.contracts.RateLimiter,
      sender: net.addresses.guardian,
      msg: { emergency_pause: {} },
    });
    const r = hardhat(["vagus:snapshot"], env);
    expect(r.status, r.out).to.equal(1);
    expect(r.out).to.match(/DIFFERENT\s+RateLimiter/);
    expect(r.out).to.contain('paused: evm {"paused":false} / wasm {"paused":true}');
    expect(r.out).to.match(/equal\s+CircuitBreaker/);
  });
  it("--rotate proposes grant-then-revoke in one proposal; once executed the new guardian holds the role, the old one not", () => {
    const gov = {
      ...env,
      VAGUS_GOV_FROM: "0x70997970C51812dc3A010C7d01b50e0d17dc79C8",
      VAGUS_WASM_KEY_FILE: net.keyFiles.bob,
      VAGUS_GOVERNANCE_DIR: path.join(dir, "governance"),
    };
    const OLD = "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC";
    const NEW = "0x90F79bf6EB2c4f870365E785982E1f101E93b906";
    const p = hardhat(
      [
        "vagus:roles",
        "--rotate",
        "GUARDIAN",
        "--from",
        `${OLD},@account:guardian`,
        "--to",
        `${NEW},@account:consumer`,
        "--component",
        "CircuitBreaker",
      ],
      gov,
    );
    expect(p.status, p.out).to.equal(0);
    const proposal = /proposal (\S+):/.exec(p.out)?.[1];
    expect(proposal, p.out).to.be.a("string");
    const rec = readJson<{ operations: { component: string; operation: string }[] }>(
      path.join(dir, "governance", PAIR, `${proposal}.json`),
    );
    expect(rec.operations.map((o) => `${o.component}.${o.operation}`)).to.deep.equal([
      "CircuitBreaker.grantRole",
      "CircuitBreaker.revokeRole",
    ]);
    const x = hardhat(["vagus:gov", "execute", proposal!, "--wait"], gov);
    expect(x.status, x.out).to.equal(0);
    const r = hardhat(["vagus:roles"], env);
    expect(r.status, r.out).to.equal(1);
    for (const [stack, who] of [
      ["evm", NEW],
      ["wasm", net.addresses.consumer],
    ])
      expect(r.out).to.contain(`${stack} CircuitBreaker: ${who} holds GUARDIAN, which the plan does not name`);
    for (const [stack, who] of [
      ["evm", OLD],
      ["wasm", net.addresses.guardian],
    ])
      expect(r.out).to.contain(
        `${stack} CircuitBreaker: ${who} (governance.guardians) should hold GUARDIAN but does not`,
      );
  });
});
