import path from "node:path";

import { expect } from "chai";

import { EngineClient } from "../../src/chains/wasm";
import { DifferentialRunner, ensureEngineBinary, loadScenarioFile, normalizeScenario } from "../../src/equivalence";
import { loadSpec } from "../../src/spec";

/**
 * The engine-vs-node self-check (issue 4 §11): the same scenario on two `WasmChain`
 * backends, compared step by step. Here both are embedded engines (the localnet run
 * against wasmd plugs the cosmjs backend into the same function); they must agree, and a
 * difference between them must show up as a divergence.
 */

const ROOT = path.resolve(__dirname, "..", "..");
const spec = loadSpec();

describe("equivalence: two CosmWasm backends on the same artifacts", function () {
  this.timeout(600_000);
  let a: EngineClient;
  let b: EngineClient;

  before(async function () {
    this.timeout(45 * 60_000);
    ensureEngineBinary();
    [a, b] = await Promise.all([
      EngineClient.start({ time: spec.timeOrigin }),
      EngineClient.start({ time: spec.timeOrigin }),
    ]);
  });

  after(async () => {
    await Promise.all([a?.close(), b?.close()]);
  });

  it("two engine instances agree on a corpus scenario", async () => {
    const runner = new DifferentialRunner({
      spec,
      evm: undefined as never,
      wasm: undefined as never,
      wasmPair: [a, b],
    });
    const r = await runner.run(
      loadScenarioFile(path.join(ROOT, "scenarios", "breaker-opens-half-opens-closes.json"), spec),
    );
    expect(r.verdict, r.divergence?.diff ?? r.error).to.equal("passed");
    expect(r.compared).to.equal(13);
    expect(runner.sides).to.deep.equal(["wasm:embedded", "wasm:embedded"]);
    await runner.dispose();
  });

  it("a backend that differs shows up as a divergence", async () => {
    // The second engine holds an extra pair override set before the scenario starts: the
    // same calls then answer differently on the two sides.
    const runner = new DifferentialRunner({
      spec,
      evm: undefined as never,
      wasm: undefined as never,
      wasmPair: [a, b],
    });
    const s = normalizeScenario(
      {
        name: "pair-check",
        component: "RateLimiter",
        init: { defaultConfig: { capacity: 1, window: 60, buckets: 6 } },
        actors: { admin: ["ADMIN"], consumer: ["CONSUMER"] },
        steps: [
          { at: 0, as: "consumer", call: "consume", args: { executorId: 1, actionId: `0x${"ab".repeat(32)}` } },
          { at: 1, as: "consumer", call: "consume", args: { executorId: 1, actionId: `0x${"ab".repeat(32)}` } },
        ],
      },
      spec,
    );
    await runner.setup(s);
    const override = {
      set_pair_config: {
        executor_id: "1",
        action_id: "ab".repeat(32),
        config: { capacity: 5, window: 60, buckets: 6 },
      },
    };
    await b.execute({
      contract: runner.wasmStack.addressOf("RateLimiter"),
      sender: await b.addrMake("admin"),
      msg: override,
    });
    const first = await runner.step(s.steps[0]);
    const second = await runner.step(s.steps[1]);
    expect(first.evm.result).to.deep.equal(first.wasm.result);
    expect(second.evm.result).to.deep.equal({ allowed: false, retryAt: String(spec.timeOrigin + 60) });
    expect(second.wasm.result).to.deep.equal({ allowed: true, retryAt: "0" });
    await runner.dispose();
  });
});
