import { spawnSync } from "node:child_process";
import path from "node:path";

import { expect } from "chai";

import { CosmjsChain } from "../../src/chains/wasm";
import { AddressBook } from "../../src/equivalence/canon";
import { WasmStack } from "../../src/equivalence/stacks";
import { loadSpec } from "../../src/spec";
import { localnet, mnemonicOf } from "./localnet";

/**
 * The operator option of docs/pinning.md on the wasmd localnet: scripts/wasm-pin-codes.sh
 * refuses bad code ids before sending anything, pins a freshly stored code through a
 * governance proposal, and a call of the pinned code then costs wasmd's discounted setup
 * (2,000 instead of 60,000 SDK gas: 58,000 less for a one-contract transaction).
 */
describe("pinning a CosmWasm code through governance (scripts/wasm-pin-codes.sh)", function () {
  this.timeout(120_000);
  const ROOT = path.resolve(__dirname, "..", "..");
  const net = localnet();
  const spec = loadSpec();
  let chain: CosmjsChain;
  let stack: WasmStack;
  let codeId: number;

  const pin = (...args: string[]) =>
    spawnSync("bash", ["scripts/wasm-pin-codes.sh", ...args], {
      cwd: ROOT,
      env: { ...process.env, ...net.env },
      encoding: "utf8",
      timeout: 90_000,
    });
  const wasmd = (...args: string[]) => {
    const r = spawnSync(
      net.env.VAGUS_WASMD_BIN,
      [...args, "--node", `tcp://${net.wasmRpc.replace(/^http:\/\//, "")}`, "-o", "json"],
      {
        env: { ...process.env, LD_LIBRARY_PATH: net.env.VAGUS_WASMD_LIB },
        encoding: "utf8",
      },
    );
    expect(r.status, r.stderr).to.equal(0);
    return JSON.parse(r.stdout) as Record<string, unknown>;
  };
  const proposals = () => Number((wasmd("q", "gov", "proposals") as { proposals?: unknown[] }).proposals?.length ?? 0);
  const consume = async () => {
    const op = spec.component("RateLimiter").operation("consume");
    const o = await stack.execute("RateLimiter", op, { executorId: 3, actionId: `0x${"b4".repeat(32)}` }, "@consumer");
    expect(o.status, JSON.stringify(o)).to.equal("ok");
    return chain.lastTx!.gasUsed;
  };

  before(async () => {
    chain = await CosmjsChain.connect({
      rpc: net.wasmRpc,
      chainId: net.chainId,
      prefix: net.prefix,
      gasPrice: net.gasPrice,
      signers: ["deployer", "consumer"].map((name) => ({ name, mnemonic: mnemonicOf(net, name) })),
    });
    const book = new AddressBook();
    book.setWasm("@admin", chain.address("deployer"));
    book.setWasm("@consumer", chain.address("consumer"));
    stack = new WasmStack(chain, spec, book);
    // A fresh upload: a new code id, unpinned whatever earlier runs pinned.
    const [d] = await stack.deploy(["RateLimiter"], {
      RateLimiter: { defaultConfig: { capacity: 1000, window: 3600, buckets: 6 } },
    });
    stack.bind("@@RateLimiter", d.address);
    codeId = (await chain.contractInfo(d.address))!.codeId;
    const grant = spec.component("RateLimiter").operation("grantRole");
    await stack.execute("RateLimiter", grant, { role: "CONSUMER", account: "@consumer" }, "@admin");
  });
  after(async () => chain?.close());

  it("refuses bad code ids and unknown options with a message, and submits no proposal", () => {
    const before = proposals();
    for (const [args, msg] of [
      [["0"], /code id '0' is not a positive integer/],
      [["abc"], /code id 'abc' is not a positive integer/],
      [[String(codeId), String(codeId)], new RegExp(`code id ${codeId} given twice`)],
      [[String(codeId + 100_000)], new RegExp(`code ${codeId + 100_000} is not stored`)],
      [["--unpin", String(codeId)], new RegExp(`code ${codeId} is not pinned`)],
      [["--nope", String(codeId)], /unknown option --nope/],
      [[], /no code id given/],
    ] as const) {
      const r = pin(...args);
      expect(r.status, `${args.join(" ")}: ${r.stderr}`).to.equal(1);
      expect(r.stderr).to.match(msg);
      expect(r.stdout).to.equal("");
    }
    expect(proposals()).to.equal(before);
  });

  it("pins the code through a passed proposal; a call then costs 58,000 SDK gas less", async () => {
    await consume(); // first write of the pair's record
    const unpinned = await consume();
    expect(await consume()).to.equal(unpinned); // steady state: the same gas each time
    const r = pin("--vote-from", "validator", "--wait", String(codeId));
    expect(r.status, r.stderr).to.equal(0);
    const id = r.stdout.trim();
    expect(id).to.match(/^\d+$/);
    expect(r.stderr).to.contain(`proposal ${id} passed`);
    const p = wasmd("q", "gov", "proposal", id) as {
      proposal: { status: string; messages: { type: string; value: { authority: string; code_ids: string[] } }[] };
    };
    expect(p.proposal.status).to.equal("PROPOSAL_STATUS_PASSED");
    // The governance module is the only authority x/wasm accepts for MsgPinCodes.
    const gov = wasmd("q", "auth", "module-account", "gov") as { account: { value: { address: string } } };
    const govModule = gov.account.value.address;
    expect(govModule).to.match(/^wasm1/);
    expect(p.proposal.messages).to.deep.equal([
      {
        type: "wasm/MsgPinCodes",
        value: { authority: govModule, code_ids: [String(codeId)] },
      },
    ]);
    expect((wasmd("q", "wasm", "pinned") as { code_ids: string[] }).code_ids).to.include(String(codeId));
    // wasmd: DefaultInstanceCost 60,000 → DefaultInstanceCostDiscount 2,000 for a pinned code.
    expect(unpinned - (await consume())).to.equal(58_000);
    const again = pin(String(codeId));
    expect(again.status).to.equal(1);
    expect(again.stderr).to.contain(`code ${codeId} is already pinned`);
  });
});
