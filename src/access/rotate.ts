import { isAddress, getAddress } from "ethers";
import type { HardhatRuntimeEnvironment } from "hardhat/types";

import { hasEvmArtifact } from "../chains/evm";
import { ToolError } from "../cli/errors";
import { accountResolver, type DeployConfig } from "../deployment/config";
import { configFromHre } from "../deployment/endpoints";
import { resolvePlan, type Plan } from "../deployment/plan";
import { proposeOperations, type GovOperation } from "../governance";
import { requireSync, reviewRoles, type RoleReview, type Stack } from "./roles";

/**
 * `vagus:roles --rotate <ROLE> --from <old> --to <new> [--component X]`: moves a role from
 * one holder to another through governance. On each stack the grant to the new holder
 * comes first and the revoke of the old one second, in one proposal, so the role is never
 * left without its holder between two executions. Everything is checked against the chain
 * (the old holder holds it, the new one does not) before anything is proposed.
 */

export const ROTATE_ERRORS = {
  BAD_ROLE: 16003,
  BAD_ADDRESS: 16004,
  NOT_HELD: 16005,
  UNKNOWN_COMPONENT: 16006,
  MISSING_ARG: 16007,
  SAME_HOLDER: 16008,
} as const;

export interface RotateArgs {
  role?: string;
  from?: string;
  to?: string;
  component?: string;
  stacks?: Stack[];
}

export interface RotationPlan {
  stacks: Stack[];
  role: string;
  from: string;
  to: string;
  components: string[];
  ops: GovOperation[];
}

/**
 * `--from` / `--to`: up to one address per stack, comma-separated (`0x…,wasm1…`); the
 * spelling says the stack. `@account:<name>` is a CosmWasm localnet account.
 */
export function addressesByStack(flag: string, value: string, cfg: DeployConfig): Partial<Record<Stack, string>> {
  const out: Partial<Record<Stack, string>> = {};
  const resolve = accountResolver(cfg);
  for (const raw of value
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean)) {
    let stack: Stack;
    let addr: string;
    if (/^0x/i.test(raw)) {
      if (!isAddress(raw))
        throw new ToolError(ROTATE_ERRORS.BAD_ADDRESS, `--${flag} ${JSON.stringify(raw)} is not an EVM address`);
      stack = "evm";
      addr = getAddress(raw);
    } else {
      const a = raw.startsWith("@account:") ? resolve(raw) : raw;
      if (!new RegExp(`^${cfg.wasm.prefix}1[02-9ac-hj-np-z]{38,58}$`).test(a))
        throw new ToolError(
          ROTATE_ERRORS.BAD_ADDRESS,
          `--${flag} ${raw} is neither an EVM address (0x…) nor a ${cfg.wasm.prefix}1… address`,
        );
      stack = "wasm";
      addr = a;
    }
    if (out[stack]) throw new ToolError(ROTATE_ERRORS.BAD_ADDRESS, `--${flag} names two ${stack} addresses`);
    out[stack] = addr;
  }
  return out;
}

/** The components a rotation of `role` may touch (`--component` narrows); checks both names. */
export function rotationScope(plan: Plan, role: string, component?: string): Plan["components"] {
  const withRole = plan.components.filter((c) => c.component.hasRole(role));
  if (withRole.length === 0)
    throw new ToolError(
      ROTATE_ERRORS.BAD_ROLE,
      `no component defines the role ${role} (spec roles: ${[...new Set(plan.components.flatMap((c) => c.component.roles.map((r) => r.key)))].join(", ")})`,
    );
  if (component === undefined) return withRole;
  const c = plan.components.find((x) => x.name === component || x.spec === component);
  if (!c)
    throw new ToolError(
      ROTATE_ERRORS.UNKNOWN_COMPONENT,
      `--component ${component} is not a deployed component (${plan.components.map((x) => x.name).join(", ")})`,
    );
  if (!c.component.hasRole(role))
    throw new ToolError(
      ROTATE_ERRORS.BAD_ROLE,
      `${c.name} has no role ${role} (it has ${c.component.roles.map((r) => r.key).join(", ")})`,
    );
  return [c];
}

/**
 * The grant/revoke pairs of a rotation, checked against the review: on every component in
 * scope where the old holder holds the role on a rotated stack, a grant to the new holder,
 * then (after all grants) a revoke from the old one. One proposal covers both stacks: an
 * account argument is `{evm, wasm}` when both are rotated (a grant already held or a revoke
 * of a role not held is a no-op on chain, so a component rotated on one stack only is safe).
 */
export function planRotation(
  plan: Plan,
  review: RoleReview,
  args: {
    role: string;
    from: Partial<Record<Stack, string>>;
    to: Partial<Record<Stack, string>>;
    component?: string;
    stacks: Stack[];
  },
): RotationPlan {
  const role = args.role.toUpperCase();
  const scope = rotationScope(plan, role, args.component);
  const stacks: Stack[] = [];
  for (const stack of args.stacks) {
    const from = args.from[stack];
    const to = args.to[stack];
    if (!from && !to) continue;
    if (!from || !to)
      throw new ToolError(ROTATE_ERRORS.MISSING_ARG, `${stack}: give both --from and --to addresses for this stack`);
    const key = (a: string) => (stack === "evm" ? a.toLowerCase() : a);
    if (key(from) === key(to))
      throw new ToolError(ROTATE_ERRORS.SAME_HOLDER, `${stack}: --from and --to are the same account`);
    stacks.push(stack);
  }
  if (stacks.length === 0)
    throw new ToolError(ROTATE_ERRORS.MISSING_ARG, "--from and --to name no address of the chosen --stacks");
  const holds = (stack: Stack, component: string, who: string) =>
    review.rows.some(
      (r) =>
        r.stack === stack &&
        r.component === component &&
        r.role === role &&
        r.onChain &&
        (stack === "evm" ? r.holder.toLowerCase() === who.toLowerCase() : r.holder === who),
    );
  const components = scope.filter((c) => stacks.some((s) => holds(s, c.name, args.from[s]!))).map((c) => c.name);
  if (components.length === 0)
    throw new ToolError(
      ROTATE_ERRORS.NOT_HELD,
      `${stacks.map((s) => args.from[s]).join(" / ")} holds ${role} on no ${args.component ?? "component"} of ${stacks.join(", ")}; nothing to rotate`,
      { hint: "npx hardhat vagus:roles lists who holds what" },
    );
  const account = (side: Partial<Record<Stack, string>>): unknown =>
    stacks.length === 1 ? side[stacks[0]] : { evm: side.evm, wasm: side.wasm };
  const specOf = (name: string) => plan.components.find((c) => c.name === name)!.spec;
  const ops: GovOperation[] = [
    ...components.map((n) => ({
      component: specOf(n),
      operation: "grantRole",
      args: { role, account: account(args.to) },
    })),
    ...components.map((n) => ({
      component: specOf(n),
      operation: "revokeRole",
      args: { role, account: account(args.from) },
    })),
  ];
  return {
    stacks,
    role,
    from: stacks.map((s) => args.from[s]!).join(" / "),
    to: stacks.map((s) => args.to[s]!).join(" / "),
    components,
    ops,
  };
}

/** Validates, reads the chains, and proposes one grant-then-revoke proposal per stack. */
export async function proposeRotation(hre: HardhatRuntimeEnvironment, args: RotateArgs): Promise<void> {
  if (!args.role || !args.from || !args.to)
    throw new ToolError(ROTATE_ERRORS.MISSING_ARG, "--rotate <ROLE> needs --from <old holder> and --to <new holder>");
  const cfg = configFromHre(hre, process.env, { requireKey: false });
  requireSync(cfg);
  const from = addressesByStack("from", args.from, cfg);
  const to = addressesByStack("to", args.to, cfg);
  const plan = resolvePlan(cfg.params, { has: (n) => hasEvmArtifact(n) });
  const stacks = (args.stacks ?? ["evm", "wasm"]).filter((s) => from[s] || to[s]);
  // Role and component are checked before the chains are read.
  rotationScope(plan, args.role.toUpperCase(), args.component);
  const review = await reviewRoles(hre, { stacks });
  const r = planRotation(plan, review, { role: args.role, from, to, component: args.component, stacks });
  console.log(
    `rotate ${r.role} on ${r.stacks.join(" + ")} (${r.components.join(", ")}): grant to ${r.to}, then revoke from ${r.from}, in one proposal`,
  );
  const rec = await proposeOperations(hre, r.ops, {
    stacks: r.stacks,
    description: `rotate ${r.role} from ${r.from} to ${r.to} on ${r.components.join(", ")}`,
  });
  console.log(`proposal ${rec.id}: execute it once ready with npx hardhat vagus:gov execute ${rec.id}`);
}
