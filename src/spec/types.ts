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
  /** `uint8`..`uint64`, `bool`, `bytes32`, `address`, `string`, `role`, an enum or a struct name. */
  type: string;
  indexed?: boolean;
  /** Stacks the field or argument exists on; absent means both. */
  stacks?: StackName[];
  /** The type on CosmWasm when it differs (`uint256` delays are `uint64` there). */
  wasmType?: string;
  description?: string;
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
  /** Whether the operation works while paused; executes only. */
  pause?: "allowed" | "blocked";
  args: SpecField[];
  returns?: SpecField[];
  /** Stacks the operation exists on; absent means both. */
  stacks?: StackName[];
  description?: string;
}

export interface SpecParam {
  type: string;
  default: number;
  min: number;
  max: number;
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
