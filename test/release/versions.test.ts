import { readFileSync } from "node:fs";

import { expect } from "chai";
import { network } from "hardhat";

import { SharedClock } from "../../src/chains/clock";
import { AddressBook } from "../../src/equivalence/canon";
import { startDevnet, type Devnet } from "../../src/equivalence/devnet";
import { EvmStack, WasmStack } from "../../src/equivalence/stacks";
import {
  compareSemver,
  componentVersions,
  evmDeployedVersion,
  renderRust,
  renderSolidity,
  RUST_VERSIONS,
  SOL_VERSIONS,
  staleGeneratedFiles,
  wasmDeployedVersion,
} from "../../src/release/versions";
import { loadSpec } from "../../src/spec";

/**
 * One source of every contract's version (spec `version`, docs/decisions/0044): the
 * generated Solidity and Rust constants are what the spec says, and the contracts deployed
 * from the built artifacts report it on both stacks (EVM `version()` through the proxy,
 * the cw2 record on CosmWasm).
 */

const spec = loadSpec();
const SPEC_FILES = [
  "afferent-inbox",
  "ans",
  "capability-issuer",
  "circuit-breaker",
  "rate-limiter",
  "reflex-arc",
  "timelock",
  "vagal-brake",
];

describe("contract versions: one source in spec/", function () {
  this.timeout(300_000);

  it("reads a semver `version` from every component file of spec/, the timelock included", () => {
    const versions = componentVersions();
    expect(versions.map((v) => v.file).sort()).to.deep.equal(SPEC_FILES.map((f) => `${f}.json`));
    for (const v of versions) {
      const raw = JSON.parse(readFileSync(`spec/${v.file}`, "utf8")) as { version: string };
      expect(v.version, v.file).to.equal(raw.version);
    }
  });

  it("the committed VagusVersions.sol and versions.rs are exactly the rendering of the spec", () => {
    expect(staleGeneratedFiles()).to.deep.equal([]);
    const sol = readFileSync(SOL_VERSIONS, "utf8");
    const rs = readFileSync(RUST_VERSIONS, "utf8");
    expect(sol).to.include('string internal constant CAPABILITY_ISSUER = "');
    expect(rs).to.include('pub const ANS_STATE_MANAGER: &str = "');
  });

  it("a version change in the spec changes both generated files (and only that constant)", () => {
    const versions = componentVersions();
    const bumped = versions.map((v) => (v.component === "RateLimiter" ? { ...v, version: "9.8.7" } : v));
    const sol = renderSolidity(bumped);
    const rs = renderRust(bumped);
    expect(sol).to.include('RATE_LIMITER = "9.8.7";');
    expect(rs).to.include('RATE_LIMITER: &str = "9.8.7";');
    expect(sol.split("\n").filter((l, i) => l !== renderSolidity(versions).split("\n")[i])).to.have.length(1);
    expect(rs.split("\n").filter((l, i) => l !== renderRust(versions).split("\n")[i])).to.have.length(1);
  });

  it("rejects a component file whose version is not semver", () => {
    expect(() => componentVersions("test/fixtures/release/bad-spec")).to.throw(/"version" must be a semver string/);
  });

  it("orders versions by semver, not as text (0.10.0 > 0.9.0; a pre-release is below its release)", () => {
    expect(compareSemver("0.10.0", "0.9.0")).to.be.greaterThan(0);
    expect(compareSemver("1.0.0-rc.1", "1.0.0")).to.be.lessThan(0);
    expect(compareSemver("1.2.3", "1.2.3")).to.equal(0);
    expect(compareSemver("1.2.3", "1.3.0")).to.be.lessThan(0);
  });

  describe("deployed from the built artifacts, both stacks report the spec's version", () => {
    let devnet: Devnet;
    let evm: EvmStack;
    let wasm: WasmStack;
    const components = [...spec.components.keys()];
    // The in-process Hardhat chain is shared with later test files (the conformance vectors
    // start at timeOrigin): leave it as this suite found it.
    let chainBefore: string;

    before(async () => {
      chainBefore = (await network.provider.send("evm_snapshot", [])) as string;
      devnet = await startDevnet({ spec, evmProvider: network.provider });
      const clock = new SharedClock(devnet.evm, devnet.wasm);
      const book = new AddressBook();
      evm = new EvmStack(devnet.evm, spec, book, clock);
      wasm = new WasmStack(devnet.wasm, spec, book);
      await clock.set(spec.timeOrigin);
      evm.bind("@admin", (await devnet.evm.accounts())[0]);
      wasm.bind("@admin", await wasm.account(0, "admin"));
      await evm.deploy(components, {});
      await wasm.deploy(components, {});
    });
    after(async () => {
      await devnet?.close();
      await network.provider.send("evm_revert", [chainBefore]);
    });

    it("every component: EVM version() == cw2 version == spec version, and cw2 names the spec's wasm contract", async () => {
      expect(components.length).to.equal(7);
      for (const name of components) {
        const c = spec.component(name);
        const onEvm = await evmDeployedVersion(devnet.evm, c.evmContract, evm.addressOf(name));
        const onWasm = await wasmDeployedVersion(devnet.wasm, wasm.addressOf(name));
        expect(onEvm, `${name} EVM`).to.equal(c.version);
        expect(onWasm, `${name} cw2`).to.deep.equal({ contract: `crates.io:${c.wasmContract}`, version: c.version });
      }
    });

    it("a contract without a cw2 record reads as no version (raw key absent), not as an error", async () => {
      const missing = await devnet.wasm.queryRaw(
        wasm.addressOf("RateLimiter"),
        new TextEncoder().encode("no_such_key"),
      );
      expect(missing).to.equal(null);
    });
  });
});
