import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

import { expect } from "chai";

import { emergencyHolders, resolveConfig } from "../../src/deployment/config";
import { ConfigError } from "../../src/deployment/errors";
import { componentParams } from "../../src/deployment/plan";
import { fromWasm, toWasm } from "../../src/spec";
import { loadSpec } from "../../src/spec";

function problems(fn: () => unknown): string[] {
  try {
    fn();
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  return [];
}

describe("deploy configuration and parameters", () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), "vagus-config-"));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("mainnet without settings lists every variable to set, before any transaction", () => {
    const p = problems(() => resolveConfig({ evmNetwork: "mainnet", env: {} }));
    expect(p.join("\n")).to.include("set MAINNET_RPC_URL");
    expect(p.join("\n")).to.include("set DEPLOYER_PRIVATE_KEY");
    expect(p.join("\n")).to.include("set VAGUS_WASM_MAINNET_RPC");
    expect(p.join("\n")).to.include("VAGUS_WASM_MNEMONIC (the mnemonic) or VAGUS_WASM_KEY_FILE");
    expect(p.join("\n")).to.include("deploy/params/mainnet+wasm-mainnet.json");
  });

  it("an unknown network names the known ones; VAGUS_WASM_NETWORK picks the CosmWasm side", () => {
    expect(problems(() => resolveConfig({ evmNetwork: "nope", env: {} }))[0]).to.match(
      /known: hardhat, localhost, sepolia, mainnet/,
    );
    const p = problems(() => resolveConfig({ evmNetwork: "localhost", env: { VAGUS_WASM_NETWORK: "wasm-x" } }));
    expect(p.join("\n")).to.match(/"wasm-x" is not in deploy\/networks.json.*set VAGUS_WASM_NETWORK/);
  });

  it("a key file readable by others is refused; the key itself never enters the config", () => {
    const key = path.join(dir, "k.mnemonic");
    writeFileSync(key, "word ".repeat(24));
    chmodSync(key, 0o644);
    const p = problems(() =>
      resolveConfig({
        evmNetwork: "localhost",
        env: { VAGUS_WASM_KEY_FILE: key, VAGUS_DEPLOY_PARAMS: path.resolve("deploy/params/local.json") },
      }),
    );
    expect(p.join("\n")).to.include("chmod 600");
    chmodSync(key, 0o600);
    const cfg = resolveConfig({
      evmNetwork: "localhost",
      env: { VAGUS_WASM_KEY_FILE: key, VAGUS_DEPLOY_PARAMS: path.resolve("deploy/params/local.json") },
    });
    expect(cfg.wasm.keySource).to.equal(`file ${key}`);
    expect(JSON.stringify(cfg)).to.not.include("word word");
    expect(cfg.pairDir.endsWith(path.join("deployments", "localhost+wasm-localnet"))).to.equal(true);
  });

  it("bad governance addresses are named", () => {
    const params = path.join(dir, "p.json");
    writeFileSync(
      params,
      JSON.stringify({
        components: {},
        governance: {
          evm: {
            minDelay: -1,
            proposers: ["0x12"],
            executors: [],
            guardians: ["0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC"],
          },
          wasm: {
            minDelay: 1,
            proposers: ["cosmos1abc"],
            executors: ["@account:bob"],
            guardians: ["@account:guardian"],
          },
        },
      }),
    );
    const p = problems(() =>
      resolveConfig({ evmNetwork: "localhost", env: { VAGUS_DEPLOY_PARAMS: params, VAGUS_WASM_MNEMONIC: "x" } }),
    );
    expect(p).to.include("params: governance.evm.minDelay must be an integer ≥ 0");
    expect(p).to.include('params: governance.evm.proposers: "0x12" is not a valid address');
    expect(p).to.include("params: governance.evm.executors needs at least one address");
    expect(p).to.include('params: governance.wasm.proposers: "cosmos1abc" is not a valid address');
  });

  it("EMERGENCY holders: governance.<stack>.emergency when given (bad or empty lists named), else the guardians", () => {
    const evmGuardian = "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC";
    const evmKey = "0x90F79bf6EB2c4f870365E785982E1f101E93b906";
    const write = (evmEmergency: unknown, wasmEmergency: unknown) => {
      const params = path.join(dir, "e.json");
      writeFileSync(
        params,
        JSON.stringify({
          components: {},
          governance: {
            evm: {
              minDelay: 1,
              proposers: [evmGuardian],
              executors: [evmGuardian],
              guardians: [evmGuardian],
              emergency: evmEmergency,
            },
            wasm: {
              minDelay: 1,
              proposers: ["@account:bob"],
              executors: ["@account:bob"],
              guardians: ["@account:guardian"],
              emergency: wasmEmergency,
            },
          },
        }),
      );
      return { evmNetwork: "localhost", env: { VAGUS_DEPLOY_PARAMS: params, VAGUS_WASM_MNEMONIC: "x" } };
    };
    const p = problems(() => resolveConfig(write(["0x12"], [])));
    expect(p).to.include('params: governance.evm.emergency: "0x12" is not a valid address');
    expect(p).to.include("params: governance.wasm.emergency needs at least one address (or omit it: the guardians)");
    const given = resolveConfig(write([evmKey], undefined));
    expect(emergencyHolders(given.params.governance.evm)).to.deep.equal([evmKey]);
    expect(emergencyHolders(given.params.governance.wasm)).to.deep.equal(["@account:guardian"]);
  });

  it("component parameters: spec defaults, overrides, range checks, and the CosmWasm JSON form", () => {
    const spec = loadSpec();
    const rl = spec.component("RateLimiter");
    // spec/rate-limiter.json: capacity 60, window 60, buckets 6.
    expect(componentParams(rl, "Config")).to.deep.equal({ capacity: 60n, window: 60n, buckets: 6n });
    expect(componentParams(rl, "Config", { capacity: 5 })).to.deep.equal({ capacity: 5n, window: 60n, buckets: 6n });
    expect(problems(() => componentParams(rl, "Config", { capacity: 0 }))[0]).to.match(/capacity = 0 is outside 1\.\./);
    expect(problems(() => componentParams(rl, "Config", { size: 1 }))[0]).to.match(/no parameter\(s\) size/);
    const cb = spec.component("CircuitBreaker");
    const p = componentParams(cb, "Config", { cooldown: 30 });
    const json = toWasm(cb, "Config", p);
    expect(json).to.deep.equal({ failure_threshold: 5, cooldown: 30, half_open_max_probes: 3, success_threshold: 2 });
    expect(fromWasm(cb, "Config", json, { strict: true })).to.deep.equal(p);
    expect(() => fromWasm(cb, "Config", { ...(json as object), extra: 1 }, { strict: true })).to.throw(
      /unexpected field/,
    );
  });
});
