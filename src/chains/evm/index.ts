/**
 * The EVM chain backends behind `EvmChain`: embedded (Hardhat's in-process network) and
 * JSON-RPC (a Hardhat node or any EVM node, ethers v6).
 */
export * from "../types";
export {
  clearEvmArtifactIndex,
  codeMatchesArtifact,
  defaultEvmArtifactsDir,
  evmArtifactPath,
  hasEvmArtifact,
  readEvmArtifact,
  readEvmArtifactWithImmutables,
} from "./artifacts";
export {
  RpcEvmChain,
  revertDataOfError,
  type RawReceipt,
  type RpcRequest,
  type TxSender,
  type UnsignedTx,
} from "./rpc-chain";
export { hardhatInProcessProvider, startEmbeddedEvm, type Eip1193Provider, type EmbeddedEvmOptions } from "./embedded";
export { startJsonRpcEvm, type JsonRpcEvmOptions } from "./json-rpc";
export {
  deployUupsProxy,
  ERC1967_IMPLEMENTATION_SLOT,
  ERC1967_PROXY,
  proxyConstructorArgs,
  proxyImplementation,
  type ProxyDeployment,
} from "./proxy";
