/**
 * Naive reference models written from the spec prose (spec/rate-limiter.md), deliberately
 * unlike the contracts: they keep every allowed consumption time and recount from scratch.
 * Property tests compare the contracts against them.
 */

export interface WindowConfig {
  capacity: number;
  window: number;
  buckets: number;
}

/** One pair of spec/rate-limiter.md, literally. */
export class NaiveRateLimiterPair {
  private shape: { window: number; buckets: number } | undefined;
  private times: number[] = [];
  requests = 0;
  rejections = 0;

  private sameShape(cfg: WindowConfig): boolean {
    return this.shape !== undefined && this.shape.window === cfg.window && this.shape.buckets === cfg.buckets;
  }

  /** Counts per live bucket index at t, and the bucket geometry. */
  private live(t: number, cfg: WindowConfig) {
    const B = cfg.window / cfg.buckets;
    const c = Math.floor(t / B);
    const counts = new Map<number, number>();
    for (const x of this.times) {
      const j = Math.floor(x / B);
      if (j > c - cfg.buckets && j <= c) counts.set(j, (counts.get(j) ?? 0) + 1);
    }
    let used = 0;
    for (const n of counts.values()) used += n;
    return { B, c, counts, used };
  }

  private retryAt(t: number, cfg: WindowConfig): number {
    const { B, c, counts, used } = this.live(t, cfg);
    let remainder = used;
    for (let j = c - cfg.buckets + 1; j <= c; j++) {
      remainder -= counts.get(j) ?? 0;
      if (remainder < cfg.capacity) return (j + cfg.buckets) * B;
    }
    throw new Error("model: used < capacity, no retryAt");
  }

  consume(t: number, cfg: WindowConfig): { allowed: boolean; retryAt: number; used: number } {
    if (!this.sameShape(cfg)) {
      this.shape = { window: cfg.window, buckets: cfg.buckets };
      this.times = [];
    }
    this.requests += 1;
    const { used } = this.live(t, cfg);
    if (used < cfg.capacity) {
      this.times.push(t);
      return { allowed: true, retryAt: 0, used };
    }
    this.rejections += 1;
    return { allowed: false, retryAt: this.retryAt(t, cfg), used };
  }

  usage(t: number, cfg: WindowConfig): { used: number; capacity: number; retryAt: number } {
    if (!this.sameShape(cfg)) return { used: 0, capacity: cfg.capacity, retryAt: 0 };
    const { used } = this.live(t, cfg);
    return { used, capacity: cfg.capacity, retryAt: used >= cfg.capacity ? this.retryAt(t, cfg) : 0 };
  }
}
