import { expect } from "chai";

import { jsonDiff, settingsDiff, type DeploySettings } from "../../src/deploy/settings";

/** What a resume or a re-run compares with the recorded deployment, and how it names differences. */

const base: DeploySettings = {
  evmNetwork: "localhost",
  evmChainId: "31337",
  wasmNetwork: "wasm-localnet",
  wasmChainId: "vagus-localnet-1",
  timelockMode: false,
  params: { components: { RateLimiter: { capacity: 60 } }, governance: { evm: { minDelay: 2 } } },
  paramsFile: "deploy/params/local.json",
  paramsSha256: "aa",
};

describe("deploy settings: recorded vs this run", () => {
  it("the same settings have no difference, whatever the file's path or bytes (formatting)", () => {
    const recorded = {
      procedure: "deploy",
      evmDeployer: "0x1",
      ...base,
      paramsFile: "/tmp/other.json",
      paramsSha256: "bb",
    };
    expect(settingsDiff(recorded, base)).to.deep.equal([]);
  });

  it("names the timelock mode, each changed parameter by its path, and a chain id that changed", () => {
    const now: DeploySettings = {
      ...base,
      timelockMode: true,
      evmChainId: "1",
      params: { components: { RateLimiter: { capacity: 61, window: 30 } }, governance: { evm: { minDelay: 2 } } },
    };
    const d = settingsDiff({ ...base }, now);
    expect(d).to.have.length(4);
    expect(d[0]).to.equal("EVM chain id: recorded 31337, this run 1");
    expect(d[1]).to.equal("timelock mode: recorded off, this run on (--timelock)");
    expect(d[2]).to.match(
      /^parameters components\.RateLimiter\.capacity: 60 → 61 \(recorded from deploy\/params\/local\.json/,
    );
    expect(d[3]).to.equal("parameters components.RateLimiter.window: (absent) → 30");
  });

  it("a begin entry written before a field was recorded is not compared on that field", () => {
    expect(settingsDiff({ evmChainId: "31337" }, { ...base, timelockMode: true, params: {} })).to.deep.equal([]);
    expect(settingsDiff(undefined, base)).to.deep.equal([]);
  });

  it("jsonDiff compares arrays element by element and reports a changed length as one difference", () => {
    expect(jsonDiff({ a: [1, 2] }, { a: [1, 3] })).to.deep.equal(["a[1]: 2 → 3"]);
    expect(jsonDiff({ a: [1] }, { a: [1, 2] })).to.deep.equal(["a: [1] → [1,2]"]);
    expect(jsonDiff({ a: { b: null } }, { a: { b: null } })).to.deep.equal([]);
  });
});
