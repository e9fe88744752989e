import { ethers } from "hardhat";
import type { Signer } from "ethers";

import type { CircuitBreaker, RateLimiter } from "../../typechain-types";
import type { ICircuitBreaker } from "../../typechain-types/contracts/CircuitBreaker";
import type { IRateLimiter } from "../../typechain-types/contracts/RateLimiter";
import { ERC1967_PROXY, proxyConstructorArgs, readEvmArtifact } from "../../src/chains/evm";
import { loadSpec } from "../../src/spec";

export type RateLimiterConfig = IRateLimiter.ConfigStruct;
export type BreakerConfig = ICircuitBreaker.ConfigStruct;

const spec = loadSpec();

/** A Config struct of `component` built from the spec's parameter defaults. */
function specDefaults(component: string, structName: string): Record<string, number> {
  const c = spec.component(component);
  const out: Record<string, number> = {};
  for (const field of c.types[structName]) out[field.name] = c.params[field.name].default;
  return out;
}

/** RateLimiter defaults from spec/rate-limiter.json params. */
export const RL_DEFAULTS = specDefaults("RateLimiter", "Config") as unknown as {
  capacity: number;
  window: number;
  buckets: number;
};

/** CircuitBreaker defaults from spec/circuit-breaker.json params. */
export const CB_DEFAULTS = specDefaults("CircuitBreaker", "Config") as unknown as {
  failureThreshold: number;
  cooldown: number;
  halfOpenMaxProbes: number;
  successThreshold: number;
};

/** Deploys `name`'s implementation and an ERC1967Proxy initialized with `initArgs`. */
export async function deployProxy<T>(name: string, initArgs: unknown[], deployer?: Signer): Promise<T> {
  const signer = deployer ?? (await ethers.getSigners())[0];
  const impl = await ethers.deployContract(name, [], signer);
  return proxyFor<T>(name, await impl.getAddress(), initArgs, signer);
}

/** An ERC1967Proxy over an already deployed implementation, initialized with `initArgs`. */
export async function proxyFor<T>(
  name: string,
  implementation: string,
  initArgs: unknown[],
  signer?: Signer,
): Promise<T> {
  const s = signer ?? (await ethers.getSigners())[0];
  const args = proxyConstructorArgs(readEvmArtifact(name), implementation, initArgs);
  const proxy = await ethers.deployContract(ERC1967_PROXY, args, s);
  return (await ethers.getContractAt(name, await proxy.getAddress(), s)) as unknown as T;
}

export async function deployRateLimiter(admin: string, config: RateLimiterConfig = RL_DEFAULTS): Promise<RateLimiter> {
  return deployProxy<RateLimiter>("RateLimiter", [admin, config]);
}

export async function deployCircuitBreaker(
  admin: string,
  config: BreakerConfig = CB_DEFAULTS,
): Promise<CircuitBreaker> {
  return deployProxy<CircuitBreaker>("CircuitBreaker", [admin, config]);
}

/** Role ids from spec/common.json (never from the contracts under test). */
export const ROLE = {
  ADMIN: spec.role("ADMIN").evmId,
  GUARDIAN: spec.role("GUARDIAN").evmId,
  CONSUMER: spec.role("CONSUMER").evmId,
  REPORTER: spec.role("REPORTER").evmId,
} as const;

/** An actionId from a label (keccak256 of it): non-zero, readable in tests. */
export function action(label: string): string {
  return ethers.id(label);
}

export const ZERO_ACTION = ethers.ZeroHash;
