/**
 * A deployment step: one action on one chain, journaled (docs/decisions/0016).
 *
 * - `intent()` computes, before anything is sent, what the step will do and how to find
 *   it on chain afterwards (predicted address, nonce, checksum, …); it is fsync'd to the
 *   journal before `run`.
 * - `probe(intent)` looks on chain for the effect of an intent whose result was never
 *   recorded (the run died after sending): the outcome if it happened, else undefined.
 *   Steps whose effect can be checked regardless of the journal (a code already stored,
 *   a role already held) also probe before their first run.
 * - `run(intent, hooks)` acts; it calls `hooks.sent()` once its transaction is out.
 */

export interface StepHooks {
  sent(): void;
}

export type StepData = Record<string, unknown>;

export interface Step {
  id: string;
  stack: "evm" | "wasm" | "local";
  network: string;
  /** One line for the plan and the progress output. */
  describe: string;
  intent(): Promise<StepData>;
  probe(intent: StepData): Promise<StepData | undefined>;
  /** Probe before the first run too (effects independent of this run). */
  probeFirst?: boolean;
  run(intent: StepData, hooks: StepHooks): Promise<StepData>;
}
