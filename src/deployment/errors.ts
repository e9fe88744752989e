/**
 * One error type for the deployment toolkit: it names the failed step, the chain and
 * what the operator should do (docs/runbook.md). `cause` keeps the underlying error.
 */
export class DeployError extends Error {
  readonly step: string | undefined;
  readonly chain: string | undefined;
  readonly hint: string | undefined;

  constructor(message: string, opts: { step?: string; chain?: string; hint?: string; cause?: unknown } = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = "DeployError";
    this.step = opts.step;
    this.chain = opts.chain;
    this.hint = opts.hint;
  }

  /** The multi-line text an operator sees. */
  render(): string {
    const lines = [`deploy failed: ${this.message}`];
    if (this.step) lines.push(`  step:  ${this.step}`);
    if (this.chain) lines.push(`  chain: ${this.chain}`);
    const cause = this.cause instanceof Error ? this.cause.message.split("\n")[0] : undefined;
    if (cause && !this.message.includes(cause)) lines.push(`  cause: ${cause.slice(0, 500)}`);
    if (this.hint) lines.push(`  what to do: ${this.hint}`);
    return lines.join("\n");
  }
}

/** A configuration problem found before any transaction: every missing setting at once. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`configuration is incomplete:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "ConfigError";
  }
}
