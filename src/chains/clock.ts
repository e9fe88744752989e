import type { EvmChain, WasmChain } from "./types";

/**
 * One clock for the embedded chains (issue 4): a scenario sets the time once and both
 * chains see it. The EVM mines each transaction in its own block at the clock's second
 * (Hardhat's `allowBlocksWithSameTimestamp`); the CosmWasm engine's block time is set
 * and its height advances with every new second, like consecutive blocks.
 */
export class SharedClock {
  private current: number | undefined;
  private height = 1;
  private evmMinedAt: number | undefined;
  private evmBlockNumber: number | undefined;
  private evmReading: Promise<number> | undefined;

  readonly wasm: readonly WasmChain[];

  /** Both embedded chains; or, for the engine-vs-node self-check, two CosmWasm chains. */
  constructor(
    readonly evm: EvmChain | undefined,
    wasm: WasmChain | readonly WasmChain[] | undefined,
  ) {
    this.wasm = wasm === undefined ? [] : Array.isArray(wasm) ? (wasm as WasmChain[]) : [wasm as WasmChain];
  }

  /** The clock's time (unix seconds), once set. */
  get now(): number | undefined {
    return this.current;
  }

  /**
   * Sets the time of the next transactions on both chains. Time never goes back on a
   * chain; an earlier `t` is an error. (Hardhat's next-block time holds for one block, so
   * the EVM side sets it again before each transaction: `evmTick`.)
   */
  async set(t: number): Promise<void> {
    if (this.current !== undefined && t < this.current) {
      throw new Error(`clock: time cannot go back (${t} < ${this.current})`);
    }
    if (t !== this.current) {
      this.height += 1;
      await Promise.all(this.wasm.map((w) => w.setBlock({ time: t, height: this.height })));
      this.current = t;
    }
  }

  /** Sets the EVM's next block to the clock's time (before each transaction). */
  async evmTick(): Promise<void> {
    if (this.current !== undefined) await this.evm?.setNextBlockTime(this.current);
  }

  /** Records the EVM block a transaction was mined in (so reads can pin it). */
  minedEvm(blockNumber: number, time: number): void {
    this.evmBlockNumber = blockNumber;
    this.evmMinedAt = time;
  }

  /**
   * The EVM block whose timestamp is the clock's time, mining an empty one when the last
   * block is older: views then see `block.timestamp == now`. Resolves with its number.
   */
  async evmReadBlock(): Promise<number> {
    if (!this.evm || this.current === undefined) throw new Error("clock: no EVM chain or time not set");
    if (this.evmMinedAt === this.current && this.evmBlockNumber !== undefined) return this.evmBlockNumber;
    // Concurrent reads (a step's state queries run in parallel) share one mining: two
    // interleaved `setNextBlockTime, mine` pairs would mine the second block with no set
    // time, at Hardhat's wall-clock time, which is later than the clock's second under
    // load, and the next transaction at the clock's second could not be mined any more.
    this.evmReading ??= (async () => {
      try {
        const b = await (this.evm as EvmChain).mine(this.current);
        this.minedEvm(b.number, b.time);
        return b.number;
      } finally {
        this.evmReading = undefined;
      }
    })();
    return this.evmReading;
  }

  /** Forgets what was mined (after a chain restore). */
  forget(time?: number): void {
    this.evmMinedAt = undefined;
    this.evmBlockNumber = undefined;
    this.current = time;
  }
}
