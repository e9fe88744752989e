import { existsSync } from "node:fs";
import path from "node:path";

import { expect } from "chai";

import { deployUupsProxy, startEmbeddedEvm, type RpcEvmChain } from "../../src/chains/evm";
import { EngineClient } from "../../src/chains/wasm";
import { ToolError } from "../../src/cli/errors";
import { compareHolders, evmRoleHolders, stacksOf, wasmRoleHolders } from "../../src/access/roles";
import { loadSpec, toEvmArg, toWasm } from "../../src/spec";

const spec = loadSpec();
const rl = spec.component("RateLimiter");
const WASM = path.join(__dirname, "..", "..", "artifacts", "wasm", "rate_limiter.wasm");
const GUARDIAN = spec.role("GUARDIAN");
const CONSUMER = spec.role("CONSUMER");
const ADMIN = spec.role("ADMIN");

describe("access review: holders read from the chains", function () {
  this.timeout(120_000);

  describe("EVM: RoleGranted/RoleRevoked folded in chain order", () => {
    let evm: RpcEvmChain;
    let proxy: string;
    let accounts: string[];
    let start: number;

    before(async () => {
      evm = await startEmbeddedEvm();
      accounts = await evm.accounts();
      start = (await evm.height()) + 1;
      const config = toEvmArg(rl, "Config", { capacity: 2, window: 60, buckets: 6 });
      proxy = (await deployUupsProxy(evm, "RateLimiter", [accounts[0], config], accounts[0])).proxy;
      const send = (fn: string, args: unknown[], from = accounts[0]) => evm.send({ to: proxy, fn, args, from });
      await send("grantRole", [GUARDIAN.evmId, accounts[1]]);
      await send("grantRole", [GUARDIAN.evmId, accounts[2]]);
      await send("revokeRole", [GUARDIAN.evmId, accounts[1]]);
      await send("grantRole", [CONSUMER.evmId, accounts[3]]);
      await send("renounceRole", [CONSUMER.evmId, accounts[3]], accounts[3]);
      await send("grantRole", [CONSUMER.evmId, accounts[3]]);
      await send("grantRole", [ADMIN.evmId, accounts[4]]);
    });
    after(() => evm.close());

    it("a revoke removes a holder, a renounce then re-grant keeps it, initialize's ADMIN is there", async () => {
      const folded = await evmRoleHolders(evm, [{ address: proxy, artifact: "RateLimiter" }], start);
      const roles = folded.get(proxy.toLowerCase())!;
      const lower = (xs: string[]) => xs.map((x) => x.toLowerCase()).sort();
      expect([...roles.get(GUARDIAN.evmId.toLowerCase())!].sort()).to.deep.equal(lower([accounts[2]]));
      expect([...roles.get(CONSUMER.evmId.toLowerCase())!].sort()).to.deep.equal(lower([accounts[3]]));
      expect([...roles.get(ADMIN.evmId.toLowerCase())!].sort()).to.deep.equal(lower([accounts[0], accounts[4]]));
    });

    it("events before the start block are not read (the deployment block bounds the scan)", async () => {
      const head = await evm.height();
      const folded = await evmRoleHolders(evm, [{ address: proxy, artifact: "RateLimiter" }], head + 1);
      expect(folded.get(proxy.toLowerCase())!.size).to.equal(0);
    });
  });

  describe("CosmWasm: the frame's role_holders query, page by page", () => {
    let wasm: EngineClient;
    let addr: string;
    const names = Array.from({ length: 120 }, (_, i) => `g${i}`);
    let admin: string;
    let guardians: string[];

    before(async function () {
      if (!existsSync(WASM)) throw new Error("artifacts/wasm/rate_limiter.wasm is missing: run `npm run build:wasm`");
      wasm = await EngineClient.start();
      admin = await wasm.addrMake("admin");
      const { codeId } = await wasm.store(WASM);
      addr = (
        await wasm.instantiate({
          codeId,
          sender: admin,
          admin,
          msg: { admin, default_config: toWasm(rl, "Config", { capacity: 2, window: 60, buckets: 6 }) },
        })
      ).address;
      guardians = [];
      for (const n of names) {
        const g = await wasm.addrMake(n);
        guardians.push(g);
        await wasm.execute({ contract: addr, sender: admin, msg: { grant_role: { role: GUARDIAN.wasm, account: g } } });
      }
      await wasm.execute({
        contract: addr,
        sender: admin,
        msg: { revoke_role: { role: GUARDIAN.wasm, account: guardians[7] } },
      });
    });
    after(() => wasm?.close());

    it("lists 120 granted minus 1 revoked guardians and the admin across two pages, each once", async () => {
      const all = await wasmRoleHolders(wasm, addr);
      const want = [
        `${ADMIN.wasm}|${admin}`,
        ...guardians.filter((_, i) => i !== 7).map((g) => `${GUARDIAN.wasm}|${g}`),
      ].sort();
      expect(all.map((h) => `${h.role}|${h.account}`).sort()).to.deep.equal(want);
      expect(all.length).to.equal(120);
    });
  });

  describe("comparison with the plan", () => {
    const row = (stack: "evm" | "wasm", holder: string, role = "GUARDIAN") => ({
      stack,
      component: "RateLimiter",
      contract: "c",
      role,
      holder,
    });

    it("names an unplanned holder and a missing planned one; EVM addresses compare case-insensitively", () => {
      const a = "0x00000000000000000000000000000000000000aA";
      const r = compareHolders(
        [row("evm", a), row("evm", "0x00000000000000000000000000000000000000bb"), row("wasm", "wasm1x")],
        [
          { ...row("evm", a.toLowerCase()), as: "governance.guardians" },
          { ...row("wasm", "wasm1x"), as: "governance.guardians" },
          { ...row("wasm", "wasm1y", "ADMIN"), as: "timelock" },
        ],
      );
      expect(r.ok).to.equal(false);
      expect(r.rows.map((x) => `${x.stack} ${x.role} ${x.holder} ${x.status}`).sort()).to.deep.equal(
        [
          `evm GUARDIAN 0x00000000000000000000000000000000000000bb unplanned`,
          `evm GUARDIAN ${a} ok`,
          "wasm ADMIN wasm1y missing",
          "wasm GUARDIAN wasm1x ok",
        ].sort(),
      );
      expect(r.problems).to.have.length(2);
      expect(r.problems.join("\n")).to.contain("0x00000000000000000000000000000000000000bb holds GUARDIAN");
      expect(r.problems.join("\n")).to.contain("wasm1y (timelock) should hold ADMIN");
    });

    it("is ok when the chains hold exactly the plan", () => {
      const r = compareHolders([row("wasm", "wasm1x")], [{ ...row("wasm", "wasm1x"), as: "g" }]);
      expect(r).to.deep.include({ ok: true, problems: [] });
    });

    it("--stacks accepts evm, wasm, both; anything else is error 16002", () => {
      expect(stacksOf(undefined)).to.deep.equal(["evm", "wasm"]);
      expect(stacksOf(["wasm"])).to.deep.equal(["wasm"]);
      for (const bad of [["cosmos"], ["evm", "evm"]]) {
        expect(() => stacksOf(bad))
          .to.throw(ToolError)
          .with.property("code", 16002);
      }
    });
  });
});
