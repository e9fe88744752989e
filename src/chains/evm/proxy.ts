import { Interface, keccak256, type InterfaceAbi } from "ethers";

import { readEvmArtifact } from "./artifacts";
import type { EvmArtifact, EvmChain } from "../types";

/** The proxy every upgradeable component sits behind (OpenZeppelin's ERC-1967 proxy). */
export const ERC1967_PROXY = "ERC1967Proxy";

/** ERC-1967 implementation slot: keccak256("eip1967.proxy.implementation") - 1. */
export const ERC1967_IMPLEMENTATION_SLOT = "0x360894a13ba1a3210667c828492db98dca3e2076cc3735a920a3ca505d382bbc";

export interface ProxyDeployment {
  proxy: string;
  implementation: string;
  /** keccak-256 of the implementation's runtime code (the artifact compared across runs). */
  implementationCodeHash: string;
  gasUsed: bigint;
}

/**
 * The constructor arguments of an ERC-1967 proxy over `implementation` whose constructor
 * calls `initialize(...initArgs)` of `artifact` (the one place a proxy's construction is
 * defined: `deployUupsProxy` and the deployment's proxy step both use it).
 */
export function proxyConstructorArgs(
  artifact: EvmArtifact,
  implementation: string,
  initArgs: readonly unknown[],
): [string, string] {
  return [implementation, new Interface(artifact.abi as InterfaceAbi).encodeFunctionData("initialize", initArgs)];
}

/** The implementation an ERC-1967 proxy points to, read from its storage slot. */
export async function proxyImplementation(chain: EvmChain, proxy: string): Promise<string> {
  const word = await chain.storageAt(proxy, ERC1967_IMPLEMENTATION_SLOT);
  return `0x${word.slice(-40)}`;
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
  const proxy = await chain.deploy({
    artifact: readEvmArtifact(ERC1967_PROXY, opts.artifactsDir),
    args: proxyConstructorArgs(art, implementation, initArgs),
    from,
  });
  chain.registerAbi(proxy.address, art);
  return { proxy: proxy.address, implementation, implementationCodeHash, gasUsed: gasUsed + proxy.gasUsed };
}
