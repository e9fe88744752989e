import { expect } from "chai";
import { id, Interface } from "ethers";
import { network } from "hardhat";

import { deployUupsProxy, readEvmArtifact, startEmbeddedEvm, type RpcEvmChain } from "../../src/chains/evm";
import { loadSpec } from "../../src/spec";

/**
 * The embedded EVM takes a transaction's return value from an `eth_call` of the pending
 * block made just before sending (issue 4, speed) instead of `debug_traceTransaction`.
 * It must be the same value: checked here against the trace of every mined transaction,
 * and against spec/rate-limiter.md (capacity 2 in a 60 s window of 6 buckets: the third
 * consumption in one bucket is denied with retryAt = the first's bucket start + 60),
 * with times that change the answer (same second, next second, next window).
 */

const spec = loadSpec();
const T0 = spec.timeOrigin;
const ACTION = id("pending-call");
const CONSUMER = spec.role("CONSUMER").evmId;

describe("chains/evm: return values from the pending block equal the trace's", function () {
  let chain: RpcEvmChain;
  let admin: string;
  let consumer: string;
  let proxy: string;
  let snap: number;
  let iface: Interface;
  const methods: string[] = [];

  before(async () => {
    // Hardhat's in-process provider, recording the methods the chain asks for.
    chain = await startEmbeddedEvm({
      provider: {
        request: (args) => {
          methods.push(args.method);
          return network.provider.request(args);
        },
      },
    });
    snap = await chain.snapshot();
    [admin, consumer] = await chain.accounts();
    proxy = (await deployUupsProxy(chain, "RateLimiter", [admin, [2, 60, 6]], admin)).proxy;
    await chain.send({ to: proxy, fn: "grantRole", args: [CONSUMER, consumer], from: admin });
    iface = new Interface(readEvmArtifact("RateLimiter").abi as never);
  });

  after(async () => {
    if (snap !== undefined) await chain.restore(snap);
    await chain.close();
  });

  it("consume at chosen seconds: spec values, and each equals the mined transaction's trace", async () => {
    const t = T0 + 200_000 * 60; // the start of bucket 0 of a fresh window
    const steps: [number, [boolean, bigint]][] = [
      [t, [true, 0n]],
      [t, [true, 0n]],
      [t, [false, BigInt(t + 60)]],
      [t + 59, [false, BigInt(t + 60)]],
      [t + 60, [true, 0n]],
    ];
    for (const [at, want] of steps) {
      await chain.setNextBlockTime(at);
      methods.length = 0;
      const r = await chain.send({ to: proxy, fn: "consume", args: [7, ACTION], from: consumer });
      expect(methods).to.include("eth_call");
      expect(methods).to.not.include("debug_traceTransaction");
      expect(r.blockTime).to.equal(at);
      expect(r.returnValue).to.deep.equal(want);
      const trace = (await chain.request("debug_traceTransaction", [
        r.hash,
        { disableStorage: true, disableMemory: true, disableStack: true },
      ])) as { returnValue: string };
      const traced = iface.decodeFunctionResult("consume", `0x${trace.returnValue.replace(/^0x/, "")}`);
      expect(r.returnValue).to.deep.equal([...traced]);
    }
  });
});
