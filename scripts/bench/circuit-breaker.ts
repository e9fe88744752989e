import { ethers } from "hardhat";

import { ERC1967_PROXY, proxyConstructorArgs, readEvmArtifact } from "../../src/chains/evm";
import { loadSpec } from "../../src/spec";
import { measure, mined, setNextTimestamp, type GasRow } from "./measure";

const spec = loadSpec();
const C = "CircuitBreaker";

/** Gas of every CircuitBreaker operation and transition (spec default config: F=5, C=60, P=3, S=2). */
export async function benchCircuitBreaker(t0: number): Promise<GasRow[]> {
  const [admin, , consumer, reporter, guardian] = await ethers.getSigners();
  const c = spec.component(C);
  const p = c.params;
  const cfg = {
    failureThreshold: p.failureThreshold.default,
    cooldown: p.cooldown.default,
    halfOpenMaxProbes: p.halfOpenMaxProbes.default,
    successThreshold: p.successThreshold.default,
  };
  const F = cfg.failureThreshold;
  const S = cfg.successThreshold;
  const cooldown = cfg.cooldown;

  const impl = await ethers.deployContract(C);
  const proxy = await ethers.deployContract(
    ERC1967_PROXY,
    proxyConstructorArgs(readEvmArtifact(C), await impl.getAddress(), [admin.address, cfg]),
  );
  const cb = await ethers.getContractAt(C, await proxy.getAddress());
  for (const [role, who] of [
    ["CONSUMER", consumer],
    ["REPORTER", reporter],
    ["GUARDIAN", guardian],
  ] as const) {
    await mined(cb.connect(admin).grantRole(spec.role(role).evmId, who.address));
  }
  const rows: GasRow[] = [];
  const req = cb.connect(consumer);
  const rep = cb.connect(reporter);
  const grd = cb.connect(guardian);
  const a = ethers.id("bench-action");

  await setNextTimestamp(t0);
  await measure(rows, C, "request", "allowed (CLOSED), first call on a pair", req.request(1n, a));
  await measure(rows, C, "request", "allowed (CLOSED), steady state", req.request(1n, a));
  await measure(
    rows,
    C,
    "recordOutcome",
    "success (CLOSED), first outcome on the pair",
    rep.recordOutcome(1n, a, true),
  );
  await measure(rows, C, "recordOutcome", "success (CLOSED), steady state", rep.recordOutcome(1n, a, true));
  await measure(rows, C, "recordOutcome", "failure (CLOSED, below threshold)", rep.recordOutcome(1n, a, false));
  for (let i = 2; i < F; i++) await mined(rep.recordOutcome(1n, a, false));
  await measure(
    rows,
    C,
    "recordOutcome",
    "failure: CLOSED → OPEN (FAILURE_THRESHOLD)",
    rep.recordOutcome(1n, a, false),
  );
  await measure(rows, C, "request", "denied (OPEN)", req.request(1n, a));
  await measure(rows, C, "recordOutcome", "outcome while OPEN (counted only)", rep.recordOutcome(1n, a, true));

  await setNextTimestamp(t0 + cooldown);
  await measure(rows, C, "request", "allowed: OPEN → HALF_OPEN lazy (COOLDOWN_ELAPSED) + probe", req.request(1n, a));
  await measure(rows, C, "request", "allowed probe (HALF_OPEN)", req.request(1n, a));
  for (let i = 1; i < S; i++) await mined(rep.recordOutcome(1n, a, true));
  await measure(
    rows,
    C,
    "recordOutcome",
    "success: HALF_OPEN → CLOSED (PROBES_SUCCEEDED)",
    rep.recordOutcome(1n, a, true),
  );

  // HALF_OPEN → OPEN by a failed probe; the probe limit.
  await measure(rows, C, "trip", "guardian: CLOSED → OPEN (GUARDIAN_TRIP)", grd.trip(1n, a));
  await measure(rows, C, "forceHalfOpen", "guardian: OPEN → HALF_OPEN (GUARDIAN_HALF_OPEN)", grd.forceHalfOpen(1n, a));
  for (let i = 0; i < cfg.halfOpenMaxProbes; i++) await mined(req.request(1n, a));
  await measure(rows, C, "request", "denied (HALF_OPEN, probe limit reached)", req.request(1n, a));
  await measure(rows, C, "recordOutcome", "failure: HALF_OPEN → OPEN (PROBE_FAILED)", rep.recordOutcome(1n, a, false));
  await measure(rows, C, "reset", "guardian: OPEN → CLOSED (GUARDIAN_RESET)", grd.reset(1n, a));
  return rows;
}
