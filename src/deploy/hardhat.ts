import type { HardhatRuntimeEnvironment } from "hardhat/types";

import { resolveConfig, type DeployConfig } from "../deployment/config";
import type { EvmArtifact, EvmTarget } from "./evm";

/**
 * The EVM target of a deployment from Hardhat's runtime: its network (in-process or a
 * JSON-RPC node, the deploy code does not care), first signer, and compiled artifacts.
 */
export async function evmTargetFromHre(
  hre: HardhatRuntimeEnvironment,
): Promise<EvmTarget & { has(name: string): boolean }> {
  const [signer] = await hre.ethers.getSigners();
  if (!signer) throw new Error(`no deployer account on ${hre.network.name}: set DEPLOYER_PRIVATE_KEY`);
  const provider = hre.ethers.provider;
  const chainId = (await provider.getNetwork()).chainId.toString();
  const names = new Set(await hre.artifacts.getAllFullyQualifiedNames());
  const short = new Set([...names].map((n) => n.split(":")[1]));
  const local = hre.network.name === "hardhat" || hre.network.name === "localhost";
  return {
    network: hre.network.name,
    chainId,
    provider,
    signer,
    deployer: await signer.getAddress(),
    async artifact(name: string): Promise<EvmArtifact> {
      const a = await hre.artifacts.readArtifact(name);
      const fqn = `${a.sourceName}:${a.contractName}`;
      const info = await hre.artifacts.getBuildInfo(fqn);
      const refs = (
        info?.output.contracts[a.sourceName]?.[a.contractName]?.evm?.deployedBytecode as
          { immutableReferences?: Record<string, { start: number; length: number }[]> } | undefined
      )?.immutableReferences;
      const immutables = refs ? Object.values(refs).flat() : [];
      return { abi: a.abi, bytecode: a.bytecode, deployedBytecode: a.deployedBytecode, immutables };
    },
    has: (name: string) => short.has(name),
    mine: local
      ? async () => {
          await provider.send("evm_mine", []);
        }
      : undefined,
  };
}

/** The deployment config of the Hardhat network in use. */
export function configFromHre(
  hre: HardhatRuntimeEnvironment,
  env: NodeJS.ProcessEnv = process.env,
  opts: { requireKey?: boolean } = {},
): DeployConfig {
  const url = "url" in hre.network.config ? hre.network.config.url : undefined;
  return resolveConfig({ evmNetwork: hre.network.name, evmUrl: url, env, requireKey: opts.requireKey });
}
