import { startEmbeddedEvm, type RpcEvmChain } from "../chains/evm";
import { EngineClient, type EngineOptions } from "../chains/wasm";
import { loadSpec, type Spec } from "../spec";

/** The embedded dual-chain devnet: Hardhat's in-process EVM and the CosmWasm engine. */
export interface Devnet {
  spec: Spec;
  evm: RpcEvmChain;
  wasm: EngineClient;
  close(): Promise<void>;
}

export async function startDevnet(opts: { engine?: EngineOptions; spec?: Spec } = {}): Promise<Devnet> {
  const spec = opts.spec ?? loadSpec();
  const evm = await startEmbeddedEvm();
  const wasm = await EngineClient.start({ time: spec.timeOrigin, ...opts.engine });
  return {
    spec,
    evm,
    wasm,
    close: async () => {
      await Promise.all([evm.close(), wasm.close()]);
    },
  };
}
