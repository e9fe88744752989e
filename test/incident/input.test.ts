import { expect } from "chai";
import type { HardhatRuntimeEnvironment } from "hardhat/types";

import { ToolError } from "../../src/cli/errors";
import { ansCommand, breakerCommand, executorCommand, guardianMay, limitsCommand } from "../../src/incident/commands";
import { INCIDENT } from "../../src/incident/errors";
import {
  parseAction,
  parseAnsState,
  parseCapacity,
  parseDuration,
  parseExecutor,
  parseReason,
  parseStacks,
} from "../../src/incident/input";

const ACTION = `0x${"ab".repeat(32)}`;

function codeOf(fn: () => unknown): number | undefined {
  try {
    fn();
  } catch (err) {
    if (err instanceof ToolError) return err.code;
    throw err;
  }
  return undefined;
}

/** A runtime whose every access to the network fails the test: proves nothing was opened or sent. */
const untouchable = new Proxy({} as HardhatRuntimeEnvironment, {
  get(_t, prop) {
    throw new Error(`the command touched hre.${String(prop)} before rejecting its input`);
  },
});

async function rejection(p: Promise<unknown>): Promise<ToolError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof ToolError) return err;
    throw err;
  }
  throw new Error("expected a ToolError");
}

describe("incident commands: flag parsers", () => {
  it("executor ids: decimal 1..2^64-1; 0, negatives, hex and overflow are coded errors", () => {
    expect(parseExecutor("7")).to.equal(7n);
    expect(parseExecutor("18446744073709551615")).to.equal(2n ** 64n - 1n);
    expect(codeOf(() => parseExecutor("0"))).to.equal(INCIDENT.BAD_EXECUTOR);
    expect(codeOf(() => parseExecutor("-1"))).to.equal(INCIDENT.BAD_EXECUTOR);
    expect(codeOf(() => parseExecutor("0x10"))).to.equal(INCIDENT.BAD_EXECUTOR);
    expect(codeOf(() => parseExecutor("18446744073709551616"))).to.equal(INCIDENT.BAD_EXECUTOR);
    expect(codeOf(() => parseExecutor(undefined))).to.equal(INCIDENT.USAGE);
  });

  it("action ids: 0x + 64 hex (lower-cased); zero, short and non-hex ids are coded errors", () => {
    expect(parseAction(`0x${"AB".repeat(32)}`)).to.equal(ACTION);
    expect(codeOf(() => parseAction(`0x${"00".repeat(32)}`))).to.equal(INCIDENT.BAD_ACTION);
    expect(codeOf(() => parseAction("0x1234"))).to.equal(INCIDENT.BAD_ACTION);
    expect(codeOf(() => parseAction("ab".repeat(32)))).to.equal(INCIDENT.BAD_ACTION);
    expect(codeOf(() => parseAction(undefined))).to.equal(INCIDENT.USAGE);
  });

  it("durations: s/m/h/d units and bare seconds, within 1 s..7 days", () => {
    expect(parseDuration("90s")).to.equal(90);
    expect(parseDuration("30m")).to.equal(1800);
    expect(parseDuration("2h")).to.equal(7200);
    expect(parseDuration("7d")).to.equal(604_800);
    expect(parseDuration("45")).to.equal(45);
    expect(codeOf(() => parseDuration("0s"))).to.equal(INCIDENT.BAD_DURATION);
    expect(codeOf(() => parseDuration("604801"))).to.equal(INCIDENT.BAD_DURATION);
    expect(codeOf(() => parseDuration("8d"))).to.equal(INCIDENT.BAD_DURATION);
    expect(codeOf(() => parseDuration("1w"))).to.equal(INCIDENT.BAD_DURATION);
    expect(codeOf(() => parseDuration("-5m"))).to.equal(INCIDENT.BAD_DURATION);
  });

  it("capacities, ANS states, reasons and stacks", () => {
    expect(parseCapacity("4294967295")).to.equal(4_294_967_295);
    expect(codeOf(() => parseCapacity("0"))).to.equal(INCIDENT.BAD_CAPACITY);
    expect(codeOf(() => parseCapacity("4294967296"))).to.equal(INCIDENT.BAD_CAPACITY);
    expect(codeOf(() => parseCapacity("1.5"))).to.equal(INCIDENT.BAD_CAPACITY);
    expect(parseAnsState("danger")).to.equal("DANGER");
    expect(codeOf(() => parseAnsState("PANIC"))).to.equal(INCIDENT.BAD_STATE);
    expect(codeOf(() => parseReason("  "))).to.equal(INCIDENT.BAD_STATE);
    expect(codeOf(() => parseReason("é".repeat(129)))).to.equal(INCIDENT.BAD_STATE); // 258 bytes
    expect(parseReason("é".repeat(128))).to.have.length(128); // 256 bytes
    expect(parseStacks(undefined)).to.deep.equal(["evm", "wasm"]);
    expect(parseStacks("wasm,evm")).to.deep.equal(["evm", "wasm"]);
    expect(codeOf(() => parseStacks("evm,solana"))).to.equal(INCIDENT.USAGE);
  });

  it("the guardian path is taken only within every bound: above the configured capacity, up to the percentage ceiling and the longest duration", () => {
    const v = { configured: 4, bounds: { maxPercent: 250, maxDuration: 3600 } };
    expect(guardianMay(v, 10, 3600)).to.equal(true);
    expect(guardianMay(v, 11, 60)).to.equal(false);
    expect(guardianMay(v, 4, 60)).to.equal(false);
    expect(guardianMay(v, 5, 3601)).to.equal(false);
    expect(guardianMay({ configured: 4, bounds: { maxPercent: 0, maxDuration: 0 } }, 5, 60)).to.equal(false);
  });
});

describe("incident commands: bad input is a coded error before any chain is touched", () => {
  const cases: [string, () => Promise<unknown>, number][] = [
    ["breaker: unknown verb", () => breakerCommand(untouchable, { verb: "explode" }), INCIDENT.USAGE],
    [
      "breaker trip: zero executor",
      () => breakerCommand(untouchable, { verb: "trip", executor: "0", action: ACTION }),
      INCIDENT.BAD_EXECUTOR,
    ],
    [
      "breaker reset: zero action",
      () => breakerCommand(untouchable, { verb: "reset", executor: "1", action: `0x${"00".repeat(32)}` }),
      INCIDENT.BAD_ACTION,
    ],
    [
      "breaker trip: a flag the verb does not take",
      () => breakerCommand(untouchable, { verb: "trip", executor: "1", action: ACTION, capacity: "5" }),
      INCIDENT.USAGE,
    ],
    [
      "breaker status: --action without --executor",
      () => breakerCommand(untouchable, { verb: "status", action: ACTION }),
      INCIDENT.USAGE,
    ],
    [
      "limits raise: duration out of range",
      () => limitsCommand(untouchable, { verb: "raise", executor: "1", action: ACTION, capacity: "10", for: "8d" }),
      INCIDENT.BAD_DURATION,
    ],
    [
      "limits raise: no duration",
      () => limitsCommand(untouchable, { verb: "raise", executor: "1", action: ACTION, capacity: "10" }),
      INCIDENT.USAGE,
    ],
    [
      "limits raise: zero capacity",
      () => limitsCommand(untouchable, { verb: "raise", executor: "1", action: ACTION, capacity: "0", for: "30m" }),
      INCIDENT.BAD_CAPACITY,
    ],
    [
      "limits restore: --for is not restore's",
      () => limitsCommand(untouchable, { verb: "restore", executor: "1", action: ACTION, for: "30m" }),
      INCIDENT.USAGE,
    ],
    [
      "limits show: bad stacks",
      () => limitsCommand(untouchable, { verb: "show", executor: "1", action: ACTION, stacks: "btc" }),
      INCIDENT.USAGE,
    ],
    ["executor pause: missing executor", () => executorCommand(untouchable, { verb: "pause" }), INCIDENT.USAGE],
    [
      "ans override: unknown state",
      () => ansCommand(untouchable, { verb: "override", executor: "1", to: "PANIC", reason: "x" }),
      INCIDENT.BAD_STATE,
    ],
    [
      "ans override: empty reason",
      () => ansCommand(untouchable, { verb: "override", executor: "1", to: "SAFE", reason: "" }),
      INCIDENT.BAD_STATE,
    ],
  ];
  for (const [title, run, code] of cases) {
    it(`${title}: error ${code}, nothing sent`, async () => {
      const err = await rejection(run());
      expect(err.code).to.equal(code);
      expect(err.nothingSent).to.equal(true);
    });
  }
});
