import { expect } from "chai";

import type { BookEntry } from "../../src/deployment/address-book";
import { RB } from "../../src/rollback/errors";
import {
  compareVersions,
  evmTarget,
  parseTo,
  previousEvm,
  previousWasm,
  rollbackLayoutProblems,
  wasmTarget,
} from "../../src/rollback/targets";
import { ToolError } from "../../src/cli/errors";

const A = "0x1111111111111111111111111111111111111111";
const B = "0x2222222222222222222222222222222222222222";

function codeOf(fn: () => unknown): number | undefined {
  try {
    fn();
  } catch (err) {
    if (err instanceof ToolError) return err.code;
    throw err;
  }
  return undefined;
}

/** v1 (A, code 3) → v2 (B, code 9) → v1 again: the book after a rollback. */
const rolledBack: BookEntry = {
  implementation: A,
  codeId: 3,
  history: [
    { implementation: A, codeId: 3, artifact: "RateLimiter" },
    { implementation: B, codeId: 9, artifact: "RateLimiterV2" },
  ],
};

describe("rollback targets (src/rollback/targets.ts)", () => {
  it("--to takes an EVM address, a code id, or both; anything else is 13001 before any chain", () => {
    expect(parseTo(undefined)).to.deep.equal({});
    expect(parseTo(A.toLowerCase())).to.deep.equal({ evm: A });
    expect(parseTo("7")).to.deep.equal({ wasm: 7 });
    expect(parseTo(` ${A} , 12 `)).to.deep.equal({ evm: A, wasm: 12 });
    for (const bad of ["0x12", "seven", "0", `${A},${B}`, "1,2", "-3"])
      expect(
        codeOf(() => parseTo(bad)),
        bad,
      ).to.equal(RB.USAGE);
  });

  it("the default target is the most recent earlier version that is not the running one", () => {
    const upgraded: BookEntry = { implementation: B, codeId: 9, history: [{ implementation: A, codeId: 3 }] };
    expect(previousEvm(upgraded)?.implementation).to.equal(A);
    expect(previousWasm(upgraded)?.codeId).to.equal(3);
    // After the rollback the previous version is v2, not v1 (which runs now).
    expect(previousEvm(rolledBack)?.implementation).to.equal(B);
    expect(previousWasm(rolledBack)?.codeId).to.equal(9);
    expect(evmTarget("RateLimiter", upgraded, undefined)).to.equal(A);
    expect(wasmTarget("RateLimiter", upgraded, undefined)).to.equal(3);
    expect(evmTarget("RateLimiter", upgraded, B)).to.equal(B);
    expect(wasmTarget("RateLimiter", upgraded, 5)).to.equal(5);
  });

  it("no earlier version and no --to is 13004", () => {
    const fresh: BookEntry = { implementation: A, codeId: 3, history: [{ implementation: A }] };
    expect(codeOf(() => evmTarget("RateLimiter", fresh, undefined))).to.equal(RB.NO_PREVIOUS_VERSION);
    expect(codeOf(() => wasmTarget("RateLimiter", fresh, undefined))).to.equal(RB.NO_PREVIOUS_VERSION);
    expect(codeOf(() => evmTarget("RateLimiter", undefined, undefined))).to.equal(RB.NO_PREVIOUS_VERSION);
  });

  describe("storage layouts (OpenZeppelin's validation)", function () {
    this.timeout(300_000);

    it("V2 → V1 passes: V1 only leaves the namespace V2 added", () => {
      expect(rollbackLayoutProblems("RateLimiterV2", "RateLimiter")).to.deep.equal([]);
    });

    it("a rollback that moves a field of a namespaced struct is refused, naming it", () => {
      const problems = rollbackLayoutProblems("CircuitBreakerBadLayoutV2", "CircuitBreaker");
      expect(problems).to.have.length(1);
      expect(problems[0]).to.match(/`pairs`/);
    });
  });

  it("compareVersions orders major.minor.patch numerically (0.10.0 > 0.9.9, 99.0.0 > 0.1.0), ignoring pre-release tags", () => {
    expect(compareVersions("0.10.0", "0.9.9")).to.be.greaterThan(0);
    expect(compareVersions("0.1.0", "99.0.0")).to.be.lessThan(0);
    expect(compareVersions("1.2.3", "1.2.3")).to.equal(0);
    expect(compareVersions("1.2.3-rc.1", "1.2.3")).to.equal(0);
    expect(compareVersions("1.2", "1.2.0")).to.equal(0);
  });
});
