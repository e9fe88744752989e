/**
 * Typed access to spec/*.json: components, roles (with their EVM ids), errors by code and
 * by EVM signature, events, operations; and the EVM revert decoder that maps revert data
 * to `{code, name, args}`.
 */
export * from "./types";
export {
  CODE_RANGES,
  COMPONENT_FILES,
  Component,
  GOVERNANCE_FILES,
  Spec,
  defaultSpecDir,
  evmRoleId,
  loadSpec,
  readJson,
} from "./load";
export { abiType, decodeRevert, revertDataOf, selectorOf, specErrorOf, type DecodedRevert } from "./evm";
export {
  canonText,
  fromEvm,
  fromJson,
  fromWasm,
  isIntType,
  scenarioText,
  snakeCase,
  toEvmArg,
  toWasm,
  type Canonical,
  type CanonicalText,
  type EncodeOptions,
  type ValueOptions,
} from "./values";
