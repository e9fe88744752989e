import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

import { expect } from "chai";

import { renderError } from "../../src/cli/errors";
import { applyRunFlags, envBool, envList, envString, FlagError, RUN_FLAGS } from "../../src/cli/flags";
import { deploySwitches, resolveConfig } from "../../src/deployment/config";
import { ConfigError } from "../../src/deployment/errors";

/** The `hardhat run` flags and their variables: strict parsing, aliases, what a flag sets. */

function problemsOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  return [];
}

describe("cli flags: envBool / envString / envList", () => {
  it("envBool takes 1/true/yes and 0/false/no in any case and with spaces; unset or empty is the fallback", () => {
    for (const v of ["1", "true", "TRUE", "Yes", " yes "]) expect(envBool("X", { X: v }), v).to.equal(true);
    for (const v of ["0", "false", "False", "NO", " no"]) expect(envBool("X", { X: v }, true), v).to.equal(false);
    expect(envBool("X", {})).to.equal(false);
    expect(envBool("X", {}, true)).to.equal(true);
    expect(envBool("X", { X: "  " }, true)).to.equal(true);
  });

  it("envBool refuses anything else (ture, on, 2, y), naming the variable and the value", () => {
    for (const v of ["ture", "on", "2", "y", "11"]) {
      expect(() => envBool("VAGUS_DRY_RUN", { VAGUS_DRY_RUN: v }), v)
        .to.throw(FlagError)
        .with.property("message")
        .that.includes("VAGUS_DRY_RUN")
        .and.includes(JSON.stringify(v));
    }
  });

  it("envString trims and treats empty as unset; envList splits on commas and drops empty items", () => {
    expect(envString("S", { S: "  evm " })).to.equal("evm");
    expect(envString("S", { S: "   " })).to.equal(undefined);
    expect(envString("S", {})).to.equal(undefined);
    expect(envList("L", { L: " evm, ,wasm," })).to.deep.equal(["evm", "wasm"]);
    expect(envList("L", { L: "" })).to.equal(undefined);
    expect(envList("L", {})).to.equal(undefined);
  });
});

describe("cli flags: applyRunFlags (what the overridden run task passes to the script)", () => {
  it("a boolean flag given sets its variable to 1; a string flag sets its value", () => {
    const env: NodeJS.ProcessEnv = {};
    applyRunFlags({ timelock: true, dryRun: true, new: true, yes: true, component: "RateLimiter", stacks: "evm" }, env);
    expect(env).to.deep.equal({
      VAGUS_TIMELOCK: "1",
      VAGUS_DRY_RUN: "1",
      VAGUS_NEW: "1",
      VAGUS_YES: "1",
      VAGUS_COMPONENT: "RateLimiter",
      VAGUS_STACKS: "evm",
    });
  });

  it("flags not given leave inherited variables alone (they stay aliases); a given flag wins over one", () => {
    const env: NodeJS.ProcessEnv = { VAGUS_TIMELOCK: "yes", VAGUS_DRY_RUN: "0", VAGUS_TO: "12" };
    applyRunFlags({ timelock: false, dryRun: true, to: "", reason: undefined }, env);
    expect(env).to.deep.equal({ VAGUS_TIMELOCK: "yes", VAGUS_DRY_RUN: "1", VAGUS_TO: "12" });
  });

  it("every flag has a distinct VAGUS_* variable and the four runbook flags are there", () => {
    const envs = RUN_FLAGS.map((f) => f.env);
    expect(new Set(envs).size).to.equal(envs.length);
    for (const e of envs) expect(e).to.match(/^VAGUS_[A-Z_]+$/);
    const byName = Object.fromEntries(RUN_FLAGS.map((f) => [f.name, f]));
    for (const [name, env] of [
      ["timelock", "VAGUS_TIMELOCK"],
      ["dryRun", "VAGUS_DRY_RUN"],
      ["new", "VAGUS_NEW"],
      ["yes", "VAGUS_YES"],
    ])
      expect(byName[name], name).to.include({ env, kind: "boolean" });
  });
});

describe("deploy switches: aliases parse as strictly as their new names", () => {
  const pair = "mainnet+wasm-mainnet";
  const sw = (env: NodeJS.ProcessEnv) => {
    const problems: string[] = [];
    return { ...deploySwitches(env, pair, problems), problems };
  };

  it("VAGUS_DEPLOY_NEW is an alias of VAGUS_NEW and VAGUS_CONFIRM_MAINNET of VAGUS_YES: either one on is on", () => {
    expect(sw({ VAGUS_DEPLOY_NEW: "true" })).to.include({ forceNew: true, yes: false });
    expect(sw({ VAGUS_NEW: "1", VAGUS_DEPLOY_NEW: "0" })).to.include({ forceNew: true });
    expect(sw({ VAGUS_CONFIRM_MAINNET: "yes" })).to.include({ yes: true, forceNew: false });
    expect(sw({ VAGUS_CONFIRM_MAINNET: pair })).to.include({ yes: true });
    expect(sw({})).to.deep.equal({ timelockMode: false, dryRun: false, forceNew: false, yes: false, problems: [] });
  });

  it("a bad value of any switch or alias is a problem naming it; another pair's name does not confirm this one", () => {
    const r = sw({
      VAGUS_TIMELOCK: "ture",
      VAGUS_DRY_RUN: "ture",
      VAGUS_DEPLOY_NEW: "maybe",
      VAGUS_CONFIRM_MAINNET: "sepolia+wasm-testnet",
    });
    expect(r).to.include({ timelockMode: false, dryRun: false, forceNew: false, yes: false });
    expect(r.problems.join("\n"))
      .to.include("VAGUS_TIMELOCK=")
      .and.include("VAGUS_DRY_RUN=")
      .and.include("VAGUS_DEPLOY_NEW=");
    expect(r.problems.join("\n")).to.include("confirms another network pair than mainnet+wasm-mainnet");
    expect(r.problems).to.have.length(4);
  });
});

describe("deploy configuration: a bad boolean is error 10001; a dry run needs no key", () => {
  let dir: string;
  let params: string;
  before(() => {
    dir = mkdtempSync(path.join(tmpdir(), "vagus-flags-"));
    params = path.join(dir, "params.json");
    const evm = {
      minDelay: 60,
      proposers: ["0x70997970C51812dc3A010C7d01b50e0d17dc79C8"],
      executors: ["0x70997970C51812dc3A010C7d01b50e0d17dc79C8"],
      guardians: ["0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC"],
    };
    const stars = "stars1qypqxpq9qcrsszg2pvxq6rs0zqg3yyc5lzv7xu";
    const wasm = { minDelay: 60, admin: stars, proposers: [stars], executors: [stars], guardians: [stars] };
    writeFileSync(params, JSON.stringify({ components: {}, governance: { evm, wasm } }));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const sepolia = (extra: NodeJS.ProcessEnv) => ({
    SEPOLIA_RPC_URL: "http://127.0.0.1:1",
    VAGUS_WASM_TESTNET_RPC: "http://127.0.0.1:2",
    VAGUS_DEPLOY_PARAMS: params,
    ...extra,
  });

  it("VAGUS_DRY_RUN=ture stops the configuration with error 10001 naming it; nothing was sent", () => {
    let caught: unknown;
    try {
      resolveConfig({ evmNetwork: "hardhat", env: { VAGUS_DRY_RUN: "ture" } });
    } catch (err) {
      caught = err;
    }
    expect(caught).to.be.instanceOf(ConfigError);
    const text = renderError("deploy", caught);
    expect(text).to.match(/^deploy: error 10001: /);
    expect(text).to.include('VAGUS_DRY_RUN="ture" is not a boolean');
    expect(text).to.include("nothing was sent.");
  });

  it("a real deploy on sepolia needs both keys; a dry run and a read-only command need neither", () => {
    const real = problemsOf(() => resolveConfig({ evmNetwork: "sepolia", env: sepolia({}) })).join("\n");
    expect(real).to.include("set DEPLOYER_PRIVATE_KEY");
    expect(real).to.include("no CosmWasm deployer key for wasm-testnet");
    const dry = resolveConfig({ evmNetwork: "sepolia", env: sepolia({ VAGUS_DRY_RUN: "yes" }) });
    expect(dry).to.include({ dryRun: true, evmNetwork: "sepolia" });
    expect(dry.wasm.keySource).to.equal("");
    const ro = resolveConfig({ evmNetwork: "sepolia", env: sepolia({}), requireKey: false });
    expect(ro.dryRun).to.equal(false);
  });

  it("--yes, VAGUS_YES and VAGUS_CONFIRM_MAINNET=<pair> all reach the config as `yes`; --new as forceNew", () => {
    const cfg = (env: NodeJS.ProcessEnv) => resolveConfig({ evmNetwork: "hardhat", env, requireKey: false });
    expect(cfg({ VAGUS_YES: "1" }).yes).to.equal(true);
    expect(cfg({ VAGUS_CONFIRM_MAINNET: "hardhat+wasm-localnet" }).yes).to.equal(true);
    expect(cfg({ VAGUS_DEPLOY_NEW: "1" }).forceNew).to.equal(true);
    expect(cfg({})).to.include({ yes: false, forceNew: false });
  });
});
