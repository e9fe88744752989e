import { ToolError } from "../cli/errors";

/**
 * Error codes of the governance commands (`vagus:gov`, src/governance): 12xxx
 * (docs/error-codes.md, "Governance proposals"). Every one of them is raised before a
 * transaction is sent, except GOV_CHAIN_REFUSED, which names the step that failed.
 */
export const GOV = {
  /** The component is not one of the spec's (nor `timelock`). */
  UNKNOWN_COMPONENT: 12001,
  /** The operation is not an ADMIN operation of the component (nor `upgrade`). */
  UNKNOWN_OPERATION: 12002,
  /** A spec argument of the operation is missing. */
  MISSING_ARGUMENT: 12003,
  /** An argument does not parse as its spec type, is out of range or is not the operation's. */
  BAD_ARGUMENT: 12004,
  /** The two stacks' encoded parameters do not have the same CBOR dual hash. */
  STACKS_DIFFER: 12005,
  /** The signer lacks the timelock role the verb needs (PROPOSER, EXECUTOR, CANCELLER). */
  MISSING_ROLE: 12006,
  /** `execute` before the operation is ready on a chain. */
  NOT_READY: 12007,
  /** No proposal record with this id. */
  UNKNOWN_PROPOSAL: 12008,
  /** The proposal is not in a state the verb accepts (done, cancelled, never scheduled). */
  WRONG_STATE: 12009,
  /** No deployment recorded for the network pair, or a component missing on a stack. */
  NO_DEPLOYMENT: 12010,
  /** Command-line usage: unknown verb, bad `--stacks`, `--args` that is not JSON. */
  USAGE: 12011,
  /** The CosmWasm deployment has no timelock contract (governance is a plain account). */
  NO_WASM_TIMELOCK: 12012,
  /** A chain refused a governance transaction (the step and the chain's error are named). */
  CHAIN_REFUSED: 12013,
} as const;

export function govError(code: number, message: string, hint?: string, nothingSent = true): ToolError {
  return new ToolError(code, message, { hint, nothingSent });
}
