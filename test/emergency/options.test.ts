import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

import { expect } from "chai";

import { ToolError } from "../../src/cli/errors";
import { pauseOptionsFromEnv, renderTable } from "../../src/emergency/pause";
import { planFor } from "../../src/emergency/restore";
import { kebab, parseExecutorId } from "../../src/emergency/targets";
import { DEFAULT_UNPAUSE_PLAN, loadUnpausePlan } from "../../src/emergency/unpause";

/** The emergency commands' checks that need no chain: flags, components, plan files. */

function codeOf(f: () => unknown): number | undefined {
  try {
    f();
  } catch (err) {
    if (err instanceof ToolError) return err.code;
    throw err;
  }
  return undefined;
}

describe("emergency pause options (no chain)", () => {
  const dir = mkdtempSync(path.join(tmpdir(), "vagus-emergency-unit-"));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const plan = (body: unknown) => {
    const f = path.join(dir, `plan-${Math.random().toString(36).slice(2)}.json`);
    writeFileSync(f, typeof body === "string" ? body : JSON.stringify(body));
    return f;
  };

  it("by default every pausable component, the issuer first, the timelock never", () => {
    const o = pauseOptionsFromEnv({});
    expect(o.components[0]).to.equal("CapabilityIssuer");
    expect([...o.components].sort()).to.deep.equal(
      [
        "AfferentInbox",
        "ANSStateManager",
        "CapabilityIssuer",
        "CircuitBreaker",
        "RateLimiter",
        "ReflexArc",
        "VagalBrake",
      ].sort(),
    );
    expect(o.stacks).to.deep.equal(["evm", "wasm"]);
    expect(o.executor).to.equal(undefined);
  });

  it("--components takes spec or kebab names in any case and keeps the pause order", () => {
    const o = pauseOptionsFromEnv({ VAGUS_COMPONENTS: "reflex-arc,capabilityissuer,ANS-state-manager" });
    expect(o.components).to.deep.equal(["CapabilityIssuer", "ANSStateManager", "ReflexArc"]);
    expect(kebab("ANSStateManager")).to.equal("ans-state-manager");
  });

  it("bad flags are coded errors: unknown component 14001, bad executor 14002, exclusive flags and stacks 14007", () => {
    expect(codeOf(() => pauseOptionsFromEnv({ VAGUS_COMPONENTS: "timelock" }))).to.equal(14001);
    for (const bad of ["0", "-1", "1.5", "abc", "18446744073709551616", ""])
      expect(
        codeOf(() => parseExecutorId(bad)),
        bad,
      ).to.equal(14002);
    expect(parseExecutorId("18446744073709551615")).to.equal(2n ** 64n - 1n);
    expect(codeOf(() => pauseOptionsFromEnv({ VAGUS_EXECUTOR: "3", VAGUS_COMPONENTS: "reflex-arc" }))).to.equal(14007);
    expect(codeOf(() => pauseOptionsFromEnv({ VAGUS_STACKS: "evm,solana" }))).to.equal(14007);
    expect(pauseOptionsFromEnv({ VAGUS_EXECUTOR: "3", VAGUS_STACKS: "wasm" })).to.deep.include({
      executor: 3n,
      components: ["CapabilityIssuer"],
      stacks: ["wasm"],
    });
  });

  it("the default plan restores the detectors first and the issuer last, every component once", () => {
    const stages = loadUnpausePlan(DEFAULT_UNPAUSE_PLAN);
    expect(stages[0].components).to.have.members(["ReflexArc", "AfferentInbox"]);
    expect(stages[stages.length - 1].components).to.deep.equal(["CapabilityIssuer"]);
    expect(stages.flatMap((s) => s.components)).to.have.length(7);
  });

  it("plan files are checked: JSON, stages, names, a component in one stage only (14010)", () => {
    expect(codeOf(() => loadUnpausePlan(path.join(dir, "none.json")))).to.equal(14010);
    expect(codeOf(() => loadUnpausePlan(plan("{")))).to.equal(14010);
    expect(codeOf(() => loadUnpausePlan(plan({ stages: [] })))).to.equal(14010);
    expect(codeOf(() => loadUnpausePlan(plan({ stages: [{ name: "a", components: [] }] })))).to.equal(14010);
    expect(codeOf(() => loadUnpausePlan(plan({ stages: [{ components: ["reflex-arc"] }] })))).to.equal(14010);
    expect(codeOf(() => loadUnpausePlan(plan({ stages: [{ name: "a", components: ["nope"] }] })))).to.equal(14010);
    const twice = {
      stages: [
        { name: "a", components: ["reflex-arc"] },
        { name: "b", components: ["ReflexArc"] },
      ],
    };
    expect(codeOf(() => loadUnpausePlan(plan(twice)))).to.equal(14010);
  });

  it("the drill's plan is narrowed to the paused components and must cover them all", () => {
    const { stages } = planFor({}, ["ReflexArc", "CapabilityIssuer"]);
    expect(stages.map((s) => s.components)).to.deep.equal([["ReflexArc"], ["CapabilityIssuer"]]);
    const partial = plan({ stages: [{ name: "a", components: ["reflex-arc"] }] });
    expect(codeOf(() => planFor({ VAGUS_PLAN: partial }, ["ReflexArc", "CapabilityIssuer"]))).to.equal(14010);
  });

  it("the read-back table says NOT paused where a stack disagrees", () => {
    const t = renderTable(
      [
        { component: "CapabilityIssuer", evm: true, wasm: false },
        { component: "ReflexArc", evm: true },
      ],
      ["evm", "wasm"],
    );
    expect(t.split("\n")[1]).to.match(/^capability-issuer +paused +NOT paused$/);
    expect(t.split("\n")[2]).to.match(/^reflex-arc +paused +-$/);
  });
});
