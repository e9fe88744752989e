/**
 * Types of the spec files (spec/*.json). The spec is the source of truth; these types only
 * describe its shape so the toolkit and the tests read it without casts.
 */

export type StackName = "evm" | "wasm";

/** A role key of common.json (`ADMIN`, `GUARDIAN`, ...). */
export type RoleKey = string;

/** A typed field of an error, event, operation or struct. */
export interface SpecField {
  name: string;
  /**
   * `uint8`..`uint64`, `uint256`, `int64`, `bool`, `bytes32`, `bytes`, `address`, `string`,
   * `role`, an enum or a struct name, or any of those followed by `[]` (an array).
   */
  type: string;
  indexed?: boolean;
  /** Stacks the field or argument exists on; absent means both. */
  stacks?: StackName[];
  /** The type on CosmWasm when it differs (`uint256` delays are `uint64` there). */
  wasmType?: string;
  description?: string;
  /** An address that may be "not set": `null` in vectors, `address(0)` on EVM, `None` on CosmWasm. */
  optional?: boolean;
}

export interface SpecError {
  code: number;
  name: string;
  description: string;
  fields: SpecField[];
  /** Solidity signature, e.g. `WindowTooLong(uint32)`; absent for wasm-only errors. */
  evm?: string;
  wasm?: string;
  /** Stacks the error exists on; absent means both. */
  stacks?: StackName[];
}

export interface SpecEvent {
  name: string;
  description?: string;
  fields: SpecField[];
  evm?: string;
  stacks?: StackName[];
}

export interface SpecDenial {
  code: number;
  name: string;
  description: string;
}

export type OperationKind = "init" | "execute" | "query";

export interface SpecOperation {
  name: string;
  kind: OperationKind;
  /** Role the caller needs (`null`: anyone); executes only. */
  role?: RoleKey | null;
  /** A second role that may also call it (within bounds the operation defines). */
  alsoRole?: RoleKey;
  description?: string;
  /** Whether the operation works while paused; executes only. */
  pause?: "allowed" | "blocked";
  args: SpecField[];
  returns?: SpecField[];
  /** Stacks the operation exists on; absent means both. */
  stacks?: StackName[];
}

export interface SpecParam {
  type: string;
  default: number;
  /** Bounds are numbers, or decimal strings where they do not fit a double (uint64 / int64). */
  min: number | string;
  max: number | string;
  unit: string;
  description: string;
}

export interface SpecRoleDef {
  description: string;
  /** A 0x hex id, or `keccak256("NAME")` (computed by the loader). */
  evm: string;
  evmName: string;
  wasm: string;
}

/** common.json as stored. */
export interface CommonFile {
  specVersion: string;
  timeOrigin: number;
  constants?: Record<string, number>;
  /** Each value type with its spelling on each stack (documentation). */
  valueTypes?: Record<string, unknown>;
  roles: Record<RoleKey, SpecRoleDef>;
  errors: SpecError[];
  events: SpecEvent[];
  operations: SpecOperation[];
}

/** A component file (rate-limiter.json, circuit-breaker.json) as stored. */
export interface ComponentFile {
  component: string;
  evmContract: string;
  wasmContract: string;
  /** The release version of this component's code (semver): the EVM `version()` and the cw2 version. */
  version: string;
  roles: RoleKey[];
  /** Roles only this component defines (the timelock's), same shape as common.json roles. */
  roleDefs?: Record<RoleKey, SpecRoleDef>;
  /** `false`: common.json's errors, events and operations are not merged in. Default true. */
  frame?: boolean;
  constants?: Record<string, number>;
  enums?: Record<string, Record<string, number>>;
  params?: Record<string, SpecParam>;
  types?: Record<string, SpecField[]>;
  denials?: SpecDenial[];
  /** Denial codes of other components that this component's events and results may carry. */
  foreignDenials?: number[];
  errors: SpecError[];
  events: SpecEvent[];
  operations: SpecOperation[];
}

/** A role with its id on each stack. */
export interface Role {
  key: RoleKey;
  description: string;
  /** bytes32 role id on EVM, lowercase 0x hex. */
  evmId: string;
  evmName: string;
  wasm: string;
}
