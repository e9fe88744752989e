import { ToolError } from "../cli/errors";

/**
 * Error codes of the rollback commands (scripts/rollback.ts, scripts/emergency-rollback.ts):
 * 13xxx (docs/error-codes.md, "Rollback and emergency rollback"). All are raised before a
 * transaction is sent, except CHAIN_REFUSED, READBACK, NOT_READY after a proposal, and
 * VERIFY_FAILED, which say what was sent.
 */
export const RB = {
  /** A flag does not parse: `--to`, `--stacks`, an empty `--reason`. */
  USAGE: 13001,
  /** `--component` is not a protocol component. */
  UNKNOWN_COMPONENT: 13002,
  /** No deployment (sync file, address book) recorded for the network pair. */
  NO_DEPLOYMENT: 13003,
  /** The address book's history has no earlier version to return to (and no `--to`). */
  NO_PREVIOUS_VERSION: 13004,
  /** Emergency: the target is not an on-chain rollback target (`isRollbackTarget`, `rollback_targets`). */
  NOT_APPROVED: 13005,
  /** The target is the version running now. */
  ALREADY_ACTIVE: 13006,
  /** The signer lacks the role the path needs (EMERGENCY on the component). */
  MISSING_ROLE: 13007,
  /** OpenZeppelin's storage-layout validation refuses the EVM rollback. */
  LAYOUT_INCOMPATIBLE: 13008,
  /** The target is unknown: no code at the address, no such code id, no artifact or version for it. */
  UNKNOWN_TARGET: 13009,
  /** The governance rollback is proposed but not executable yet (the eta is printed). */
  NOT_READY: 13010,
  /** A chain refused a rollback transaction. */
  CHAIN_REFUSED: 13011,
  /** After the rollback the chain does not run the target. */
  READBACK: 13012,
  /** The deployment verification fails after the rollback. */
  VERIFY_FAILED: 13013,
  /** CosmWasm: the target's cw2 version is not older than the running one (the contract would refuse it, 1206). */
  NOT_OLDER: 13020,
} as const;

export function rbError(code: number, message: string, hint?: string, nothingSent = true, cause?: unknown): ToolError {
  return new ToolError(code, message, { hint, nothingSent, cause });
}
