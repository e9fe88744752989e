import { task } from "hardhat/config";

/**
 * The incident commands (src/incident, docs/runbook.md "Incident response"), from the
 * guardian key unless an operation needs ADMIN (then a governance proposal):
 *
 *   vagus:breaker  status | trip | reset | half-open  [--executor N --action 0x..]
 *   vagus:limits   show | raise | restore  --executor N --action 0x.. [--capacity N --for 30m]
 *   vagus:executor status | pause | unpause  --executor N
 *   vagus:ans      status | override  --executor N [--to SAFE|DANGER|SHUTDOWN --reason text]
 *
 * Every command takes `--stacks evm|wasm|evm,wasm` (default both) and `--dry-run`.
 */

interface Args {
  verb: string;
  executor?: string;
  action?: string;
  stacks?: string;
  capacity?: string;
  for?: string;
  to?: string;
  reason?: string;
  dryRun: boolean;
}

type Command = "breakerCommand" | "limitsCommand" | "executorCommand" | "ansCommand";

function define(name: string, help: string, verbs: string, command: Command, extra: (keyof Args)[]) {
  let t = task(name, help)
    .addPositionalParam("verb", verbs)
    .addOptionalParam("executor", "Executor id (decimal, not 0)")
    .addOptionalParam("stacks", "evm, wasm or evm,wasm (default both)")
    .addFlag("dryRun", "List the transactions and send nothing");
  const help2: Record<string, string> = {
    action: "Action id: 0x + 64 hex digits, not all zero",
    capacity: "raise: the capacity while the raise lasts",
    for: "raise: how long, e.g. 90s, 30m, 2h, 1d (at most 7 days)",
    to: "override: SAFE, DANGER or SHUTDOWN",
    reason: "override: why (recorded on chain, at most 256 bytes)",
  };
  for (const e of extra) t = t.addOptionalParam(e, help2[e]);
  t.setAction(async (a: Args, hre) => {
    const { runCommand } = await import("../src/cli/errors");
    const commands = await import("../src/incident/commands");
    await runCommand(`${name} ${a.verb}`, () => commands[command](hre, a));
  });
}

define(
  "vagus:breaker",
  "Circuit breakers on both stacks: status (all non-CLOSED pairs when no pair is given), trip, reset, half-open",
  "status, trip, reset or half-open",
  "breakerCommand",
  ["action"],
);
define(
  "vagus:limits",
  "Rate limits: show a pair, raise its capacity for a while (expires by itself, usage kept), restore it",
  "show, raise or restore",
  "limitsCommand",
  ["action", "capacity", "for"],
);
define(
  "vagus:executor",
  "An executor on the capability issuers: status, pause (guardian), unpause (governance)",
  "status, pause or unpause",
  "executorCommand",
  [],
);
define("vagus:ans", "ANS state of an executor: status, override (governance)", "status or override", "ansCommand", [
  "to",
  "reason",
]);
