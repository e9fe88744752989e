import path from "node:path";
import { readFileSync } from "node:fs";
import { expect } from "chai";

import { CosmjsChain, WasmChainError, wasmChecksum } from "../../src/chains/wasm";
import { loadSpec } from "../../src/spec";
import { localnet, mnemonicOf } from "./localnet";

/**
 * The real-node WasmChain (cosmjs) against the wasmd localnet: store, instantiate
 * (plain and instantiate2 at the predicted address), execute with parsed response data
 * and events, a coded contract error with no state change, chain-level admin.
 */
describe("CosmjsChain on the wasmd localnet", function () {
  this.timeout(180_000);
  const net = localnet();
  const spec = loadSpec();
  const rl = spec.component("RateLimiter");
  const ART = path.resolve(__dirname, "..", "..", "artifacts", "wasm", "rate_limiter.wasm");
  let chain: CosmjsChain;
  let deployer: string;
  let consumer: string;
  let alice: string;
  let codeId: number;
  let checksum: string;
  let contract: string;

  before(async () => {
    const logs: string[] = [];
    chain = await CosmjsChain.connect({
      rpc: net.wasmRpc,
      chainId: net.chainId,
      prefix: net.prefix,
      gasPrice: net.gasPrice,
      signers: ["deployer", "consumer", "alice"].map((name) => ({ name, mnemonic: mnemonicOf(net, name) })),
      log: (l) => logs.push(l),
    });
    deployer = chain.address("deployer");
    consumer = chain.address("consumer");
    alice = chain.address("alice");
    expect(deployer).to.equal(net.addresses.deployer);
  });
  after(async () => chain?.close());

  it("stores the artifact with the local checksum and finds it by checksum", async () => {
    const stored = await chain.store(ART, { sender: deployer });
    checksum = wasmChecksum(readFileSync(ART));
    expect(stored.checksum).to.equal(checksum);
    codeId = stored.codeId;
    expect(chain.lastTx?.height).to.be.greaterThan(0);
    expect(chain.lastTx?.fee).to.match(/^\d+ustake$/);
    const found = await chain.findCode(checksum);
    expect(found?.checksum).to.equal(checksum);
    expect(found!.codeId).to.be.at.most(codeId);
  });

  it("instantiate2 lands at the predicted address with the chain-level admin", async () => {
    const salt = Buffer.from(`cosmjs-e2e-${Date.now()}`);
    const predicted = chain.predictAddress(checksum, deployer, salt);
    // capacity 2 in a 60 s window: derived from the test's intent, not from the contract.
    const res = await chain.instantiate2({
      codeId,
      sender: deployer,
      admin: deployer,
      label: `cosmjs-e2e-${salt.toString("hex")}`,
      msg: { admin: deployer, default_config: { capacity: 2, window: 60, buckets: 6 } },
      salt,
      checksum,
    });
    expect(res.address).to.equal(predicted);
    contract = res.address;
    const info = await chain.contractInfo(contract);
    expect(info?.admin).to.equal(deployer);
    expect(info?.codeId).to.equal(codeId);
    expect(await chain.contractInfo(chain.predictAddress(checksum, deployer, Buffer.from("never-used")))).to.equal(
      undefined,
    );
    expect(await chain.query(contract, { default_config: {} })).to.deep.equal({ capacity: 2, window: 60, buckets: 6 });
  });

  it("execute returns the parsed response data and events; the third consume is a denial (2100)", async () => {
    await chain.execute({
      contract,
      sender: deployer,
      msg: { grant_role: { role: spec.role("CONSUMER").wasm, account: consumer } },
    });
    const consume = { consume: { executor_id: "7", action_id: "ab".repeat(32) } };
    const a = await chain.execute({ contract, sender: consumer, msg: consume });
    expect(a.data).to.deep.equal({ allowed: true, retry_at: "0" });
    await chain.execute({ contract, sender: consumer, msg: consume });
    const c = await chain.execute({ contract, sender: consumer, msg: consume });
    expect((c.data as { allowed: boolean }).allowed).to.equal(false);
    const denied = c.events.find((e) => e.type === "wasm-consume_denied");
    const rateLimited = rl.denials.find((d) => d.name === "RateLimited")!;
    expect(denied?.attributes.find((x) => x.key === "code")?.value).to.equal(String(rateLimited.code));
  });

  it("a stranger's consume fails with the spec code 1001 and changes nothing", async () => {
    const before = await chain.query(contract, { counters: { executor_id: "7", action_id: "ab".repeat(32) } });
    let caught: unknown;
    try {
      await chain.execute({
        contract,
        sender: alice,
        msg: { consume: { executor_id: "7", action_id: "ab".repeat(32) } },
      });
    } catch (err) {
      caught = err;
    }
    expect(caught).to.be.instanceOf(WasmChainError);
    const e = caught as WasmChainError;
    expect(e.code).to.equal(spec.common.errors.find((x) => x.name === "Unauthorized")!.code);
    expect(e.kind).to.equal("unauthorized");
    expect(e.message).to.not.match(/abandon|mnemonic/i);
    expect(await chain.query(contract, { counters: { executor_id: "7", action_id: "ab".repeat(32) } })).to.deep.equal(
      before,
    );
  });

  it("bad input is a coded error (InvalidExecutorId 1006)", async () => {
    const err = await chain
      .execute({ contract, sender: consumer, msg: { consume: { executor_id: "0", action_id: "ab".repeat(32) } } })
      .then(
        () => undefined,
        (x: unknown) => x as WasmChainError,
      );
    expect(err?.code).to.equal(1006);
  });

  it("updateAdmin moves the chain-level admin", async () => {
    await chain.updateAdmin(deployer, contract, alice);
    expect((await chain.contractInfo(contract))?.admin).to.equal(alice);
  });

  it("a real node refuses clock moves and snapshots with 'unsupported'", async () => {
    const err = await chain.setBlock().then(
      () => undefined,
      (x: unknown) => x as WasmChainError,
    );
    expect(err?.kind).to.equal("unsupported");
    const b = await chain.block();
    expect(b.chainId).to.equal(net.chainId);
    expect(b.height).to.be.greaterThan(1);
  });
});
