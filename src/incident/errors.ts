import { ToolError } from "../cli/errors";

/**
 * Error codes of the incident commands (`vagus:breaker`, `vagus:limits`, `vagus:executor`,
 * `vagus:ans`; src/incident): 15xxx (docs/error-codes.md, "Incident commands"). Every one
 * is raised before a transaction is sent, except CHAIN_REFUSED, which names the step.
 */
export const INCIDENT = {
  /** Unknown verb, a required flag missing, a flag the verb does not take, bad `--stacks`. */
  USAGE: 15001,
  /** `--executor` is not an integer in 1..2^64−1 (0 is reserved). */
  BAD_EXECUTOR: 15002,
  /** The executor is not registered on the capability issuer of a stack. */
  UNKNOWN_EXECUTOR: 15003,
  /** `--action` is not a 32-byte hex id, or is all zero. */
  BAD_ACTION: 15004,
  /** `--for` does not parse as a duration, or is outside 1 s..7 days (MAX_RAISE_DURATION). */
  BAD_DURATION: 15005,
  /** `--capacity` is not an integer in 1..2^32−1, or does not raise the pair's capacity. */
  BAD_CAPACITY: 15006,
  /** No key for the account the command sends from (guardian key, governance proposer). */
  MISSING_KEY: 15007,
  /** The sending account lacks the role the operation needs on a contract. */
  WRONG_ROLE: 15008,
  /** No deployment recorded for the network pair, or a component missing on a stack. */
  NO_DEPLOYMENT: 15009,
  /** A chain refused a transaction (the step and the spec error are named). */
  CHAIN_REFUSED: 15010,
  /** `--to` is not SAFE, DANGER or SHUTDOWN, or `--reason` is empty or longer than 256 bytes. */
  BAD_STATE: 15011,
  /** The operation has nothing to act on (restore without an active raise, unpause of a running executor). */
  NOTHING_TO_DO: 15012,
} as const;

export function incidentError(code: number, message: string, hint?: string, nothingSent = true): ToolError {
  return new ToolError(code, message, { hint, nothingSent });
}
