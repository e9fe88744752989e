import { expect } from "chai";
import { ethers } from "hardhat";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";

import type { VagusAccessFrame } from "../../typechain-types";
import { loadSpec } from "../../src/spec";
import { logsOf, receiptOf, snapshot } from "../helpers/chain";
import { CB_DEFAULTS, RL_DEFAULTS, ROLE, deployProxy } from "../helpers/deploy";
import { ANS_DEFAULTS, ISSUER_DEFAULTS, REFLEX_DEFAULTS } from "../helpers/system";
import { expectRejectedNoChange, expectSpecError } from "../helpers/expect";

/**
 * The frame's emergency rollback (spec/frame.md "Rollback") on every component: an ADMIN
 * upgrade makes the replaced implementation a target; an EMERGENCY holder returns the
 * proxy to a target at once, pausing it; nothing else can be installed that way.
 */
const spec = loadSpec();
const EMERGENCY = spec.role("EMERGENCY").evmId;
const IMPLEMENTATION_SLOT = "0x360894a13ba1a3210667c828492db98dca3e2076cc3735a920a3ca505d382bbc";

const SUBJECTS: { component: string; v2: string; init: unknown[] }[] = [
  { component: "RateLimiter", v2: "RateLimiterV2", init: [RL_DEFAULTS] },
  { component: "CircuitBreaker", v2: "CircuitBreakerV2", init: [CB_DEFAULTS] },
  { component: "ANSStateManager", v2: "ANSStateManagerV2", init: [ANS_DEFAULTS] },
  { component: "AfferentInbox", v2: "AfferentInboxV2", init: [] },
  { component: "VagalBrake", v2: "VagalBrakeV2", init: [] },
  { component: "CapabilityIssuer", v2: "CapabilityIssuerV2", init: [ISSUER_DEFAULTS] },
  { component: "ReflexArc", v2: "ReflexArcV2", init: [REFLEX_DEFAULTS] },
];

async function implementationOf(proxy: string): Promise<string> {
  const word = await ethers.provider.getStorage(proxy, IMPLEMENTATION_SLOT);
  return ethers.getAddress(ethers.dataSlice(word, 12));
}

type Versioned = VagusAccessFrame & { testVersion(): Promise<bigint> };

for (const subject of SUBJECTS) {
  const C = subject.component;

  describe(`${C}: emergency rollback (spec/frame.md "Rollback")`, () => {
    let admin: HardhatEthersSigner;
    let guardian: HardhatEthersSigner;
    let emergency: HardhatEthersSigner;
    let stranger: HardhatEthersSigner;
    let frame: VagusAccessFrame;
    let v1: string;
    let v2: string;
    let base: { restore(): Promise<void> };

    const read = async () => ({
      implementation: await implementationOf(await frame.getAddress()),
      paused: await frame.paused(),
    });

    before(async () => {
      [admin, guardian, emergency, stranger] = await ethers.getSigners();
      frame = await deployProxy<VagusAccessFrame>(C, [admin.address, ...subject.init]);
      v1 = await implementationOf(await frame.getAddress());
      await (await frame.connect(admin).grantRole(ROLE.GUARDIAN, guardian.address)).wait();
      await (await frame.connect(admin).grantRole(EMERGENCY, emergency.address)).wait();
      v2 = await (await ethers.deployContract(subject.v2)).getAddress();
      expect(await frame.isRollbackTarget(v1)).to.equal(false);
      await (await frame.connect(admin).upgradeToAndCall(v2, "0x")).wait();
      base = await snapshot();
    });

    afterEach(async () => {
      await base.restore();
    });

    it("an ADMIN upgrade makes the replaced implementation, and only it, a target", async () => {
      expect(await frame.isRollbackTarget(v1)).to.equal(true);
      expect(await frame.isRollbackTarget(v2)).to.equal(false);
      expect(await frame.hasRole(EMERGENCY, emergency.address)).to.equal(true);
    });

    it("EMERGENCY returns to v1 in one call: Paused, Upgraded, EmergencyRollback; v1 code runs, roles kept", async () => {
      const proxy = (await ethers.getContractAt(subject.v2, await frame.getAddress())) as unknown as Versioned;
      expect(await proxy.testVersion()).to.equal(2n);
      const receipt = await receiptOf(await frame.connect(emergency).emergencyRollback(v1, "v2 miscounts"));
      expect(logsOf(receipt, await frame.getAddress(), frame.interface)).to.deep.equal([
        { name: "Paused", args: { account: emergency.address } },
        { name: "Upgraded", args: { implementation: v1 } },
        { name: "EmergencyRollback", args: { implementation: v1, account: emergency.address, reason: "v2 miscounts" } },
      ]);
      expect(await read()).to.deep.equal({ implementation: v1, paused: true });
      // v1 has no testVersion(): the call reverts, so the old code is what runs.
      let v1Answered = true;
      await proxy.testVersion().catch(() => {
        v1Answered = false;
      });
      expect(v1Answered).to.equal(false);
      expect(await frame.hasRole(ROLE.ADMIN, admin.address)).to.equal(true);
      expect(await frame.hasRole(ROLE.GUARDIAN, guardian.address)).to.equal(true);
      // The implementation it left is not approved by the emergency path.
      expect(await frame.isRollbackTarget(v2)).to.equal(false);
      await expectRejectedNoChange(
        C,
        read,
        () => frame.connect(emergency).emergencyRollback(v2, "back"),
        "RollbackNotApproved",
      );
      // Unpausing stays governance's.
      await expectSpecError(C, frame.connect(emergency).unpause(), "Unauthorized", {
        account: emergency.address,
        role: "ADMIN",
      });
    });

    it("on a paused proxy it upgrades without a second Paused", async () => {
      await (await frame.connect(guardian).pause()).wait();
      const receipt = await receiptOf(await frame.connect(emergency).emergencyRollback(v1, "r"));
      expect(logsOf(receipt, await frame.getAddress(), frame.interface).map((l) => l.name)).to.deep.equal([
        "Upgraded",
        "EmergencyRollback",
      ]);
    });

    it("refusals in check order, each coded and changing nothing", async () => {
      const never = await (await ethers.deployContract(subject.v2)).getAddress();
      const call = (who: HardhatEthersSigner, impl: string, reason: string) => () =>
        frame.connect(who).emergencyRollback(impl, reason);
      await expectRejectedNoChange(C, read, call(stranger, v1, "r"), "Unauthorized", {
        account: stranger.address,
        role: "EMERGENCY",
      });
      // ADMIN and GUARDIAN do not hold the emergency path either.
      await expectRejectedNoChange(C, read, call(admin, v1, "r"), "Unauthorized", {
        account: admin.address,
        role: "EMERGENCY",
      });
      await expectRejectedNoChange(C, read, call(guardian, v1, "r"), "Unauthorized", {
        account: guardian.address,
        role: "EMERGENCY",
      });
      await expectRejectedNoChange(C, read, call(emergency, never, "r"), "RollbackNotApproved");
      await expectRejectedNoChange(C, read, call(emergency, v2, "r"), "RollbackNotApproved");
      await expectRejectedNoChange(C, read, call(emergency, v1, ""), "EmptyReason");
      await expectRejectedNoChange(C, read, call(emergency, v1, "x".repeat(257)), "ReasonTooLong", { length: 257n });
    });

    it("after a governance rollback to v1, v2 becomes a target and v1 (running) is NotARollback", async () => {
      await (await frame.connect(admin).upgradeToAndCall(v1, "0x")).wait();
      expect(await frame.isRollbackTarget(v2)).to.equal(true);
      await expectRejectedNoChange(C, read, () => frame.connect(emergency).emergencyRollback(v1, "r"), "NotARollback");
    });

    it("the implementation contract itself refuses (UUPSUnauthorizedCallContext)", async () => {
      const impl = (await ethers.getContractAt(C, v2)) as unknown as VagusAccessFrame;
      await expectSpecError(C, impl.connect(emergency).emergencyRollback(v1, "r"), "UUPSUnauthorizedCallContext");
    });
  });
}
