import { expect } from "chai";

import { CosmjsChain, EngineClient } from "../../src/chains/wasm";
import { AddressBook, stableJson } from "../../src/equivalence/canon";
import { readableDiff } from "../../src/equivalence/diff";
import { comparable } from "../../src/equivalence/runner";
import { WasmStack, type Outcome } from "../../src/equivalence/stacks";
import { loadSpec } from "../../src/spec";
import { localnet, mnemonicOf } from "./localnet";

/**
 * Self-check of the embedded engine (issue 4 item 11): the same artifacts and the same
 * steps on the engine and on a real wasmd must give the same normalized outcomes
 * (status, spec code, return values, events) and the same answers to every query.
 *
 * A real node's clock cannot be set, so the node leads: each transaction runs on wasmd
 * first, then the engine's block is set to the height and time of the block that
 * included it, and the same transaction runs there. Both chains use the same account
 * addresses (the localnet's funded keys); contract addresses differ and are compared
 * through the address book (`@@Component`).
 */
describe("engine vs wasmd: the same steps give the same outcomes", function () {
  this.timeout(300_000);
  const net = localnet();
  const spec = loadSpec();
  const actors = {
    admin: "deployer",
    guardian: "guardian",
    consumer: "consumer",
    reporter: "reporter",
    stranger: "alice",
  };
  let node: CosmjsChain;
  let engine: EngineClient;
  let onNode: WasmStack;
  let onEngine: WasmStack;

  type Step =
    | { as: keyof typeof actors; on: string; call: string; args?: Record<string, unknown> }
    | { on: string; query: string; args?: Record<string, unknown> };

  const pair = { executorId: 7, actionId: `0x${"c3".repeat(32)}` };
  // Capacity 2 in a 3,600 s window: the third consume is denied whatever the block times
  // of a localnet run; a breaker with F = 2 opens on the second failure.
  const init = {
    RateLimiter: { defaultConfig: { capacity: 2, window: 3600, buckets: 6 } },
    CircuitBreaker: { config: { failureThreshold: 2, cooldown: 3600, halfOpenMaxProbes: 2, successThreshold: 1 } },
  };
  const steps: Step[] = [
    { as: "admin", on: "RateLimiter", call: "grantRole", args: { role: "CONSUMER", account: "@consumer" } },
    { as: "admin", on: "CircuitBreaker", call: "grantRole", args: { role: "CONSUMER", account: "@consumer" } },
    { as: "admin", on: "CircuitBreaker", call: "grantRole", args: { role: "REPORTER", account: "@reporter" } },
    { as: "admin", on: "CircuitBreaker", call: "grantRole", args: { role: "GUARDIAN", account: "@guardian" } },
    { as: "consumer", on: "RateLimiter", call: "consume", args: pair },
    { as: "consumer", on: "RateLimiter", call: "consume", args: pair },
    { as: "consumer", on: "RateLimiter", call: "consume", args: pair },
    { on: "RateLimiter", query: "counters", args: pair },
    { as: "stranger", on: "RateLimiter", call: "consume", args: pair },
    { as: "consumer", on: "RateLimiter", call: "consume", args: { executorId: 0, actionId: pair.actionId } },
    { as: "consumer", on: "CircuitBreaker", call: "request", args: pair },
    { as: "reporter", on: "CircuitBreaker", call: "recordOutcome", args: { ...pair, success: false } },
    { as: "reporter", on: "CircuitBreaker", call: "recordOutcome", args: { ...pair, success: false } },
    { as: "consumer", on: "CircuitBreaker", call: "request", args: pair },
    { on: "CircuitBreaker", query: "status", args: pair },
    { as: "guardian", on: "CircuitBreaker", call: "reset", args: pair },
    { as: "guardian", on: "CircuitBreaker", call: "reset", args: pair },
    { as: "guardian", on: "CircuitBreaker", call: "pause" },
    { as: "consumer", on: "CircuitBreaker", call: "request", args: pair },
    { as: "admin", on: "CircuitBreaker", call: "unpause" },
    { on: "CircuitBreaker", query: "counters", args: pair },
  ];

  before(async () => {
    node = await CosmjsChain.connect({
      rpc: net.wasmRpc,
      chainId: net.chainId,
      prefix: net.prefix,
      gasPrice: net.gasPrice,
      signers: Object.values(actors).map((name) => ({ name, mnemonic: mnemonicOf(net, name) })),
    });
    const start = await node.block();
    engine = await EngineClient.start({
      prefix: net.prefix,
      chainId: net.chainId,
      time: start.time,
      height: start.height,
    });
    const nodeBook = new AddressBook();
    const engineBook = new AddressBook();
    for (const [actor, key] of Object.entries(actors)) {
      nodeBook.setWasm(`@${actor}`, node.address(key));
      engineBook.setWasm(`@${actor}`, node.address(key));
    }
    onNode = new WasmStack(node, spec, nodeBook);
    onEngine = new WasmStack(engine, spec, engineBook);
  });
  after(async () => {
    await engine?.close();
    await node?.close();
  });

  /** Moves the engine to the block the node's last transaction (or query) saw. */
  async function follow(height?: number): Promise<void> {
    const b = height === undefined ? await node.block() : await node.blockAt(height);
    await engine.setBlock({ time: b.time, height: b.height });
  }

  function same(label: string, a: Outcome, b: Outcome): void {
    const x = comparable(a);
    const y = comparable(b);
    if (stableJson(x) !== stableJson(y)) {
      expect.fail(`${label}: engine and wasmd differ\n${readableDiff(x, y, ["wasmd", "engine"])}`);
    }
  }

  it("deploys the same artifacts and runs every step with equal outcomes", async () => {
    const components = ["RateLimiter", "CircuitBreaker"];
    const deployedNode = await onNode.deploy(components, init);
    await follow(node.lastTx?.height);
    const deployedEngine = await onEngine.deploy(components, init);
    for (const [i, d] of deployedNode.entries()) {
      expect(deployedEngine[i].artifactHash, `${d.component} checksum`).to.equal(d.artifactHash);
      onNode.bind(`@@${d.component}`, d.address);
      onEngine.bind(`@@${deployedEngine[i].component}`, deployedEngine[i].address);
    }

    const seen = { ok: 0, denied: 0, error: 0 };
    for (const [i, step] of steps.entries()) {
      const c = spec.component(step.on);
      const label = `step ${i} ${step.on}.${"call" in step ? step.call : step.query}`;
      let a: Outcome;
      let b: Outcome;
      if ("call" in step) {
        const op = c.operation(step.call);
        a = await onNode.execute(step.on, op, step.args ?? {}, `@${step.as}`);
        // A failed transaction may not be included (simulation refused it): follow the
        // latest block then, which the next transaction's block will not precede.
        await follow(a.status === "error" ? undefined : node.lastTx?.height);
        b = await onEngine.execute(step.on, op, step.args ?? {}, `@${step.as}`);
      } else {
        const op = c.operation(step.query);
        await follow();
        [a, b] = await Promise.all([
          onNode.query(step.on, op, step.args ?? {}),
          onEngine.query(step.on, op, step.args ?? {}),
        ]);
      }
      same(label, a, b);
      seen[a.status] += 1;
    }
    // The steps were chosen to cover all three outcome kinds; a run where one kind never
    // happened compared less than it claims.
    expect(seen.ok, "successful steps").to.be.greaterThan(5);
    expect(seen.denied, "policy denials").to.be.at.least(2);
    expect(seen.error, "coded errors").to.be.at.least(3);
  });
});
