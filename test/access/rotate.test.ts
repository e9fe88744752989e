import { expect } from "chai";

import { hasEvmArtifact } from "../../src/chains/evm";
import { ToolError } from "../../src/cli/errors";
import { recoverOptions } from "../../src/access/recover";
import type { RoleReview, RoleRow } from "../../src/access/roles";
import { planRotation } from "../../src/access/rotate";
import { readTargets } from "../../src/access/snapshot";
import { readJsonFile, REPO_ROOT, type ParamsFile } from "../../src/deployment/config";
import { resolvePlan } from "../../src/deployment/plan";
import path from "node:path";

const plan = resolvePlan(readJsonFile<ParamsFile>(path.join(REPO_ROOT, "deploy", "params", "local.json")), {
  has: (n) => hasEvmArtifact(n),
});
const OLD = "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC";
const NEW = "0x90F79bf6EB2c4f870365E785982E1f101E93b906";

function held(stack: "evm" | "wasm", component: string, role: string, holder: string): RoleRow {
  return {
    stack,
    component,
    contract: "c",
    role,
    holder,
    plannedAs: undefined,
    onChain: true,
    planned: true,
    status: "ok",
  };
}
const codeOf = (f: () => unknown) => {
  try {
    f();
  } catch (err) {
    expect(err).to.be.instanceOf(ToolError);
    return (err as ToolError).code;
  }
  throw new Error("expected a ToolError");
};

describe("access: rotation planning and option checks (no chain)", () => {
  const withGuardian = plan.components.filter((c) => c.component.hasRole("GUARDIAN")).map((c) => c.name);
  const review: RoleReview = {
    ok: true,
    problems: [],
    rows: [
      ...withGuardian.map((c) => held("evm", c, "GUARDIAN", OLD)),
      held("wasm", "RateLimiter", "GUARDIAN", "wasm1old"),
    ],
  };

  it("every grant to the new holder comes before every revoke of the old one, on each component holding it", () => {
    const r = planRotation(plan, review, {
      role: "guardian",
      from: { evm: OLD },
      to: { evm: NEW },
      stacks: ["evm", "wasm"],
    });
    expect(r.stacks).to.deep.equal(["evm"]);
    expect(r.components).to.deep.equal(withGuardian);
    const n = withGuardian.length;
    expect(r.ops.map((o) => o.operation)).to.deep.equal([
      ...Array(n).fill("grantRole"),
      ...Array(n).fill("revokeRole"),
    ]);
    expect(r.ops[0].args).to.deep.equal({ role: "GUARDIAN", account: NEW });
    expect(r.ops[n].args).to.deep.equal({ role: "GUARDIAN", account: OLD });
  });

  it("both stacks in one proposal: the account is {evm, wasm}; --component narrows", () => {
    const r = planRotation(plan, review, {
      role: "GUARDIAN",
      from: { evm: OLD, wasm: "wasm1old" },
      to: { evm: NEW, wasm: "wasm1new" },
      component: "RateLimiter",
      stacks: ["evm", "wasm"],
    });
    expect(r.components).to.deep.equal(["RateLimiter"]);
    expect(r.ops).to.deep.equal([
      {
        component: "RateLimiter",
        operation: "grantRole",
        args: { role: "GUARDIAN", account: { evm: NEW, wasm: "wasm1new" } },
      },
      {
        component: "RateLimiter",
        operation: "revokeRole",
        args: { role: "GUARDIAN", account: { evm: OLD, wasm: "wasm1old" } },
      },
    ]);
  });

  it("refuses, before anything is proposed: unknown role 16003, not held 16005, unknown component 16006, half a pair 16007, same account 16008", () => {
    const base = { from: { evm: OLD }, to: { evm: NEW }, stacks: ["evm" as const] };
    expect(codeOf(() => planRotation(plan, review, { ...base, role: "KING" }))).to.equal(16003);
    expect(
      codeOf(() => planRotation(plan, review, { ...base, role: "GUARDIAN", from: { evm: NEW }, to: { evm: OLD } })),
    ).to.equal(16005);
    expect(codeOf(() => planRotation(plan, review, { ...base, role: "GUARDIAN", component: "Nope" }))).to.equal(16006);
    expect(codeOf(() => planRotation(plan, review, { ...base, role: "GUARDIAN", to: {} }))).to.equal(16007);
    expect(
      codeOf(() => planRotation(plan, review, { ...base, role: "GUARDIAN", to: { evm: OLD.toLowerCase() } })),
    ).to.equal(16008);
  });

  it("recover options: a bad block, address or deployment id is 16014; defaults are block 0, no force", () => {
    expect(recoverOptions({})).to.deep.include({ force: false, fromBlock: 0 });
    expect(codeOf(() => recoverOptions({ VAGUS_RECOVER_FROM_BLOCK: "-1" }))).to.equal(16014);
    expect(codeOf(() => recoverOptions({ VAGUS_RECOVER_EVM_DEPLOYER: "0x1234" }))).to.equal(16014);
    expect(codeOf(() => recoverOptions({ VAGUS_RECOVER_DEPLOYMENT: "a b" }))).to.equal(16014);
  });

  it("snapshot targets: a missing file or an unknown key is 16020", () => {
    expect(codeOf(() => readTargets("/nonexistent/targets.json"))).to.equal(16020);
    expect(codeOf(() => readTargets(path.join(REPO_ROOT, "package.json")))).to.equal(16020);
    expect(readTargets(undefined)).to.deep.equal({ executors: [], pairs: [], tokens: [], actions: [] });
  });
});
