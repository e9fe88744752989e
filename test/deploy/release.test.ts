import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

import { expect } from "chai";
import { keccak256 } from "ethers";

import type { DeployConfig } from "../../src/deployment/config";
import { DeployError } from "../../src/deployment/errors";
import type { Plan } from "../../src/deployment/plan";
import { checkRelease } from "../../src/deployment/release";

/**
 * The deploy's check of the artifacts it sends against the release manifest of
 * `npm run prepare-deployment`. The plan and the EVM artifacts are stand-ins (this tests
 * the comparison, not the compiler); the hashes are computed here with node:crypto and
 * ethers, independently of the module.
 */
describe("release manifest check before a deploy (src/deployment/release.ts)", () => {
  let dir: string;
  let wasmDir: string;
  let releaseDir: string;
  const bytecode: Record<string, string> = {
    RateLimiter: "0x6001600155",
    ERC1967Proxy: "0x6002600255",
    VagusTimelock: "0x6003600355",
  };
  const evm = {
    artifact: (name: string) => {
      if (!(name in bytecode)) throw new Error(`no artifact ${name}`);
      return Promise.resolve({ bytecode: bytecode[name] });
    },
  };
  const plan = {
    components: [{ name: "RateLimiter", evm: { contract: "RateLimiter" }, wasm: { artifact: "rate_limiter.wasm" } }],
    timelock: { evm: { contract: "VagusTimelock" }, wasm: { artifact: "timelock.wasm" } },
    wasmTimelock: true,
  } as unknown as Plan;
  const local = {
    evmNetwork: "localhost",
    evm: { wasm: "wasm-localnet", local: true },
    wasm: { name: "wasm-localnet", local: true },
  } as unknown as DeployConfig;
  const publicNet = {
    evmNetwork: "sepolia",
    evm: { wasm: "wasm-testnet" },
    wasm: { name: "wasm-testnet" },
  } as unknown as DeployConfig;
  const sha256 = (b: Buffer) => createHash("sha256").update(b).digest("hex");
  const wasmBytes = { "rate_limiter.wasm": Buffer.from("\0asm-rl"), "timelock.wasm": Buffer.from("\0asm-tl") };

  function writeManifest() {
    const e = bytecode;
    const w = wasmBytes;
    writeFileSync(
      path.join(releaseDir, "manifest.json"),
      JSON.stringify({
        git: { commit: "0123456789abcdef0123", dirty: false },
        artifacts: {
          evm: Object.entries(e).map(([contract, code]) => ({ contract, creationKeccak256: keccak256(code) })),
          wasm: Object.entries(w).map(([f, b]) => ({ file: `artifacts/wasm/${f}`, sha256: sha256(b) })),
        },
      }),
    );
  }

  async function run(cfg: DeployConfig): Promise<{ lines: string[]; error?: DeployError }> {
    const lines: string[] = [];
    try {
      await checkRelease(cfg, plan, evm, {
        env: { VAGUS_RELEASE_DIR: releaseDir },
        log: (l) => lines.push(l),
        wasmDir,
      });
      return { lines };
    } catch (err) {
      if (err instanceof DeployError) return { lines, error: err };
      throw err;
    }
  }

  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), "vagus-release-"));
    wasmDir = path.join(dir, "wasm");
    releaseDir = path.join(dir, "release");
    mkdirSync(wasmDir);
    mkdirSync(releaseDir);
    for (const [f, b] of Object.entries(wasmBytes)) writeFileSync(path.join(wasmDir, f), b);
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("artifacts equal to the release pass, on a public network too, and the commit is logged", async () => {
    writeManifest();
    const r = await run(publicNet);
    expect(r.error).to.equal(undefined);
    expect(r.lines.join("\n")).to.match(/release: the artifacts match .*manifest\.json \(0123456789ab\)/);
  });

  it("a changed .wasm, a changed EVM bytecode and a contract missing from the release are each refused by name", async () => {
    // The release has another RateLimiter and timelock.wasm, and no ERC1967Proxy.
    const manifest = {
      git: { commit: "0123456789abcdef0123" },
      artifacts: {
        evm: [
          { contract: "RateLimiter", creationKeccak256: keccak256("0x60016001550000") },
          { contract: "VagusTimelock", creationKeccak256: keccak256(bytecode.VagusTimelock) },
        ],
        wasm: [
          { file: "artifacts/wasm/rate_limiter.wasm", sha256: sha256(wasmBytes["rate_limiter.wasm"]) },
          { file: "artifacts/wasm/timelock.wasm", sha256: sha256(Buffer.from("\0asm-other")) },
        ],
      },
    };
    writeFileSync(path.join(releaseDir, "manifest.json"), JSON.stringify(manifest));
    for (const cfg of [local, publicNet]) {
      const r = await run(cfg);
      expect(r.error?.step).to.equal("release");
      const msg = r.error!.message;
      expect(msg).to.include(`EVM RateLimiter: creation bytecode keccak256 ${keccak256(bytecode.RateLimiter)}`);
      expect(msg).to.include("EVM ERC1967Proxy is not in the release");
      expect(msg).to.include(`artifacts/wasm/timelock.wasm: sha256 ${sha256(wasmBytes["timelock.wasm"])}`);
      expect(msg).to.not.include("rate_limiter.wasm");
      expect(r.error!.render()).to.include("npm run prepare-deployment");
    }
  });

  it("without a manifest: refused on a public network, allowed with a notice on the localnets", async () => {
    const pub = await run(publicNet);
    expect(pub.error?.message).to.match(
      /no release manifest .*manifest\.json: refusing to deploy unreleased artifacts/,
    );
    expect(pub.error?.hint).to.include("npm run prepare-deployment");
    const loc = await run(local);
    expect(loc.error).to.equal(undefined);
    expect(loc.lines).to.have.length(1);
    expect(loc.lines[0]).to.match(/^notice: no release manifest .*not checked against a release \(localnet\)$/);
  });
});
