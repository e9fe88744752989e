import type { HardhatRuntimeEnvironment } from "hardhat/types";

import { GOV, govError } from "./errors";
import {
  cancelProposal,
  executeProposal,
  operationIdsOf,
  parseStacks,
  proposalStatus,
  proposeOperations,
  type GovOperation,
  type ProposalRecord,
  type ProposalStatus,
} from "./index";
import { isProposalId } from "./record";

/** The `vagus:gov` task's arguments (tasks/governance.ts). */
export interface GovCommandArgs {
  verb: string;
  rest: string[];
  component?: string;
  components?: string;
  args?: string;
  stacks?: string;
  export?: string;
  description?: string;
  from?: string;
  wait?: boolean;
}

/** A `name=value` value: JSON when it parses (numbers, objects), else the text itself. */
function valueOf(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/**
 * The operations of `propose <operation> [name=value ...] --component X | --components a,b
 * [--args JSON]`: one per component, the same arguments for each. Throws 12011 on usage.
 */
export function parseProposeArgs(
  a: Pick<GovCommandArgs, "rest" | "component" | "components" | "args">,
): GovOperation[] {
  const [operation, ...named] = a.rest;
  if (!operation)
    throw govError(GOV.USAGE, "propose: which operation? (vagus:gov propose <operation> --component <component>)");
  if (a.component && a.components) throw govError(GOV.USAGE, "give --component or --components, not both");
  const components = a.components
    ? a.components
        .split(",")
        .map((s) => s.trim())
        .filter(Boolean)
    : a.component
      ? [a.component]
      : [];
  if (components.length === 0) throw govError(GOV.USAGE, `propose ${operation}: which component? (--component <name>)`);
  let args: Record<string, unknown> = {};
  if (a.args !== undefined) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(a.args);
    } catch (err) {
      throw govError(
        GOV.USAGE,
        `--args is not JSON: ${(err as Error).message}`,
        `quote it: --args '{"executorId": 7}'`,
      );
    }
    if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed))
      throw govError(GOV.USAGE, "--args must be a JSON object of arguments by spec name");
    args = parsed as Record<string, unknown>;
  }
  for (const n of named) {
    const eq = n.indexOf("=");
    if (eq <= 0) throw govError(GOV.USAGE, `"${n}" is not name=value`, "arguments are name=value (or --args JSON)");
    const name = n.slice(0, eq);
    if (name in args) throw govError(GOV.USAGE, `argument ${name} given twice`);
    args[name] = valueOf(n.slice(eq + 1));
  }
  return components.map((component) => ({ component, operation, args }));
}

function idOf(verb: string, rest: string[]): string {
  const [id, ...more] = rest;
  if (!id) throw govError(GOV.USAGE, `${verb}: which proposal? (vagus:gov ${verb} <id>; vagus:gov status lists them)`);
  if (more.length > 0) throw govError(GOV.USAGE, `${verb}: unexpected ${more.join(" ")}`);
  if (!isProposalId(id))
    throw govError(GOV.UNKNOWN_PROPOSAL, `"${id}" is not a proposal id (like 20261205T001500-1a2b3c4d)`);
  return id;
}

function fmtTime(t: number | undefined): string {
  return t ? new Date(t * 1000).toISOString().replace(".000Z", "Z") : "-";
}

/** The status table an operator reads. */
export function renderStatus(rows: ProposalStatus[]): string[] {
  if (rows.length === 0) return ["no proposals on this network pair"];
  const lines: string[] = [];
  for (const r of rows) {
    lines.push(`${r.id}  ${r.description}`);
    for (const s of r.stacks) {
      const left = s.state === "pending" ? `, ${s.secondsLeft ?? "?"} s left` : "";
      lines.push(
        `  ${s.stack.padEnd(4)} ${s.state.padEnd(11)} eta ${fmtTime(s.eta)}${left}  operation ${s.operationId}`,
      );
    }
  }
  return lines;
}

function summary(r: ProposalRecord): string {
  return `${r.id}: ${r.state} (${r.stacks.map((s) => `${s} ${r[s]?.state}`).join(", ")})`;
}

/** Runs one verb; the task wraps it in runCommand (coded error → exit 1). */
export async function runGovCommand(hre: HardhatRuntimeEnvironment, a: GovCommandArgs): Promise<number> {
  const env = process.env;
  if (a.from) env.VAGUS_GOV_FROM = a.from;
  const log = (l: string) => console.log(l);
  const stacks = a.stacks ? parseStacks(a.stacks.split(",").map((s) => s.trim())) : undefined;
  switch (a.verb) {
    case "propose": {
      const ops = parseProposeArgs(a);
      const r = await proposeOperations(hre, ops, {
        stacks,
        description: a.description,
        exportDir: a.export,
        log,
        env,
      });
      log(summary(r));
      return 0;
    }
    case "status": {
      if (a.rest.length > 1) throw govError(GOV.USAGE, `status: unexpected ${a.rest.slice(1).join(" ")}`);
      const id = a.rest[0];
      if (id !== undefined && !isProposalId(id)) throw govError(GOV.UNKNOWN_PROPOSAL, `"${id}" is not a proposal id`);
      for (const l of renderStatus(await proposalStatus(hre, id, { log, env }))) log(l);
      return 0;
    }
    case "execute": {
      const r = await executeProposal(hre, idOf("execute", a.rest), { waitUntilReady: a.wait === true, log, env });
      log(summary(r));
      return 0;
    }
    case "cancel": {
      // A proposal id, or the operation ids of a proposal made outside the toolkit.
      const ops = a.rest.length > 0 ? operationIdsOf(a.rest.join(",")) : undefined;
      const r = await cancelProposal(hre, ops ? a.rest.join(",") : idOf("cancel", a.rest), { log, env });
      log(summary(r));
      return 0;
    }
    default:
      throw govError(GOV.USAGE, `unknown verb "${a.verb}"`, "propose, status, execute or cancel");
  }
}
