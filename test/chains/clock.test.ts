import { expect } from "chai";

import { SharedClock } from "../../src/chains/clock";
import { startEmbeddedEvm } from "../../src/chains/evm/embedded";
import type { EvmChain } from "../../src/chains/types";

/**
 * The shared clock on the real in-process EVM (Hardhat). A step's state queries read in
 * parallel; each read needs a block at the clock's second. They must share one mined
 * block: interleaved `evm_setNextBlockTimestamp, evm_mine` pairs mine the second block
 * with no set time, at Hardhat's wall-clock time — a later second under load — after
 * which the clock's second can no longer be mined (rate-limiter/11-access-pause failed so).
 */
describe("chains/clock: SharedClock on the embedded EVM", function () {
  let chain: EvmChain;
  let snap: number;

  before(async () => {
    chain = await startEmbeddedEvm();
    snap = await chain.snapshot();
  });

  after(async () => {
    if (snap !== undefined) await chain.restore(snap);
    await chain.close();
  });

  it("parallel reads share one block mined at the clock's second", async () => {
    const before = await chain.block();
    const t = before.time + 1000;
    const clock = new SharedClock(chain, undefined);
    await clock.set(t);
    const numbers = await Promise.all(Array.from({ length: 6 }, () => clock.evmReadBlock()));
    const after = await chain.block();
    expect(after.number).to.equal(before.number + 1);
    expect(after.time).to.equal(t);
    expect(new Set(numbers)).to.deep.equal(new Set([after.number]));
    // The block is known now: a later read mines nothing.
    expect(await clock.evmReadBlock()).to.equal(after.number);
    expect((await chain.block()).number).to.equal(after.number);
  });

  it("after a forget (a failed transaction), parallel reads again mine one block, and the second is still open", async () => {
    const before = await chain.block();
    const t = before.time + 1000;
    const clock = new SharedClock(chain, undefined);
    await clock.set(t);
    await clock.evmReadBlock();
    clock.forget(t);
    await Promise.all([clock.evmReadBlock(), clock.evmReadBlock(), clock.evmReadBlock()]);
    const after = await chain.block();
    expect(after.number).to.equal(before.number + 2);
    expect(after.time).to.equal(t);
    // A transaction can still be mined at the clock's second.
    await clock.evmTick();
    const b = await chain.mine();
    expect(b.time).to.equal(t);
  });
});
