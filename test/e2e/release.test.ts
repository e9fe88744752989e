import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

import { expect } from "chai";
import { Interface, JsonRpcProvider, Wallet } from "ethers";

import { CosmjsChain } from "../../src/chains/wasm";
import { readEvmArtifact } from "../../src/chains/evm";
import { currentArtifactSet } from "../../src/release/artifacts";
import { checkRunCommand } from "../../src/release/gates";
import { writePredeployResults } from "../../src/release/predeploy";
import { loadSpec } from "../../src/spec";
import { evmGovern, wasmGovern } from "./govern";
import { localnet, mnemonicOf } from "./localnet";

/**
 * The release gates and the daily check on the localnets, on one deployment: a changed
 * contract with an unchanged version is refused (17001), an equivalence report of other
 * artifacts is refused (17011), a good release writes its notes and a rollback plan whose
 * commands parse and name what runs; `vagus:check` passes on the fresh deployment and
 * fails after a tampered journal line (17104), an out-of-band role grant (17102) and a
 * parameter changed on one stack (17101).
 */

const ROOT = path.resolve(__dirname, "..", "..");
const spec = loadSpec();

interface Run {
  status: number | null;
  out: string;
}

function run(cmd: string, args: string[], env: Record<string, string>): Run {
  const r = spawnSync(cmd, args, { cwd: ROOT, env: { ...process.env, ...env }, encoding: "utf8", timeout: 600_000 });
  return { status: r.status, out: `${r.stdout}\n${r.stderr}` };
}
const hardhat = (args: string[], env: Record<string, string>) =>
  run(path.join(ROOT, "node_modules", ".bin", "hardhat"), args, env);
const prepare = (env: Record<string, string>) =>
  run(process.execPath, ["-r", "ts-node/register/transpile-only", "scripts/prepare-deployment.ts"], env);

describe("release gates and the daily check on the localnets", function () {
  this.timeout(900_000);
  const net = localnet();
  const dir = mkdtempSync(path.join(tmpdir(), "vagus-release-e2e-"));
  const releaseDir = path.join(dir, "release");
  const eqDir = path.join(dir, "equivalence");
  const env = {
    VAGUS_DEPLOYMENTS_DIR: path.join(dir, "deployments"),
    VAGUS_RELEASE_DIR: releaseDir,
    VAGUS_RELEASE_NETWORKS: "localhost",
    VAGUS_EQUIVALENCE_REPORT: path.join(eqDir, "equivalence.json"),
    VAGUS_SKIP_OUTDATED: "1",
    VAGUS_WASM_RPC: net.wasmRpc,
  };
  const pairDir = path.join(dir, "deployments", "localhost+wasm-localnet");
  const provider = new JsonRpcProvider(net.evmRpc);
  let chain: CosmjsChain;
  let sync: {
    evm: { contracts: Record<string, string>; implementations: Record<string, string> };
    wasm: { contracts: Record<string, string>; codes: Record<string, { codeId: number }> }; // codes by .wasm file
  };

  before(async () => {
    const d = hardhat(["run", "scripts/deploy.ts", "--network", "localhost"], env);
    expect(d.status, d.out).to.equal(0);
    sync = JSON.parse(readFileSync(path.join(pairDir, "sync.json"), "utf8")) as typeof sync;
    chain = await CosmjsChain.connect({
      rpc: net.wasmRpc,
      chainId: net.chainId,
      prefix: net.prefix,
      gasPrice: net.gasPrice,
      signers: [{ name: "bob", mnemonic: mnemonicOf(net, "bob") }],
    });
    // The equivalence report of this build (one scenario keeps it short), and predeploy
    // results recorded for this build: the suites themselves are the `npm test` stages.
    const eq = hardhat(
      ["vagus:equivalence", "--scenario", "scenarios/pause-and-unpause.json", "--out", eqDir, "--quiet"],
      {},
    );
    expect(eq.status, eq.out).to.equal(0);
    writePredeployResults(
      releaseDir,
      ["evm", "wasm", "equivalence"].map((name) => ({ name, ok: true })),
      currentArtifactSet(),
    );
  });
  after(async () => {
    await chain?.close();
    provider.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  it("a changed RateLimiter whose version did not go up is refused with 17001 and writes no manifest", async () => {
    // The localnet's RateLimiter implementation runs other code (RateLimiterOffByOne) that
    // still reports the spec's version: this build's RateLimiter is "changed" against it.
    const impl = sync.evm.implementations.RateLimiter;
    const original = (await provider.send("eth_getCode", [impl, "latest"])) as string;
    await provider.send("hardhat_setCode", [impl, readEvmArtifact("RateLimiterOffByOne").deployedBytecode]);
    try {
      const r = prepare(env);
      expect(r.status, r.out).to.equal(1);
      expect(r.out).to.match(/version RateLimiter \(evm, localhost\)\s+FAIL\s+17001/);
      expect(r.out).to.match(
        /error 17001: version RateLimiter \(evm, localhost\): code changed but version 0\.1\.0 is not higher than the deployed 0\.1\.0/,
      );
      expect(r.out).to.match(/error 17000: release refused/);
      // The other components run this build's code with its version: their items pass.
      expect(r.out).to.match(/version CircuitBreaker \(wasm, wasm-localnet\)\s+ok/);
      expect(existsSync(path.join(releaseDir, "manifest.json"))).to.equal(false);
      const gates = JSON.parse(readFileSync(path.join(releaseDir, "gates.json"), "utf8")) as {
        ok: boolean;
        items: { ok: boolean; code?: number }[];
      };
      expect(gates.ok).to.equal(false);
      expect(gates.items.filter((i) => !i.ok).map((i) => i.code)).to.deep.equal([17001]);
    } finally {
      await provider.send("hardhat_setCode", [impl, original]);
    }
  });

  it("an equivalence report of other artifacts (one hash differs) is refused with 17011", () => {
    const file = env.VAGUS_EQUIVALENCE_REPORT;
    const good = readFileSync(file, "utf8");
    const report = JSON.parse(good) as { artifactSet: { wasm: Record<string, string> } };
    report.artifactSet.wasm["rate_limiter.wasm"] = "0".repeat(64);
    writeFileSync(file, JSON.stringify(report));
    try {
      const r = prepare(env);
      expect(r.status, r.out).to.equal(1);
      expect(r.out).to.match(/equivalence report\s+FAIL\s+17011/);
      expect(r.out).to.match(/wasm rate_limiter\.wasm: report 000000000000…/);
    } finally {
      writeFileSync(file, good);
    }
  });

  it("a good release passes every item and writes the manifest, NOTES.md and ROLLBACK.md", () => {
    const r = prepare(env);
    expect(r.status, r.out).to.equal(0);
    expect(r.out).to.match(/all \d+ items passed/);
    const notes = readFileSync(path.join(releaseDir, "NOTES.md"), "utf8");
    const sections = [...notes.matchAll(/^## (.+)$/gm)].map((m) => m[1]);
    expect(sections).to.deep.equal(["Protocol changes (spec/)", "Contract versions", "Changes", "Dependency review"]);
    expect(notes).to.include(
      `| RateLimiter | ${spec.component("RateLimiter").version} | ${spec.component("RateLimiter").version} (evm, localhost) | unchanged |`,
    );
    const manifest = JSON.parse(readFileSync(path.join(releaseDir, "manifest.json"), "utf8")) as {
      components: Record<string, { version: string }>;
    };
    expect(manifest.components.CapabilityIssuer.version).to.equal(spec.component("CapabilityIssuer").version);
  });

  it("the rollback plan has one command per component and stack, back to the implementation / code id running now, and each parses", () => {
    const plan = readFileSync(path.join(releaseDir, "ROLLBACK.md"), "utf8");
    const commands = plan.split("\n").filter((l) => l.startsWith("npx hardhat run "));
    const names = Object.keys(sync.evm.contracts);
    expect(commands.length).to.equal(names.length + Object.keys(sync.wasm.contracts).length);
    for (const c of commands) expect(checkRunCommand(c), c).to.deep.equal([]);
    expect(commands, commands.join("\n")).to.include(
      `npx hardhat run scripts/rollback.ts --network localhost --component RateLimiter --stacks evm --to ${sync.evm.implementations.RateLimiter}`,
    );
    expect(commands, commands.join("\n")).to.include(
      `npx hardhat run scripts/rollback.ts --network localhost --component RateLimiter --stacks wasm --to ${sync.wasm.codes["rate_limiter.wasm"].codeId}`,
    );
    // Before this release is deployed, its rollback line targets exactly what runs now:
    // the real command parses, reads the chain and says there is nothing to roll back yet
    // (13006), naming that implementation. After the release's upgrade the same line is a
    // rollback; test/e2e/rollback.test.ts runs that path end to end.
    const line = commands.find((c) => c.includes("--component RateLimiter --stacks evm")) ?? "";
    const [, , , script, ...flags] = line.split(" ");
    const r = hardhat(["run", script, ...flags, "--dry-run"], env);
    expect(r.status, r.out).to.equal(1);
    expect(r.out.toLowerCase()).to.include(
      `rollback: error 13006: ratelimiter: the evm proxy already runs ${sync.evm.implementations.RateLimiter.toLowerCase()}`,
    );
    expect(r.out).to.include("nothing was sent.");
  });

  it("a second release of the same build compares with the first: notes list the changes since it", () => {
    const r = prepare(env);
    expect(r.status, r.out).to.equal(0);
    const notes = readFileSync(path.join(releaseDir, "NOTES.md"), "utf8");
    expect(notes).to.match(/Changes since the previous release \(0\.1\.0, [0-9a-f]{12}\)/);
    expect(notes).to.match(/SBOM difference from the previous release: 0 added, 0 removed, 0 changed version/);
    expect(r.out).to.match(/version RateLimiter \(evm, previous release\)\s+ok/);
  });

  const check = () => hardhat(["vagus:check", "--network", "localhost"], env);

  it("vagus:check passes on the fresh deployment and writes its JSON report", () => {
    const r = check();
    expect(r.status, r.out).to.equal(0);
    expect(r.out).to.match(/all \d+ items passed/);
    const report = JSON.parse(readFileSync(path.join(pairDir, "check", "last.json"), "utf8")) as {
      ok: boolean;
      failures: Record<string, number>;
    };
    expect(report.ok).to.equal(true);
    expect(Object.values(report.failures).every((n) => n === 0)).to.equal(true);
  });

  it("a tampered journal line fails the check with 17104 (and the books no longer re-derive, 17105)", () => {
    const file = path.join(pairDir, "journal.jsonl");
    const good = readFileSync(file, "utf8");
    const lines = good.split("\n");
    const i = lines.findIndex((l) => l.includes('"phase":"result"') && l.includes("RateLimiter"));
    lines[i] = lines[i].replace(/"time":"[^"]+"/, '"time":"2000-01-01T00:00:00.000Z"');
    writeFileSync(file, lines.join("\n"));
    try {
      const r = check();
      expect(r.status, r.out).to.equal(1);
      expect(r.out).to.match(
        new RegExp(`journal\\s+journal hash chain\\s+FAIL\\s+17104\\s+line ${i + 1}: content does not match its hash`),
      );
      expect(r.out).to.match(/error 17100: /);
    } finally {
      writeFileSync(file, good);
    }
  });

  it("an out-of-band GUARDIAN grant on the EVM RateLimiter fails the access review (17102)", async () => {
    const stranger = Wallet.createRandom().address;
    const iface = new Interface(["function grantRole(bytes32,address)"]);
    await evmGovern(provider, sync.evm.contracts.timelock, [
      {
        target: sync.evm.contracts.RateLimiter,
        data: iface.encodeFunctionData("grantRole", [spec.role("GUARDIAN").evmId, stranger]),
      },
    ]);
    const r = check();
    expect(r.status, r.out).to.equal(1);
    expect(r.out).to.match(/access\s+access review\s+FAIL\s+17102/);
    expect(r.out.toLowerCase()).to.include(stranger.toLowerCase());
  });

  it("a parameter changed on the CosmWasm stack only fails deployment verification (17101)", async () => {
    await wasmGovern(chain, sync.wasm.contracts.timelock, [
      {
        contract: sync.wasm.contracts.RateLimiter,
        msg: { set_default_config: { config: { capacity: 61, window: 60, buckets: 6 } } },
      },
    ]);
    const r = check();
    expect(r.status, r.out).to.equal(1);
    expect(r.out).to.match(/verify\s+deployment verification\s+FAIL\s+17101\s+.*RateLimiter params/);
    const report = JSON.parse(readFileSync(path.join(pairDir, "check", "last.json"), "utf8")) as {
      failures: Record<string, number>;
    };
    expect(report.failures.verify).to.equal(1);
  });
});
