import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";

import { expect } from "chai";
import { ethers } from "hardhat";
import type { Signer } from "ethers";

import { EngineClient, WasmChainError, defaultEngineBin } from "../../src/chains/wasm";
import { canonicalEncode, sha256 } from "../../src/cbor";
import { loadSpec, revertDataOf, decodeRevert } from "../../src/spec";
import type { RateLimiter, VagusTimelock } from "../../typechain-types";
import { mineAt, setNextTimestamp, snapshot, CALL_GAS_LIMIT } from "../helpers/chain";
import { deployRateLimiter } from "../helpers/deploy";

/**
 * The same governance sequence against OpenZeppelin's TimelockController (VagusTimelock on
 * Hardhat's EVM) and against `vagus-timelock` (the compiled wasm in the embedded engine),
 * on one clock: before every step both chains are set to the same second. Each timelock
 * governs a RateLimiter of its own stack (holds its ADMIN role; on CosmWasm also its wasm
 * admin). After every step the outcome (success, or the spec error code) and the state
 * (every operation's state and timestamp, the minimum delay, the limiter's capacity) must
 * be equal on both stacks and equal to what spec/timelock.md predicts, written by hand in
 * each step's `expect`.
 */

const ROOT = path.resolve(__dirname, "..", "..");
const TL_WASM = path.join(ROOT, "artifacts", "wasm", "timelock.wasm");
const RL_WASM = path.join(ROOT, "artifacts", "wasm", "rate_limiter.wasm");
const spec = loadSpec();
const TL = spec.component("Timelock");
const RL = spec.component("RateLimiter");
const T0 = spec.timeOrigin;
const MIN_DELAY = 3600;
const ZERO32 = "00".repeat(32);

type Actor = "proposer" | "executor" | "stranger";
type OpName = "A" | "B" | "C" | "D" | "E";

/** An operation in stack-neutral terms. */
interface OpDef {
  /** Calls: set the limiter's default capacity, or change the timelock's own min delay. */
  calls: ({ setCapacity: number } | { updateDelay: number })[];
  batch: boolean;
  predecessor?: OpName;
}

const OPS: Record<OpName, OpDef> = {
  A: { calls: [{ setCapacity: 5 }], batch: false },
  B: { calls: [{ setCapacity: 7 }], batch: false, predecessor: "A" },
  C: { calls: [{ updateDelay: 7200 }], batch: false },
  D: { calls: [{ setCapacity: 0 }], batch: false }, // the limiter refuses: ZeroCapacity (2002)
  E: { calls: [{ setCapacity: 8 }, { setCapacity: 9 }], batch: true },
};

type Action =
  { schedule: OpName; delay: number } | { execute: OpName } | { cancel: OpName } | { updateDelayDirectly: number };

interface Step {
  at: number; // seconds after T0
  by: Actor;
  do: Action;
  /** Spec code of the expected error, or null for success. */
  expect: number | null;
  /** Expected states after the step (spec OperationState numbers), for the ops named. */
  states?: Partial<Record<OpName, number>>;
  capacity?: number;
  minDelay?: number;
}

const [UNSET, WAITING, READY, DONE] = [0, 1, 2, 3];

// From spec/timelock.md §2: Ready from timestamp inclusive; 9002 short delay; 9003 wrong
// state; 9004 predecessor not Done; 9005 updateDelay not by the timelock; 1001 role; a
// failing call bubbles the callee's code (RateLimiter ZeroCapacity 2002).
const STEPS: Step[] = [
  { at: 0, by: "stranger", do: { schedule: "A", delay: MIN_DELAY }, expect: 1001, states: { A: UNSET } },
  { at: 0, by: "proposer", do: { schedule: "A", delay: MIN_DELAY - 1 }, expect: 9002, states: { A: UNSET } },
  { at: 0, by: "proposer", do: { schedule: "A", delay: MIN_DELAY }, expect: null, states: { A: WAITING } },
  { at: 0, by: "proposer", do: { schedule: "A", delay: MIN_DELAY }, expect: 9003 },
  { at: 10, by: "proposer", do: { schedule: "B", delay: MIN_DELAY }, expect: null, states: { B: WAITING } },
  { at: 3599, by: "executor", do: { execute: "A" }, expect: 9003, states: { A: WAITING }, capacity: 3 },
  { at: 3600, by: "stranger", do: { execute: "A" }, expect: 1001, states: { A: READY, B: WAITING } },
  { at: 3610, by: "executor", do: { execute: "B" }, expect: 9004, states: { A: READY, B: READY }, capacity: 3 },
  { at: 3610, by: "executor", do: { execute: "A" }, expect: null, states: { A: DONE }, capacity: 5 },
  { at: 3610, by: "executor", do: { execute: "B" }, expect: null, states: { B: DONE }, capacity: 7 },
  { at: 3610, by: "executor", do: { execute: "A" }, expect: 9003, states: { A: DONE } },
  { at: 3700, by: "proposer", do: { schedule: "D", delay: MIN_DELAY }, expect: null, states: { D: WAITING } },
  { at: 7300, by: "executor", do: { execute: "D" }, expect: 2002, states: { D: READY }, capacity: 7 },
  { at: 7300, by: "proposer", do: { cancel: "D" }, expect: null, states: { D: UNSET } },
  { at: 7300, by: "proposer", do: { cancel: "D" }, expect: 9003 },
  { at: 7300, by: "stranger", do: { cancel: "A" }, expect: 1001 },
  { at: 7300, by: "proposer", do: { cancel: "A" }, expect: 9003, states: { A: DONE } },
  { at: 7300, by: "proposer", do: { updateDelayDirectly: 1 }, expect: 9005, minDelay: MIN_DELAY },
  { at: 7300, by: "proposer", do: { schedule: "C", delay: MIN_DELAY }, expect: null, states: { C: WAITING } },
  { at: 10900, by: "executor", do: { execute: "C" }, expect: null, states: { C: DONE }, minDelay: 7200 },
  { at: 10900, by: "proposer", do: { schedule: "E", delay: 7199 }, expect: 9002, states: { E: UNSET } },
  { at: 10900, by: "proposer", do: { schedule: "E", delay: 7200 }, expect: null, states: { E: WAITING } },
  { at: 18099, by: "executor", do: { execute: "E" }, expect: 9003, states: { E: WAITING } },
  { at: 18100, by: "executor", do: { execute: "E" }, expect: null, states: { E: DONE }, capacity: 9 },
  { at: 18100, by: "proposer", do: { cancel: "E" }, expect: 9003, states: { E: DONE } },
];

/** One stack behind the stack-neutral actions. */
interface StackDriver {
  name: string;
  setTime(t: number): Promise<void>;
  /** null on success, else the spec code of the error. */
  run(by: Actor, action: Action): Promise<number | null>;
  state(op: OpName): Promise<number>;
  /** The stored timestamp, relative to T0 when it is a time (0 and 1 as is). */
  timestamp(op: OpName): Promise<number>;
  minDelay(): Promise<number>;
  capacity(): Promise<number>;
}

function b64(json: unknown): string {
  return Buffer.from(JSON.stringify(json)).toString("base64");
}

function relative(ts: bigint | number): number {
  const n = Number(ts);
  return n <= 1 ? n : n - T0;
}

// ---------------------------------------------------------------------------------- EVM

async function evmDriver(): Promise<StackDriver> {
  const [deployer, proposer, executor, stranger] = await ethers.getSigners();
  const signers: Record<Actor, Signer> = { proposer, executor, stranger };
  const limiter: RateLimiter = await deployRateLimiter(deployer.address, { capacity: 3, window: 60, buckets: 6 });
  const timelock: VagusTimelock = await ethers.deployContract("VagusTimelock", [
    MIN_DELAY,
    [proposer.address],
    [executor.address],
    ethers.ZeroAddress,
  ]);
  const tlAddr = await timelock.getAddress();
  const rlAddr = await limiter.getAddress();
  await (await limiter.grantRole(ethers.ZeroHash, tlAddr)).wait();
  await (await limiter.renounceRole(ethers.ZeroHash, deployer.address)).wait();

  const encode = (call: OpDef["calls"][number]): { target: string; data: string } =>
    "setCapacity" in call
      ? {
          target: rlAddr,
          data: limiter.interface.encodeFunctionData("setDefaultConfig", [
            { capacity: call.setCapacity, window: 60, buckets: 6 },
          ]),
        }
      : { target: tlAddr, data: timelock.interface.encodeFunctionData("updateDelay", [call.updateDelay]) };
  const ids = new Map<OpName, string>();
  const idOf = async (op: OpName): Promise<string> => {
    const known = ids.get(op);
    if (known) return known;
    const def = OPS[op];
    const pred = def.predecessor ? await idOf(def.predecessor) : ethers.ZeroHash;
    const calls = def.calls.map(encode);
    const id = def.batch
      ? await timelock.hashOperationBatch(
          calls.map((c) => c.target),
          calls.map(() => 0),
          calls.map((c) => c.data),
          pred,
          ethers.ZeroHash,
        )
      : await timelock.hashOperation(calls[0].target, 0, calls[0].data, pred, ethers.ZeroHash);
    ids.set(op, id);
    return id;
  };
  let now = 0;
  let readBlock = 0;
  const view = async (): Promise<{ blockTag: number }> => {
    if (readBlock === 0) readBlock = await mineAt(now);
    return { blockTag: readBlock };
  };

  return {
    name: "evm",
    setTime(t) {
      now = t;
      readBlock = 0;
      return Promise.resolve();
    },
    async run(by, action) {
      const tl = timelock.connect(signers[by]);
      const opt = { gasLimit: CALL_GAS_LIMIT };
      await setNextTimestamp(now);
      try {
        if ("schedule" in action || "execute" in action) {
          const op = "schedule" in action ? action.schedule : action.execute;
          const def = OPS[op];
          const pred = def.predecessor ? await idOf(def.predecessor) : ethers.ZeroHash;
          const calls = def.calls.map(encode);
          const targets = calls.map((c) => c.target);
          const values = calls.map(() => 0);
          const datas = calls.map((c) => c.data);
          if ("schedule" in action) {
            const tx = def.batch
              ? await tl.scheduleBatch(targets, values, datas, pred, ethers.ZeroHash, action.delay, opt)
              : await tl.schedule(targets[0], 0, datas[0], pred, ethers.ZeroHash, action.delay, opt);
            await tx.wait();
          } else {
            const tx = def.batch
              ? await tl.executeBatch(targets, values, datas, pred, ethers.ZeroHash, opt)
              : await tl.execute(targets[0], 0, datas[0], pred, ethers.ZeroHash, opt);
            await tx.wait();
          }
        } else if ("cancel" in action) {
          await (await tl.cancel(await idOf(action.cancel), opt)).wait();
        } else {
          await (await tl.updateDelay(action.updateDelayDirectly, opt)).wait();
        }
        return null;
      } catch (err) {
        const data = revertDataOf(err);
        if (data === undefined) throw err;
        const decoded = decodeRevert(TL, data) ?? decodeRevert(RL, data);
        if (!decoded) throw new Error(`EVM revert without a spec error: ${data}`, { cause: err });
        return decoded.code;
      }
    },
    async state(op) {
      return Number(await timelock.getOperationState(await idOf(op), await view()));
    },
    async timestamp(op) {
      return relative(await timelock.getTimestamp(await idOf(op), await view()));
    },
    async minDelay() {
      return Number(await timelock.getMinDelay(await view()));
    },
    async capacity() {
      return Number((await limiter.defaultConfig(await view())).capacity);
    },
  };
}

// ---------------------------------------------------------------------------- CosmWasm

interface WasmCall {
  execute: { contract_addr: string; msg: string; funds: never[] };
}

async function wasmDriver(chain: EngineClient): Promise<{ driver: StackDriver; timelock: string }> {
  const [deployer, proposer, executor, stranger] = await Promise.all(
    ["deployer", "proposer", "executor", "stranger"].map((n) => chain.addrMake(n)),
  );
  const actors: Record<Actor, string> = { proposer, executor, stranger };
  await chain.setBlock({ time: T0, height: 1 });
  const tlCode = (await chain.store(TL_WASM)).codeId;
  const rlCode = (await chain.store(RL_WASM)).codeId;
  const timelock = (
    await chain.instantiate({
      codeId: tlCode,
      sender: deployer,
      msg: { min_delay: String(MIN_DELAY), proposers: [proposer], executors: [executor], admin: null },
      admin: undefined,
      label: "vagus-timelock",
    })
  ).address;
  const limiter = (
    await chain.instantiate({
      codeId: rlCode,
      sender: deployer,
      msg: { admin: deployer, default_config: { capacity: 3, window: 60, buckets: 6 } },
      admin: timelock,
      label: "vagus-rate-limiter",
    })
  ).address;
  await chain.execute({
    contract: limiter,
    sender: deployer,
    msg: { grant_role: { role: "admin", account: timelock } },
  });
  await chain.execute({
    contract: limiter,
    sender: deployer,
    msg: { renounce_role: { role: "admin", caller_confirmation: deployer } },
  });

  const encode = (call: OpDef["calls"][number]): WasmCall =>
    "setCapacity" in call
      ? {
          execute: {
            contract_addr: limiter,
            msg: b64({ set_default_config: { config: { capacity: call.setCapacity, window: 60, buckets: 6 } } }),
            funds: [],
          },
        }
      : {
          execute: {
            contract_addr: timelock,
            msg: b64({ update_delay: { new_delay: String(call.updateDelay) } }),
            funds: [],
          },
        };
  const ids = new Map<OpName, string>();
  const idOf = async (op: OpName): Promise<string> => {
    const known = ids.get(op);
    if (known) return known;
    const def = OPS[op];
    const predecessor = def.predecessor ? await idOf(def.predecessor) : ZERO32;
    const calls = def.calls.map(encode);
    const q = def.batch
      ? { hash_operation_batch: { calls, predecessor, salt: ZERO32 } }
      : { hash_operation: { call: calls[0], predecessor, salt: ZERO32 } };
    const { id } = await chain.query<{ id: string }>(timelock, q);
    ids.set(op, id);
    return id;
  };
  let height = 1;

  const driver: StackDriver = {
    name: "wasm",
    async setTime(t) {
      height += 1;
      await chain.setBlock({ time: t, height });
    },
    async run(by, action) {
      let msg: unknown;
      if ("schedule" in action || "execute" in action) {
        const op = "schedule" in action ? action.schedule : action.execute;
        const def = OPS[op];
        const predecessor = def.predecessor ? await idOf(def.predecessor) : ZERO32;
        const calls = def.calls.map(encode);
        const body = def.batch ? { calls, predecessor, salt: ZERO32 } : { call: calls[0], predecessor, salt: ZERO32 };
        if ("schedule" in action) {
          msg = { [def.batch ? "schedule_batch" : "schedule"]: { ...body, delay: String(action.delay) } };
        } else {
          msg = { [def.batch ? "execute_batch" : "execute"]: body };
        }
      } else if ("cancel" in action) {
        msg = { cancel: { id: await idOf(action.cancel) } };
      } else {
        msg = { update_delay: { new_delay: String(action.updateDelayDirectly) } };
      }
      try {
        await chain.execute({ contract: timelock, sender: actors[by], msg });
        return null;
      } catch (err) {
        if (!(err instanceof WasmChainError) || err.code === undefined) throw err;
        return err.code;
      }
    },
    async state(op) {
      return (await chain.query<{ state: number }>(timelock, { get_operation_state: { id: await idOf(op) } })).state;
    },
    async timestamp(op) {
      const r = await chain.query<{ timestamp: string }>(timelock, { get_timestamp: { id: await idOf(op) } });
      return relative(BigInt(r.timestamp));
    },
    async minDelay() {
      return Number((await chain.query<{ min_delay: string }>(timelock, { get_min_delay: {} })).min_delay);
    },
    async capacity() {
      return (await chain.query<{ capacity: number }>(limiter, { default_config: {} })).capacity;
    },
  };
  return { driver, timelock };
}

// ------------------------------------------------------------------------------- tests

describe("governance: timelock side by side (OpenZeppelin on Hardhat vs vagus-timelock in the engine)", function () {
  let chain: EngineClient;
  let evm: StackDriver;
  let wasm: StackDriver;
  let wasmTimelock: string;
  // The Hardhat network is shared by every test file: its clock must go back to where it
  // was (later files schedule from the spec's time origin).
  let restoreEvm: (() => Promise<void>) | undefined;

  before(function () {
    for (const f of [TL_WASM, RL_WASM]) {
      if (!existsSync(f)) throw new Error(`${path.relative(ROOT, f)} is missing: run \`npm run build:wasm\``);
    }
    if (!existsSync(defaultEngineBin())) {
      this.timeout(45 * 60_000);
      execFileSync("cargo", ["build", "-p", "vagus-wasm-engine", "--locked"], { cwd: ROOT, stdio: "inherit" });
    }
  });

  before(async function () {
    this.timeout(120_000);
    const snap = await snapshot();
    restoreEvm = () => snap.restore();
    chain = await EngineClient.start();
    await setNextTimestamp(T0);
    evm = await evmDriver();
    ({ driver: wasm, timelock: wasmTimelock } = await wasmDriver(chain));
  });

  after(async function () {
    await chain?.close();
    await restoreEvm?.();
  });

  it("every step has the same outcome and leaves the same state on both stacks, as the spec predicts", async function () {
    this.timeout(120_000);
    const ops = Object.keys(OPS) as OpName[];
    for (const [i, step] of STEPS.entries()) {
      const where = `step ${i + 1} (t0+${step.at}, ${step.by}, ${JSON.stringify(step.do)})`;
      const t = T0 + step.at;
      await evm.setTime(t);
      await wasm.setTime(t);
      // `execute` of a batch operation is executeBatch on both stacks.
      const [evmOut, wasmOut] = [await evm.run(step.by, step.do), await wasm.run(step.by, step.do)];
      expect({ evm: evmOut, wasm: wasmOut }, where).to.deep.equal({ evm: step.expect, wasm: step.expect });

      for (const op of ops) {
        const [es, ws] = [await evm.state(op), await wasm.state(op)];
        expect(ws, `${where}: state of ${op} (evm ${es}, wasm ${ws})`).to.equal(es);
        const [et, wt] = [await evm.timestamp(op), await wasm.timestamp(op)];
        expect(wt, `${where}: timestamp of ${op}`).to.equal(et);
      }
      for (const [op, want] of Object.entries(step.states ?? {})) {
        expect(await evm.state(op as OpName), `${where}: spec state of ${op}`).to.equal(want);
      }
      const [ed, wd] = [await evm.minDelay(), await wasm.minDelay()];
      expect(wd, `${where}: min delay`).to.equal(ed);
      if (step.minDelay !== undefined) expect(ed, `${where}: spec min delay`).to.equal(step.minDelay);
      const [ec, wc] = [await evm.capacity(), await wasm.capacity()];
      expect(wc, `${where}: limiter capacity`).to.equal(ec);
      if (step.capacity !== undefined) expect(ec, `${where}: spec capacity`).to.equal(step.capacity);
    }
  });

  it("the CosmWasm id is sha256 of the canonical CBOR that spec/timelock.md §3 describes", async function () {
    const target = await chain.addrMake("someone");
    const msg = Buffer.from('{"pause":{}}');
    const call = {
      execute: { contract_addr: target, msg: msg.toString("base64"), funds: [{ denom: "uvag", amount: "12" }] },
    };
    const salt = "ab".repeat(32);
    const { id } = await chain.query<{ id: string }>(wasmTimelock, {
      hash_operation: { call, predecessor: ZERO32, salt },
    });
    const cbor = canonicalEncode({
      call: { kind: "execute", contract: target, msg: new Uint8Array(msg), funds: [["uvag", "12"]] },
      predecessor: new Uint8Array(32),
      salt: new Uint8Array(Buffer.from(salt, "hex")),
    });
    expect(`0x${id}`).to.equal(sha256(cbor));
    const batch = await chain.query<{ id: string }>(wasmTimelock, {
      hash_operation_batch: { calls: [call], predecessor: ZERO32, salt },
    });
    const batchCbor = canonicalEncode({
      calls: [{ kind: "execute", contract: target, msg: new Uint8Array(msg), funds: [["uvag", "12"]] }],
      predecessor: new Uint8Array(32),
      salt: new Uint8Array(Buffer.from(salt, "hex")),
    });
    expect(`0x${batch.id}`).to.equal(sha256(batchCbor));
  });
});
