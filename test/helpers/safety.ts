import { expect } from "chai";
import { ethers } from "hardhat";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import type { Interface, TransactionReceipt } from "ethers";

import { commit } from "../../src/cbor";
import { loadSpec } from "../../src/spec";
import { action } from "./deploy";
import { receiptOf, setNextTimestamp } from "./chain";
import { deploySystem, grant, type System, type SystemOptions } from "./system";

/**
 * A deployed, wired safety core with one account per role and one registered executor
 * whose action has a brake schema. Values are chosen by hand from spec/safety-core.md.
 */
/**
 * The tests' clock origin: the spec's timeOrigin plus 120 days (still a multiple of 30 days,
 * so bucket boundaries stay round), so that these tests also run after the conformance
 * vectors in the same Hardhat process, which leave the chain past timeOrigin.
 */
export const T0 = loadSpec().timeOrigin + 120 * 86_400;
export const E = 7n;
export const A = action("weld");
export const ROOT = ethers.id("state-root-1");

/** SAFE 0, DANGER 1, SHUTDOWN 2 (safety-core.md §1). */
export const ANS = { SAFE: 0n, DANGER: 1n, SHUTDOWN: 2n } as const;

/** Schema of A: names in canonical key order (shorter first, then bytewise). */
export const SCHEMA = [
  { name: "tool", brakeable: false, cap: 9n },
  { name: "force", brakeable: true, cap: 800n },
  { name: "speed", brakeable: true, cap: 1_000n },
];

export interface Actors {
  admin: HardhatEthersSigner;
  guardian: HardhatEthersSigner;
  oracle: HardhatEthersSigner;
  attestor: HardhatEthersSigner;
  planner: HardhatEthersSigner;
  revoker: HardhatEthersSigner;
  reporter: HardhatEthersSigner;
  executorAccount: HardhatEthersSigner;
  stranger: HardhatEthersSigner;
}

export interface Core extends System {
  actors: Actors;
}

/** deploySystem + roles for every actor on the contracts where the role exists + executor E + schema of A. */
export async function deployCore(opts: SystemOptions = {}): Promise<Core> {
  const [admin, guardian, oracle, attestor, planner, revoker, reporter, executorAccount, stranger] =
    await ethers.getSigners();
  const s = await deploySystem({ admin, ...opts });
  const actors = { admin, guardian, oracle, attestor, planner, revoker, reporter, executorAccount, stranger };
  for (const c of [s.rateLimiter, s.breaker, s.ans, s.inbox, s.brake, s.issuer, s.reflex]) {
    await grant(s, c, "GUARDIAN", guardian.address);
  }
  await grant(s, s.ans, "ORACLE", oracle.address);
  await grant(s, s.inbox, "ATTESTOR", attestor.address);
  await grant(s, s.issuer, "PLANNER", planner.address);
  await grant(s, s.issuer, "REVOKER", revoker.address);
  await grant(s, s.issuer, "REPORTER", reporter.address);
  await receiptOf(await s.issuer.connect(admin).registerExecutor(E, executorAccount.address));
  await receiptOf(await s.brake.connect(admin).setActionSchema(A, SCHEMA));
  return { ...s, actors };
}

export interface Metrics {
  sequence: bigint;
  riskPpm: bigint;
  forceMilliN: bigint;
  velocityMilliMps: bigint;
  temperatureMilliC: bigint;
}

/** Metrics below every default reflex threshold (§5.1: 800,000 / 500,000 / 2,000 / 80,000). */
export function calmMetrics(sequence: bigint | number): Metrics {
  return {
    sequence: BigInt(sequence),
    riskPpm: 100_000n,
    forceMilliN: 1_000n,
    velocityMilliMps: 10n,
    temperatureMilliC: 20_000n,
  };
}

export interface IntentInput {
  executorId: bigint;
  actionId: string;
  nonce: bigint;
  notBefore: bigint;
  notAfter: bigint;
  ttl: bigint;
  preStateRoot: string;
  params: bigint[];
}

/** An intent valid at `t` for 100 s, ttl 600, params tool=2 force=700 speed=900 (within the caps in SAFE). */
export function intentAt(t: number, nonce: bigint | number, over: Partial<IntentInput> = {}): IntentInput {
  return {
    executorId: E,
    actionId: A,
    nonce: BigInt(nonce),
    notBefore: BigInt(t),
    notAfter: BigInt(t + 100),
    ttl: 600n,
    preStateRoot: ROOT,
    params: [2n, 700n, 900n],
    ...over,
  };
}

/** Sends and mines at `t`. */
export async function at<T extends { wait(): Promise<TransactionReceipt | null> }>(
  t: number,
  send: () => Promise<T>,
): Promise<TransactionReceipt> {
  await setNextTimestamp(t);
  return receiptOf((await send()) as never);
}

/** The inbox holds ROOT for E at `t` (sequence `seq`). */
export async function postRoot(core: Core, t: number, seq: number, root = ROOT, executorId = E): Promise<void> {
  await at(t, () => core.inbox.connect(core.actors.attestor).postEvidence(executorId, root, calmMetrics(seq)));
}

/** Dual hashes of the canonical CBOR map {name_i: v_i} in schema order (spec §3.2). */
export function paramHashes(values: bigint[], schema = SCHEMA): { sha256: string; keccak256: string } {
  const map = new Map<string, bigint>();
  schema.forEach((p, i) => map.set(p.name, values[i]));
  const c = commit(map);
  return { sha256: c.sha256, keccak256: c.keccak256 };
}

/** floor(v × factor / 10,000) for brakeable params, v otherwise (spec §3.2), by hand. */
export function scaleByHand(values: bigint[], factorBp: bigint, schema = SCHEMA): bigint[] {
  return values.map((v, i) => (schema[i].brakeable ? (v * factorBp) / 10_000n : v));
}

/**
 * `send` reverts with `errorName` of `iface` (and its args when given), and `read` returns
 * the same before and after: a reverted call changes nothing.
 */
export async function rejects(
  iface: { interface: Interface },
  read: () => Promise<unknown>,
  send: () => Promise<unknown>,
  errorName: string,
  args?: unknown[],
): Promise<void> {
  const before = JSON.stringify(await read(), (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v));
  const assertion = expect(send()).to.be.revertedWithCustomError(iface, errorName);
  if (args) await assertion.withArgs(...args);
  else await assertion;
  const after = JSON.stringify(await read(), (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v));
  expect(after, `state changed by a reverted ${errorName}`).to.equal(before);
}
