import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";

import { expect } from "chai";

import { EngineClient, WasmChainError, defaultEngineBin, type ChainEvent } from "../../src/chains/wasm";
import { loadSpec } from "../../src/spec";

/**
 * The embedded CosmWasm backend (`vagus-wasm-engine serve` behind `WasmChain`) running the
 * compiled RateLimiter artifact. Expected values come from spec/rate-limiter.md:
 * capacity 2, window 60, buckets 6, so B = 10 s and bucket j covers [10j, 10j + 10).
 */

const ROOT = path.resolve(__dirname, "..", "..");
const WASM = path.join(ROOT, "artifacts", "wasm", "rate_limiter.wasm");
const spec = loadSpec();
const T0 = spec.timeOrigin; // a multiple of 10: bucket c0 = T0 / 10 starts at T0
const EXECUTOR = 7;
const ACTION = "ab".repeat(32); // bytes32 on CosmWasm: lowercase hex, no 0x
const pair = { executor_id: String(EXECUTOR), action_id: ACTION };

async function rejection(p: Promise<unknown>): Promise<WasmChainError> {
  try {
    await p;
  } catch (err) {
    expect(err).to.be.instanceOf(WasmChainError);
    return err as WasmChainError;
  }
  throw new Error("expected a rejection");
}

function eventsOfType(events: ChainEvent[], type: string): ChainEvent[] {
  return events.filter((e) => e.type === type);
}

describe("chains/wasm: embedded engine client", function () {
  let chain: EngineClient;
  let admin: string;
  let consumer: string;
  let stranger: string;
  let contract: string;

  before(function () {
    if (!existsSync(WASM)) {
      throw new Error(`${path.relative(ROOT, WASM)} is missing: run \`npm run build:wasm\``);
    }
    const bin = defaultEngineBin();
    if (!existsSync(bin)) {
      if (process.env.VAGUS_WASM_ENGINE_BIN) {
        throw new Error(`VAGUS_WASM_ENGINE_BIN=${bin} does not exist`);
      }
      this.timeout(45 * 60_000);
      execFileSync("cargo", ["build", "-p", "vagus-wasm-engine", "--locked"], {
        cwd: ROOT,
        stdio: "inherit",
        timeout: 40 * 60_000,
      });
      if (!existsSync(bin)) throw new Error(`cargo build did not produce ${bin}`);
    }
  });

  before(async function () {
    chain = await EngineClient.start();
    [admin, consumer, stranger] = await Promise.all(["admin", "consumer", "stranger"].map((n) => chain.addrMake(n)));
  });

  after(async function () {
    await chain?.close();
  });

  it("stores and instantiates the artifact at a caller-set block", async function () {
    const stored = await chain.store(WASM);
    expect(stored.codeId).to.equal(1);
    expect(stored.checksum).to.match(/^[0-9a-f]{64}$/);

    const inst = await chain.instantiate({
      codeId: stored.codeId,
      sender: admin,
      admin,
      label: "rate-limiter",
      msg: { admin, default_config: { capacity: 2, window: 60, buckets: 6 } },
    });
    contract = inst.address;
    expect(contract).to.match(/^wasm1[0-9a-z]+$/);
    expect(inst.gas.used).to.be.greaterThan(0);

    await chain.execute({ contract, sender: admin, msg: { grant_role: { role: "consumer", account: consumer } } });
    const block = await chain.setBlock({ time: T0 + 5, height: 100 });
    expect(block).to.include({ time: T0 + 5, height: 100 });
    expect(block.timeNanos).to.equal(`${T0 + 5}000000000`);
  });

  it("reads code and contract info; has no instantiate2 (unsupported)", async function () {
    const stored = await chain.codeChecksum(1);
    expect(stored).to.match(/^[0-9a-f]{64}$/);
    expect(await chain.findCode(stored)).to.deep.equal({ codeId: 1, checksum: stored });
    expect(await chain.findCode("00".repeat(32))).to.equal(undefined);
    expect((await rejection(chain.codeChecksum(99))).kind).to.equal("not_found");
    const info = await chain.contractInfo(contract);
    expect(info).to.include({ address: contract, codeId: 1, creator: admin, admin, label: "rate-limiter" });
    expect(await chain.contractInfo(stranger)).to.equal(undefined);
    const err = await rejection(
      chain.instantiate2({ codeId: 1, sender: admin, msg: {}, salt: new Uint8Array([1]), checksum: stored }),
    );
    expect(err.kind).to.equal("unsupported");
  });

  it("consumes up to capacity, then denies with retry_at and a consume_denied event (code 2100)", async function () {
    const snap = await chain.snapshot();
    const consume = { consume: pair };

    // t = T0 + 5: bucket c0 gets 1.
    const first = await chain.execute({ contract, sender: consumer, msg: consume });
    expect(first.data).to.deep.equal({ allowed: true, retry_at: "0" });
    expect(eventsOfType(first.events, "wasm-consume_denied")).to.be.empty;
    expect(first.gas.used).to.be.greaterThan(0);

    // t = T0 + 15: bucket c0 + 1 gets 1; used = 2 = capacity.
    await chain.setBlock({ time: T0 + 15, height: 101 });
    const second = await chain.execute({ contract, sender: consumer, msg: consume });
    expect(second.data).to.deep.equal({ allowed: true, retry_at: "0" });

    // t = T0 + 25: c = c0 + 2, live buckets c0 - 3 .. c0 + 2, used = 2 >= 2: denied.
    // Walk from the oldest: c0 - 3 .. c0 - 1 empty (2 left), c0 holds 1 -> 1 < 2, so
    // retryAt = (c0 + 6) * 10 = T0 + 60.
    await chain.setBlock({ time: T0 + 25, height: 102 });
    const retryAt = String(T0 + 60);
    const third = await chain.execute({ contract, sender: consumer, msg: consume });
    expect(third.data).to.deep.equal({ allowed: false, retry_at: retryAt });
    const denied = eventsOfType(third.events, "wasm-consume_denied");
    expect(denied).to.have.length(1);
    expect(denied[0].attributes).to.deep.equal([
      { key: "_contract_address", value: contract },
      { key: "executor_id", value: String(EXECUTOR) },
      { key: "action_id", value: ACTION },
      { key: "code", value: "2100" },
      { key: "used", value: "2" },
      { key: "retry_at", value: retryAt },
    ]);

    expect(await chain.query(contract, { usage: pair })).to.deep.equal({ used: 2, capacity: 2, retry_at: retryAt });
    expect(await chain.query(contract, { counters: pair })).to.deep.equal({ requests: "3", rejections: "1" });

    // A stranger lacks CONSUMER: Unauthorized (1001), and the failed transaction changed nothing.
    const err = await rejection(chain.execute({ contract, sender: stranger, msg: consume }));
    expect(err.code).to.equal(1001);
    expect(err.specName).to.equal("Unauthorized");
    expect(err.kind).to.equal("contract");
    expect(err.op).to.equal("execute");
    expect(await chain.query(contract, { counters: pair })).to.deep.equal({ requests: "3", rejections: "1" });

    // Restoring the snapshot returns the state and the block to before the consumes.
    await chain.restore(snap);
    expect(await chain.block()).to.include({ time: T0 + 5, height: 100 });
    expect(await chain.query(contract, { usage: pair })).to.deep.equal({ used: 0, capacity: 2, retry_at: "0" });
    expect(await chain.query(contract, { counters: pair })).to.deep.equal({ requests: "0", rejections: "0" });
  });

  it("reports engine errors with their kind and no spec code", async function () {
    const err = await rejection(chain.query("wasm1nosuchcontract", { usage: pair }));
    expect(err.code).to.equal(undefined);
    expect(err.kind).to.not.equal("contract");
  });

  it("rejects pending and later requests when the process dies; close() is idempotent", async function () {
    const other = await EngineClient.start();
    const pid = other.pid;
    expect(pid).to.be.a("number");
    // The first answer may already sit in the pipe when the process dies; the second request
    // is sent after the kill, so it can only be rejected.
    const pending = (async () => {
      await other.addrMake("x").catch(() => undefined);
      return other.request("info", {});
    })();
    process.kill(pid as number, "SIGKILL");
    const err = await rejection(pending);
    expect(err.kind).to.equal("closed");
    expect(err.message).to.match(/exited/);
    expect(other.alive).to.equal(false);
    expect((await rejection(other.block())).kind).to.equal("closed");
    await other.close();
    await other.close();
  });

  it("fails clearly when the binary is missing", async function () {
    const err = await EngineClient.start({ bin: path.join(ROOT, "target", "no-such-engine") }).then(
      () => new Error("started"),
      (e: Error) => e,
    );
    expect(err.message).to.contain("cargo build -p vagus-wasm-engine");
  });
});
