import { expect } from "chai";
import { ethers } from "hardhat";

import { loadSpec, specErrorOf, type Canonical, type DecodedRevert } from "../../src/spec";

const spec = loadSpec();

/**
 * Awaits `action`, which must revert with the spec error `name` of `component` (matched by
 * the EVM selector the spec gives, and checked against the spec's code); returns the decoded
 * error. `args`, when given, must equal its decoded fields (canonical values).
 */
export async function expectSpecError(
  component: string,
  action: Promise<unknown> | (() => Promise<unknown>),
  name: string,
  args?: Record<string, Canonical>,
): Promise<DecodedRevert> {
  const c = spec.component(component);
  const want = c.errorByName(name);
  if (!want) throw new Error(`test bug: ${component} has no spec error ${name}`);
  let thrown: unknown;
  try {
    await (typeof action === "function" ? action() : action);
  } catch (err) {
    thrown = err;
  }
  if (thrown === undefined) expect.fail(`expected ${name} (${want.code}), but the call succeeded`);
  const got = specErrorOf(c, thrown);
  if (!got) {
    expect.fail(
      `expected ${name} (${want.code}), got a revert the spec does not know: ${thrown instanceof Error ? thrown.message : JSON.stringify(thrown)}`,
    );
  }
  expect(`${got.code} ${got.name}`).to.equal(`${want.code} ${want.name}`);
  if (args) expect(got.args).to.deep.equal(args);
  // A failed transaction that was mined must have left no logs.
  const hash = (thrown as { transactionHash?: string }).transactionHash;
  if (hash) {
    const receipt = await ethers.provider.getTransactionReceipt(hash);
    if (receipt) {
      expect(receipt.status).to.equal(0);
      expect(receipt.logs).to.have.length(0);
    }
  }
  return got;
}

/**
 * `expectSpecError`, and the observable state read by `read` is the same before and after:
 * a reverted call changes nothing.
 */
export async function expectRejectedNoChange<S>(
  component: string,
  read: () => Promise<S>,
  action: () => Promise<unknown>,
  name: string,
  args?: Record<string, Canonical>,
): Promise<DecodedRevert> {
  const before = await read();
  const got = await expectSpecError(component, action, name, args);
  expect(await read()).to.deep.equal(before);
  return got;
}

/** Plain data of an ethers Result (struct or tuple) for deep comparison. */
export function plain(value: unknown): unknown {
  if (value && typeof value === "object" && "toObject" in value && typeof value.toObject === "function") {
    try {
      return (value as { toObject(deep?: boolean): unknown }).toObject(true);
    } catch {
      return [...(value as unknown[])].map(plain);
    }
  }
  if (Array.isArray(value)) return value.map(plain);
  return value;
}
