import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

import { expect } from "chai";
import { HDNodeWallet, Interface, getCreateAddress, id, keccak256, Mnemonic } from "ethers";
import { config, network } from "hardhat";

import {
  EvmChainError,
  codeMatchesArtifact,
  deployUupsProxy,
  proxyImplementation,
  readEvmArtifact,
  readEvmArtifactWithImmutables,
  startEmbeddedEvm,
  startJsonRpcEvm,
  type EvmChain,
} from "../../src/chains/evm";
import { decodeRevert, loadSpec } from "../../src/spec";

/**
 * Both EVM backends behind `EvmChain`, on the RateLimiter: the embedded one on Hardhat's
 * in-process network, the JSON-RPC one through a real HTTP JSON-RPC endpoint (a small
 * server in this test forwarding to the same in-process network), signing with a private
 * key. Expected values come from spec/rate-limiter.md: capacity 2 in a 60 s window of
 * 6 buckets, so the third consumption in one bucket is denied with retryAt = the start of
 * the bucket after the window of the first (T0 + 60).
 */

const spec = loadSpec();
const rl = spec.component("RateLimiter");
const T0 = spec.timeOrigin;
const ACTION = id("move-arm");
const CONSUMER = spec.role("CONSUMER").evmId;

/** An HTTP JSON-RPC endpoint over Hardhat's in-process provider. */
async function rpcServer(): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => {
    let body = "";
    req.on("data", (c: Buffer) => (body += c.toString("utf8")));
    req.on("end", () => {
      void (async () => {
        const msg = JSON.parse(body) as { id: number; method: string; params?: unknown[] };
        let reply: unknown;
        try {
          const result = await network.provider.request({ method: msg.method, params: msg.params ?? [] });
          reply = { jsonrpc: "2.0", id: msg.id, result };
        } catch (err) {
          const e = err as { code?: number; message: string; data?: unknown };
          reply = { jsonrpc: "2.0", id: msg.id, error: { code: e.code ?? -32603, message: e.message, data: e.data } };
        }
        res.setHeader("content-type", "application/json");
        res.end(JSON.stringify(reply));
      })();
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

function behaves(name: string, open: () => Promise<{ chain: EvmChain; done(): Promise<void> }>) {
  describe(name, function () {
    let chain: EvmChain;
    let done: () => Promise<void>;
    let admin: string;
    let consumer: string;
    let proxy: string;
    let base: number;

    before(async () => {
      const opened = await open();
      chain = opened.chain;
      done = () => opened.done();
      [admin, consumer] = await chain.accounts();
      const d = await deployUupsProxy(chain, "RateLimiter", [admin, [2, 60, 6]], admin);
      proxy = d.proxy;
      // UUPS keeps its own address as an immutable, so the code differs from the artifact
      // in those bytes only: same length, and the hash is of what the chain holds.
      const code = await chain.code(d.implementation);
      expect(d.implementationCodeHash).to.equal(keccak256(code));
      expect(code.length).to.equal(readEvmArtifact("RateLimiter").deployedBytecode.length);
      await chain.send({ to: proxy, fn: "grantRole", args: [CONSUMER, consumer], from: admin });
      base = await chain.snapshot();
    });

    after(async () => {
      if (base !== undefined) await chain.restore(base);
      await done?.();
    });

    afterEach(async () => {
      await chain.restore(base);
    });

    it("mines a transaction at the set time, with its return value and decoded events", async () => {
      const t = T0 + 100_000 * 60 + 5; // inside bucket 0 of a fresh window
      await chain.setNextBlockTime(t);
      const first = await chain.send({ to: proxy, fn: "consume", args: [9, ACTION], from: consumer });
      expect(first.blockTime).to.equal(t);
      expect(first.returnValue).to.deep.equal([true, 0n]);
      expect(first.events).to.deep.equal([]);
      await chain.setNextBlockTime(t);
      await chain.send({ to: proxy, fn: "consume", args: [9, ACTION], from: consumer });
      await chain.setNextBlockTime(t + 1);
      const third = await chain.send({ to: proxy, fn: "consume", args: [9, ACTION], from: consumer });
      const retryAt = BigInt(t - 5 + 60);
      expect(third.returnValue).to.deep.equal([false, retryAt]);
      expect(third.events.map((e) => [e.address, e.name, e.args])).to.deep.equal([
        [proxy, "ConsumeDenied", { executorId: 9n, actionId: ACTION, code: 2100n, used: 2n, retryAt }],
      ]);
      const usage = await chain.call({ to: proxy, fn: "usage", args: [9, ACTION] });
      expect(usage).to.deep.equal([2n, 2n, retryAt]);
      expect((await chain.block()).time).to.equal(t + 1);
    });

    it("rejects a reverted transaction with the revert data, and it changes nothing", async () => {
      const before = await chain.call({ to: proxy, fn: "counters", args: [9, ACTION] });
      let err: unknown;
      try {
        await chain.send({ to: proxy, fn: "consume", args: [0, ACTION], from: consumer });
      } catch (e) {
        err = e;
      }
      expect(err).to.be.instanceOf(EvmChainError);
      const e = err as EvmChainError;
      expect(e.kind).to.equal("revert");
      expect(decodeRevert(rl, e.revertData ?? "0x")?.code).to.equal(1006); // InvalidExecutorId
      expect(await chain.call({ to: proxy, fn: "counters", args: [9, ACTION] })).to.deep.equal(before);
    });

    it("a send with blockTime is mined at that time; a revert names its mined block when the chain knows it", async () => {
      const t = T0 + 300_000 * 60 + 7;
      const tx = await chain.send({ to: proxy, fn: "consume", args: [9, ACTION], from: consumer, blockTime: t });
      expect(tx.blockTime).to.equal(t);
      expect((await chain.blockHeader(tx.blockNumber)).time).to.equal(t);
      expect(tx.returnValue).to.deep.equal([true, 0n]);
      const err = await chain
        .send({ to: proxy, fn: "consume", args: [0, ACTION], from: consumer, blockTime: t + 1 })
        .then(() => expect.fail("consume(0) succeeded"))
        .catch((e: EvmChainError) => e);
      expect(err.kind).to.equal("revert");
      expect(decodeRevert(rl, err.revertData ?? "0x")?.code).to.equal(1006);
      if (name.startsWith("embedded")) {
        // Hardhat mines a reverted transaction: its block is the one after the first send's.
        expect(err.mined).to.deep.equal({ blockNumber: tx.blockNumber + 1, blockTime: t + 1 });
        expect((await chain.blockHeader(tx.blockNumber + 1)).time).to.equal(t + 1);
      }
    });

    it("callMany answers each call as call does on the same block, a revert with its revert data", async () => {
      const t = T0 + 200_000 * 60 + 5;
      await chain.setNextBlockTime(t);
      await chain.send({ to: proxy, fn: "consume", args: [9, ACTION], from: consumer });
      const blockTag = (await chain.block()).number;
      // A later block changes usage: the batch must read the pinned one.
      await chain.setNextBlockTime(t);
      await chain.send({ to: proxy, fn: "consume", args: [9, ACTION], from: consumer });
      const reqs = [
        { to: proxy, fn: "usage", args: [9, ACTION], blockTag },
        { to: proxy, fn: "counters", args: [9, ACTION], blockTag },
        { to: proxy, fn: "paused", args: [], blockTag },
        { to: proxy, fn: "hasRole", args: [CONSUMER, consumer], blockTag },
        { to: proxy, fn: "consume", args: [0, ACTION], blockTag }, // the caller holds no CONSUMER role
        { to: proxy, fn: "usage", args: [10, ACTION], blockTag },
      ];
      const many = await chain.callMany(reqs);
      expect(many).to.have.length(reqs.length);
      expect(many[0]).to.deep.equal([1n, 2n, 0n]);
      expect(many[1]).to.deep.equal([1n, 0n]);
      for (const i of [0, 1, 2, 3, 5]) expect(many[i]).to.deep.equal(await chain.call(reqs[i]));
      const err = many[4] as EvmChainError;
      expect(err).to.be.instanceOf(EvmChainError);
      expect(err.kind).to.equal("revert");
      expect(decodeRevert(rl, err.revertData ?? "0x")?.name).to.equal("Unauthorized");
      const single = await chain.call(reqs[4]).catch((e: EvmChainError) => e);
      expect(err.revertData).to.equal((single as EvmChainError).revertData);
    });

    it("a view that reverts rejects with the revert data too", async () => {
      // A stranger's call is fine for views; an unauthorized send is a revert with 1001.
      const stranger = (await chain.accounts())[2];
      try {
        await chain.send({ to: proxy, fn: "pause", args: [], from: stranger });
        expect.fail("pause by a stranger succeeded");
      } catch (e) {
        expect(decodeRevert(rl, (e as EvmChainError).revertData ?? "0x")?.name).to.equal("Unauthorized");
      }
    });

    it("upgrades through the proxy and reads code", async () => {
      const v2 = await chain.deploy({ artifact: "RateLimiterV2", from: admin });
      expect(keccak256(await chain.code(v2.address))).to.equal(v2.codeHash);
      expect(v2.codeHash).to.not.equal(keccak256(await chain.code(proxy)));
      const iface = new Interface(readEvmArtifact("RateLimiterV2").abi as string[]);
      const up = await chain.upgrade({
        proxy,
        implementation: v2.address,
        data: iface.encodeFunctionData("initializeV2", [77]),
        from: admin,
      });
      expect(up.events.map((e) => e.name)).to.include("Upgraded");
      chain.registerAbi(proxy, readEvmArtifact("RateLimiterV2"));
      expect(await chain.call({ to: proxy, fn: "marker" })).to.deep.equal([77n]);
    });

    it("what a deployment needs: nonces, an explicit nonce, estimated gas, the proxy's implementation slot, runtime code = artifact", async () => {
      const nonce = await chain.nonce(admin);
      expect(await chain.nonce(admin, "latest")).to.equal(nonce);
      // A deploy at an explicit nonce lands at the CREATE address of (sender, nonce).
      const d = await chain.deploy({ artifact: "RateLimiter", from: admin, nonce, gasLimit: "estimate" });
      expect(d.address).to.equal(getCreateAddress({ from: admin, nonce }));
      expect(await chain.nonce(admin)).to.equal(nonce + 1);
      // A nonce already used is refused by the node, and nothing is mined.
      let refused: unknown;
      try {
        await chain.send({ to: proxy, fn: "grantRole", args: [CONSUMER, admin], from: admin, nonce });
      } catch (err) {
        refused = err;
      }
      expect(refused).to.be.instanceOf(EvmChainError);
      expect(await chain.nonce(admin)).to.equal(nonce + 1);
      // Estimated gas is enough, and the calldata is the ABI's.
      const sent = await chain.send({
        to: proxy,
        fn: "grantRole",
        args: [CONSUMER, admin],
        from: admin,
        gasLimit: "estimate",
      });
      expect(sent.gasUsed > 0n).to.equal(true);
      expect(chain.encodeCall(proxy, "hasRole", [CONSUMER, admin])).to.equal(
        new Interface(readEvmArtifact("RateLimiter").abi as string[]).encodeFunctionData("hasRole", [CONSUMER, admin]),
      );
      // The ERC-1967 slot names the implementation; its code is the artifact's, immutables aside.
      const impl = await proxyImplementation(chain, proxy);
      const art = readEvmArtifactWithImmutables("RateLimiter");
      expect(art.immutables?.length).to.be.greaterThan(0);
      expect(codeMatchesArtifact(await chain.code(impl), art)).to.equal(true);
      expect(codeMatchesArtifact(await chain.code(proxy), art)).to.equal(false);
    });

    it("snapshots stay available after a restore", async () => {
      const snap = await chain.snapshot();
      const b0 = (await chain.block()).number;
      await chain.mine();
      await chain.restore(snap);
      expect((await chain.block()).number).to.equal(b0);
      await chain.mine();
      await chain.restore(snap);
      expect((await chain.block()).number).to.equal(b0);
    });
  });
}

describe("chains/evm: EvmChain backends", function () {
  behaves("embedded (Hardhat in-process network)", async () => {
    const chain = await startEmbeddedEvm();
    expect(chain.backend).to.equal("embedded");
    return { chain, done: () => chain.close() };
  });

  behaves("JSON-RPC (ethers JsonRpcProvider, private-key signer)", async () => {
    const { url, server } = await rpcServer();
    const accounts = config.networks.hardhat.accounts as { mnemonic: string; path: string };
    const keys = [0, 1, 2].map(
      (i) => HDNodeWallet.fromMnemonic(Mnemonic.fromPhrase(accounts.mnemonic), `${accounts.path}/${i}`).privateKey,
    );
    const chain = await startJsonRpcEvm({ url, privateKeys: keys, pollMs: 5 });
    expect(chain.backend).to.equal("node");
    return {
      chain,
      done: async () => {
        await chain.close();
        await new Promise((r) => server.close(r));
      },
    };
  });

  it("a JSON-RPC chain that cannot be reached fails with a clear message", async () => {
    try {
      await startJsonRpcEvm({ url: "http://127.0.0.1:9", receiptTimeoutMs: 1000 });
      expect.fail("started against a closed port");
    } catch (e) {
      expect((e as Error).message).to.match(/cannot reach the EVM node at http:\/\/127\.0\.0\.1:9/);
    }
  });
});
