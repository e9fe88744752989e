import { ethers } from "hardhat";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";

import type {
  AfferentInbox,
  ANSStateManager,
  CapabilityIssuer,
  CircuitBreaker,
  RateLimiter,
  ReflexArc,
  VagalBrake,
} from "../../typechain-types";
import { CB_DEFAULTS, RL_DEFAULTS, deployProxy, type BreakerConfig, type RateLimiterConfig } from "./deploy";
import { receiptOf } from "./chain";

/**
 * Safety-core configs with the defaults of spec/safety-core.md (§1.1, §4.1, §5.1), written
 * by hand from the prose so that a contract default can never leak into a test.
 */
export const ANS_DEFAULTS = {
  dangerEnterPpm: 600_000,
  shutdownEnterPpm: 900_000,
  safeReturnPpm: 400_000,
  dangerReadings: 2,
  shutdownReadings: 2,
  safeReadings: 3,
  minDwell: 60,
};
export const ISSUER_DEFAULTS = { maxTtl: 3600, maxNonceStep: 1_000_000 };
export const REFLEX_DEFAULTS = {
  cooldown: 300,
  riskPpm: 800_000,
  forceMilliN: 500_000n,
  velocityMilliMps: 2_000n,
  temperatureMilliC: 80_000n,
};

export type AnsConfig = typeof ANS_DEFAULTS;
export type IssuerConfig = typeof ISSUER_DEFAULTS;
export type ReflexConfig = typeof REFLEX_DEFAULTS;

/** Role ids as common.json spells them: keccak256("<KEY>_ROLE"), ADMIN = 0x00. */
export const SYSTEM_ROLE = {
  ADMIN: ethers.ZeroHash,
  GUARDIAN: ethers.id("GUARDIAN_ROLE"),
  CONSUMER: ethers.id("CONSUMER_ROLE"),
  REPORTER: ethers.id("REPORTER_ROLE"),
  ORACLE: ethers.id("ORACLE_ROLE"),
  ATTESTOR: ethers.id("ATTESTOR_ROLE"),
  PLANNER: ethers.id("PLANNER_ROLE"),
  REVOKER: ethers.id("REVOKER_ROLE"),
  NOTIFIER: ethers.id("NOTIFIER_ROLE"),
} as const;

export interface SystemOptions {
  admin?: HardhatEthersSigner;
  rateLimiter?: RateLimiterConfig;
  breaker?: BreakerConfig;
  ans?: AnsConfig;
  issuer?: IssuerConfig;
  reflex?: ReflexConfig;
  /** Apply the standard wiring of safety-core.md §0 (default true). */
  wire?: boolean;
}

/** The seven contracts behind their proxies, wired, plus the accounts holding each role. */
export interface System {
  admin: HardhatEthersSigner;
  rateLimiter: RateLimiter;
  breaker: CircuitBreaker;
  ans: ANSStateManager;
  inbox: AfferentInbox;
  brake: VagalBrake;
  issuer: CapabilityIssuer;
  reflex: ReflexArc;
  addresses: Record<"rateLimiter" | "breaker" | "ans" | "inbox" | "brake" | "issuer" | "reflex", string>;
}

async function send(tx: Promise<{ wait(): Promise<unknown> }>): Promise<void> {
  await receiptOf((await tx) as never);
}

/**
 * Deploys RateLimiter, CircuitBreaker, ANSStateManager, AfferentInbox, VagalBrake,
 * CapabilityIssuer and ReflexArc behind ERC1967 proxies, each initialized by `admin`, and
 * applies the standard wiring (safety-core.md §0): the issuer's links; the ANS manager's and
 * the inbox's reflex arc; the reflex arc's issuer; the issuer CONSUMER on the limiter and the
 * breaker and REPORTER on the breaker; the reflex arc REVOKER on the issuer; the ANS manager
 * and the inbox NOTIFIER on the reflex arc.
 */
export async function deploySystem(opts: SystemOptions = {}): Promise<System> {
  const admin = opts.admin ?? (await ethers.getSigners())[0];
  const a = admin.address;
  const rateLimiter = await deployProxy<RateLimiter>("RateLimiter", [a, opts.rateLimiter ?? RL_DEFAULTS], admin);
  const breaker = await deployProxy<CircuitBreaker>("CircuitBreaker", [a, opts.breaker ?? CB_DEFAULTS], admin);
  const ans = await deployProxy<ANSStateManager>("ANSStateManager", [a, opts.ans ?? ANS_DEFAULTS], admin);
  const inbox = await deployProxy<AfferentInbox>("AfferentInbox", [a], admin);
  const brake = await deployProxy<VagalBrake>("VagalBrake", [a], admin);
  const issuer = await deployProxy<CapabilityIssuer>("CapabilityIssuer", [a, opts.issuer ?? ISSUER_DEFAULTS], admin);
  const reflex = await deployProxy<ReflexArc>("ReflexArc", [a, opts.reflex ?? REFLEX_DEFAULTS], admin);
  const addresses = {
    rateLimiter: await rateLimiter.getAddress(),
    breaker: await breaker.getAddress(),
    ans: await ans.getAddress(),
    inbox: await inbox.getAddress(),
    brake: await brake.getAddress(),
    issuer: await issuer.getAddress(),
    reflex: await reflex.getAddress(),
  };
  const system: System = { admin, rateLimiter, breaker, ans, inbox, brake, issuer, reflex, addresses };
  if (opts.wire ?? true) await wireSystem(system);
  return system;
}

/** The standard wiring of safety-core.md §0 among the deployed contracts. */
export async function wireSystem(s: System): Promise<void> {
  const { admin, addresses: x } = s;
  await send(
    s.issuer.connect(admin).setLinks({
      ans: x.ans,
      inbox: x.inbox,
      brake: x.brake,
      breaker: x.breaker,
      rateLimiter: x.rateLimiter,
    }),
  );
  await send(s.ans.connect(admin).setReflexArc(x.reflex));
  await send(s.inbox.connect(admin).setReflexArc(x.reflex));
  await send(s.reflex.connect(admin).setIssuer(x.issuer));
  await send(s.rateLimiter.connect(admin).grantRole(SYSTEM_ROLE.CONSUMER, x.issuer));
  await send(s.breaker.connect(admin).grantRole(SYSTEM_ROLE.CONSUMER, x.issuer));
  await send(s.breaker.connect(admin).grantRole(SYSTEM_ROLE.REPORTER, x.issuer));
  await send(s.issuer.connect(admin).grantRole(SYSTEM_ROLE.REVOKER, x.reflex));
  await send(s.reflex.connect(admin).grantRole(SYSTEM_ROLE.NOTIFIER, x.ans));
  await send(s.reflex.connect(admin).grantRole(SYSTEM_ROLE.NOTIFIER, x.inbox));
}

/** Grants `role` on `contract` to `account` as the system's admin. */
export async function grant(
  s: System,
  contract: { connect(signer: HardhatEthersSigner): { grantRole(role: string, account: string): Promise<unknown> } },
  role: keyof typeof SYSTEM_ROLE,
  account: string,
): Promise<void> {
  await send(contract.connect(s.admin).grantRole(SYSTEM_ROLE[role], account) as never);
}
