import { ethers } from "hardhat";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";

import type { RateLimiter } from "../../typechain-types";
import { ERC1967_PROXY, proxyConstructorArgs, readEvmArtifact } from "../../src/chains/evm";
import { loadSpec } from "../../src/spec";
import { measure, mined, setNextTimestamp, type GasRow } from "./measure";

const spec = loadSpec();
const C = "RateLimiter";

async function deploy(admin: HardhatEthersSigner, consumer: HardhatEthersSigner): Promise<RateLimiter> {
  const c = spec.component(C);
  const p = c.params;
  const defaults = { capacity: p.capacity.default, window: p.window.default, buckets: p.buckets.default };
  const impl = await ethers.deployContract(C);
  const proxy = await ethers.deployContract(
    ERC1967_PROXY,
    proxyConstructorArgs(readEvmArtifact(C), await impl.getAddress(), [admin.address, defaults]),
  );
  const rl = await ethers.getContractAt(C, await proxy.getAddress());
  await mined(rl.connect(admin).grantRole(spec.role("CONSUMER").evmId, consumer.address));
  return rl;
}

export interface FillTiming {
  requests: number;
  seconds: number;
}

/**
 * Gas of `consume` on a proxy with the spec's default config (60 per 60 s, 6 buckets), and
 * on pairs whose window already holds 1, 100 and 10,000 requests (filled by real consumes).
 */
export async function benchRateLimiter(
  t0: number,
  fillSizes: number[],
): Promise<{ rows: GasRow[]; fills: FillTiming[] }> {
  const [admin, consumer] = await ethers.getSigners();
  const rl = await deploy(admin, consumer);
  const rows: GasRow[] = [];
  const fills: FillTiming[] = [];
  const as = rl.connect(consumer);
  const a = ethers.id("bench-action");

  // Default config: B = 10 s. All at t0 + 1 (one bucket) unless said otherwise.
  await setNextTimestamp(t0 + 1);
  await measure(rows, C, "consume", "allowed, first call on a pair", as.consume(1n, a));
  await mined(as.consume(1n, a));
  await measure(rows, C, "consume", "allowed, steady state (same bucket)", as.consume(1n, a));
  await setNextTimestamp(t0 + 11);
  await measure(rows, C, "consume", "allowed, first call in a new bucket", as.consume(1n, a));
  await setNextTimestamp(t0 + 200);
  await measure(rows, C, "consume", "allowed, after the whole window expired", as.consume(1n, a));

  // Denied: capacity 1 on pair 2.
  await mined(rl.connect(admin).setPairConfig(2n, a, { capacity: 1, window: 60, buckets: 6 }));
  await mined(as.consume(2n, a));
  await measure(rows, C, "consume", "denied (window full), first denial", as.consume(2n, a));
  await measure(rows, C, "consume", "denied (window full), steady state", as.consume(2n, a));

  // The largest ring (K = 64, 8 words): the cost grows with K, not with traffic.
  const wide = { capacity: 64, window: 64, buckets: 64 };
  await mined(rl.connect(admin).setPairConfig(3n, a, wide));
  await setNextTimestamp(t0 + 400);
  await mined(as.consume(3n, a));
  await measure(rows, C, "consume", "allowed, steady state, K=64 (8 words)", as.consume(3n, a));
  await setNextTimestamp(t0 + 401);
  await measure(rows, C, "consume", "allowed, first call in a new bucket, K=64", as.consume(3n, a));
  for (let i = 0; i < 62; i++) await mined(as.consume(3n, a));
  await measure(rows, C, "consume", "denied, K=64 (retry walk over 63 buckets, worst case)", as.consume(3n, a));

  // Occupancy: pairs 10, 11, 12 with a large capacity, same shape as each other (K = 6,
  // W = 3600 s), filled with n real consumes inside one window, then one more measured.
  // Each pair first takes one consume so the measured call is not its first.
  const big = { capacity: 1_000_000, window: 3600, buckets: 6 };
  const start = t0 + 3600;
  await setNextTimestamp(start);
  for (const i of fillSizes.keys()) {
    await mined(rl.connect(admin).setPairConfig(BigInt(10 + i), a, big));
  }
  for (const [i, n] of fillSizes.entries()) {
    const executor = BigInt(10 + i);
    const began = Date.now();
    let nonce = await consumer.getNonce();
    for (let k = 0; k < n; k++) {
      // Sequential automined transactions; explicit nonce and gas skip two RPCs each.
      await as.consume(executor, a, { nonce: nonce++, gasLimit: 200_000n });
    }
    fills.push({ requests: n, seconds: (Date.now() - began) / 1000 });
  }
  for (const [i, n] of fillSizes.entries()) {
    const executor = BigInt(10 + i);
    const [used] = await rl.usage(executor, a);
    if (used !== BigInt(n)) throw new Error(`fill of pair ${executor}: window holds ${used}, expected ${n}`);
    await measure(
      rows,
      C,
      "consume",
      `allowed, window holds ${n.toLocaleString("en-US")} (K=6, W=3600)`,
      as.consume(executor, a),
    );
  }
  // Temporary raise (pair 4): the guardian's raise, a consume while it is active (one more
  // read), the first consume after it expired (drops the header flag) and one after that
  // (back to the unraised cost), then a restore.
  await mined(rl.connect(admin).grantRole(await rl.GUARDIAN_ROLE(), admin.address));
  await mined(rl.connect(admin).setRaiseBounds({ maxPercent: 1000, maxDuration: 3600 }));
  await setNextTimestamp(t0 + 50_000);
  await mined(as.consume(4n, a));
  await measure(rows, C, "raiseCapacity", "guardian, within bounds", rl.connect(admin).raiseCapacity(4n, a, 100, 60));
  await measure(rows, C, "consume", "allowed, raise active (same bucket)", as.consume(4n, a));
  await setNextTimestamp(t0 + 50_070);
  await measure(rows, C, "consume", "allowed, first call after the raise expired", as.consume(4n, a));
  await measure(rows, C, "consume", "allowed, raise expired and seen (same bucket)", as.consume(4n, a));
  await mined(rl.connect(admin).raiseCapacity(4n, a, 100, 60));
  await measure(rows, C, "restoreCapacity", "an active raise", rl.connect(admin).restoreCapacity(4n, a));
  return { rows, fills };
}
