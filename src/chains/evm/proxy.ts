import { Interface, keccak256, type InterfaceAbi } from "ethers";

import { readEvmArtifact } from "./artifacts";
import type { EvmArtifact, EvmChain } from "../types";

export interface ProxyDeployment {
  proxy: string;
  implementation: string;
  /** keccak-256 of the implementation's runtime code (the artifact compared across runs). */
  implementationCodeHash: string;
  gasUsed: bigint;
}

/**
 * Deploys `artifact`'s implementation (unless one is given) and an ERC-1967 proxy over it
 * whose constructor calls `initialize(...initArgs)`; the proxy decodes with the
 * implementation's ABI afterwards.
 */
export async function deployUupsProxy(
  chain: EvmChain,
  artifact: EvmArtifact | string,
  initArgs: readonly unknown[],
  from: string,
  opts: { implementation?: string; artifactsDir?: string } = {},
): Promise<ProxyDeployment> {
  const art = typeof artifact === "string" ? readEvmArtifact(artifact, opts.artifactsDir) : artifact;
  let implementation = opts.implementation;
  let implementationCodeHash: string;
  let gasUsed = 0n;
  if (implementation === undefined) {
    const impl = await chain.deploy({ artifact: art, from });
    implementation = impl.address;
    implementationCodeHash = impl.codeHash;
    gasUsed += impl.gasUsed;
  } else {
    implementationCodeHash = keccak256(await chain.code(implementation));
  }
  const data = new Interface(art.abi as InterfaceAbi).encodeFunctionData("initialize", initArgs);
  const proxy = await chain.deploy({
    artifact: readEvmArtifact("ERC1967Proxy", opts.artifactsDir),
    args: [implementation, data],
    from,
  });
  chain.registerAbi(proxy.address, art);
  return { proxy: proxy.address, implementation, implementationCodeHash, gasUsed: gasUsed + proxy.gasUsed };
}
