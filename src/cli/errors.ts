/**
 * Coded errors of the toolkit's commands, and the one way a command ends on one.
 *
 * Contract errors carry the codes of spec/ (1001–9999). The toolkit's own codes are five
 * digits, one thousand per area, so a code alone says where to look (docs/error-codes.md):
 *
 *   10xxx  command line and configuration      14xxx  emergency pause
 *   11xxx  deployment                          15xxx  incident commands
 *   12xxx  governance proposals                16xxx  access review, recovery, snapshot
 *   13xxx  rollback, emergency rollback        17xxx  release gates, daily check, backup
 */
import { ConfigError, DeployError } from "../deployment/errors";
import { FlagError } from "./flags";

export class ToolError extends Error {
  readonly code: number;
  readonly hint: string | undefined;
  /** True when the command stopped before sending any transaction. */
  readonly nothingSent: boolean;

  constructor(code: number, message: string, opts: { hint?: string; nothingSent?: boolean; cause?: unknown } = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    if (!Number.isInteger(code) || code < 10000 || code > 19999) throw new RangeError(`bad toolkit error code ${code}`);
    this.name = "ToolError";
    this.code = code;
    this.hint = opts.hint;
    this.nothingSent = opts.nothingSent ?? true;
  }

  /** What the operator sees: `error <code>: <message>`, then the hint. */
  render(command: string): string {
    const lines = [`${command}: error ${this.code}: ${this.message}`];
    if (this.hint) lines.push(`  what to do: ${this.hint}`);
    if (this.nothingSent) lines.push("  nothing was sent.");
    return lines.join("\n");
  }
}

/** Configuration and flag problems are error 10001 (every problem listed). */
export const CONFIG_ERROR = 10001;

/** The text of any error a command can end on (a secret never reaches here: see DeployError). */
export function renderError(command: string, err: unknown): string {
  if (err instanceof ToolError) return err.render(command);
  if (err instanceof DeployError) return err.render();
  if (err instanceof ConfigError) return `${command}: error ${CONFIG_ERROR}: ${err.message}\n  nothing was sent.`;
  if (err instanceof FlagError) return `${command}: error ${CONFIG_ERROR}: ${err.message}\n  nothing was sent.`;
  return `${command}: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`;
}

/**
 * Runs a command's body: on an error prints renderError and sets exit status 1. For
 * scripts (`hardhat run`) and tasks alike.
 */
export async function runCommand(command: string, body: () => Promise<number | void>): Promise<void> {
  try {
    const code = await body();
    if (typeof code === "number" && code !== 0) process.exitCode = code;
  } catch (err) {
    console.error(renderError(command, err));
    process.exitCode = 1;
  }
}
