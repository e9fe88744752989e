/**
 * Command-line flags of `npx hardhat run <script>`.
 *
 * Hardhat runs a script in a child process and passes it no arguments of its own, so the
 * overridden `run` task (hardhat.config.ts) turns each flag below into its environment
 * variable before the child starts. Scripts read the variables only, through the
 * accessors here: a flag and its variable are one setting, and an operator may use either.
 *
 * Boolean variables accept 1/true/yes and 0/false/no (any case); anything else is a
 * configuration error, so `VAGUS_DRY_RUN=ture` never sends a real transaction.
 */

/** One flag of the `run` task: its camelCase name (Hardhat's), its variable, its help. */
export interface RunFlag {
  name: string;
  env: string;
  kind: "boolean" | "string";
  help: string;
}

export const RUN_FLAGS: readonly RunFlag[] = [
  { name: "timelock", env: "VAGUS_TIMELOCK", kind: "boolean", help: "Every admin call goes through the timelock" },
  { name: "dryRun", env: "VAGUS_DRY_RUN", kind: "boolean", help: "Print the plan and send nothing (no key needed)" },
  { name: "new", env: "VAGUS_NEW", kind: "boolean", help: "Start a new deployment even if one is complete" },
  { name: "yes", env: "VAGUS_YES", kind: "boolean", help: "Answer yes to confirmation prompts (mainnet)" },
  { name: "component", env: "VAGUS_COMPONENT", kind: "string", help: "One protocol component (spec name)" },
  { name: "components", env: "VAGUS_COMPONENTS", kind: "string", help: "Comma-separated protocol components" },
  { name: "to", env: "VAGUS_TO", kind: "string", help: "Target implementation address or code id" },
  { name: "executor", env: "VAGUS_EXECUTOR", kind: "string", help: "One executor id" },
  { name: "stacks", env: "VAGUS_STACKS", kind: "string", help: "evm, wasm or evm,wasm (default both)" },
  { name: "reason", env: "VAGUS_REASON", kind: "string", help: "Why (recorded on chain and in the journal)" },
  { name: "plan", env: "VAGUS_PLAN", kind: "string", help: "A plan file (for example staged unpause)" },
  { name: "drill", env: "VAGUS_DRILL", kind: "boolean", help: "Rehearse on the localnets and print timings" },
  { name: "from", env: "VAGUS_FROM", kind: "string", help: "EVM account to sign with (unlocked or configured)" },
];

/** Thrown for a variable that does not parse; callers report it before touching a chain. */
export class FlagError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "FlagError";
  }
}

const TRUE = new Set(["1", "true", "yes"]);
const FALSE = new Set(["0", "false", "no"]);

/**
 * A boolean variable: unset or empty is `fallback`; 1/true/yes and 0/false/no (any case);
 * anything else throws FlagError naming the variable and the value.
 */
export function envBool(name: string, env: NodeJS.ProcessEnv = process.env, fallback = false): boolean {
  const raw = env[name];
  if (raw === undefined || raw.trim() === "") return fallback;
  const v = raw.trim().toLowerCase();
  if (TRUE.has(v)) return true;
  if (FALSE.has(v)) return false;
  throw new FlagError(`${name}=${JSON.stringify(raw)} is not a boolean: use 1/true/yes or 0/false/no`);
}

/** A string variable, trimmed; unset or empty is undefined. */
export function envString(name: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const raw = env[name];
  if (raw === undefined) return undefined;
  const v = raw.trim();
  return v === "" ? undefined : v;
}

/** A comma-separated list variable (empty items dropped); unset is undefined. */
export function envList(name: string, env: NodeJS.ProcessEnv = process.env): string[] | undefined {
  const v = envString(name, env);
  if (v === undefined) return undefined;
  return v
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s !== "");
}

/**
 * What the overridden `run` task does with its arguments: each flag given on the command
 * line sets its variable (a flag wins over an inherited variable); flags not given leave
 * the environment alone, so the variables stay aliases.
 */
export function applyRunFlags(args: Record<string, unknown>, env: NodeJS.ProcessEnv = process.env): void {
  for (const f of RUN_FLAGS) {
    const v = args[f.name];
    if (f.kind === "boolean") {
      if (v === true) env[f.env] = "1";
    } else if (typeof v === "string" && v !== "") {
      env[f.env] = v;
    }
  }
}
