import { expect } from "chai";
import { ethers } from "hardhat";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";

import type { VagusAccessFrame } from "../../typechain-types";
import { loadSpec } from "../../src/spec";
import { logsOf, receiptOf, snapshot } from "../helpers/chain";
import { CB_DEFAULTS, RL_DEFAULTS, ROLE, deployProxy } from "../helpers/deploy";
import { ANS_DEFAULTS, ISSUER_DEFAULTS, REFLEX_DEFAULTS } from "../helpers/system";
import { expectRejectedNoChange, expectSpecError } from "../helpers/expect";

const spec = loadSpec();

/** The frame is the same on every contract: run every test on each of them. */
const SUBJECTS: { component: string; v2: string; init: unknown[]; configEvent?: string }[] = [
  { component: "RateLimiter", v2: "RateLimiterV2", init: [RL_DEFAULTS], configEvent: "DefaultConfigSet" },
  { component: "CircuitBreaker", v2: "CircuitBreakerV2", init: [CB_DEFAULTS], configEvent: "ConfigSet" },
  { component: "ANSStateManager", v2: "ANSStateManagerV2", init: [ANS_DEFAULTS], configEvent: "ConfigSet" },
  { component: "AfferentInbox", v2: "AfferentInboxV2", init: [] },
  { component: "VagalBrake", v2: "VagalBrakeV2", init: [] },
  { component: "CapabilityIssuer", v2: "CapabilityIssuerV2", init: [ISSUER_DEFAULTS], configEvent: "ConfigSet" },
  { component: "ReflexArc", v2: "ReflexArcV2", init: [REFLEX_DEFAULTS], configEvent: "ConfigSet" },
];

for (const subject of SUBJECTS) {
  const C = subject.component;
  const component = spec.component(C);
  const roleKeysUnknownHere = [...spec.roles.keys()].filter((k) => !component.hasRole(k));

  describe(`${C}: contract frame (spec/frame.md)`, () => {
    let admin: HardhatEthersSigner;
    let guardian: HardhatEthersSigner;
    let alice: HardhatEthersSigner;
    let bob: HardhatEthersSigner;
    let stranger: HardhatEthersSigner;
    let frame: VagusAccessFrame;
    let base: { restore(): Promise<void> };

    /** Everything the frame owns, for "a reverted call changes nothing". */
    async function frameState() {
      const rows: [string, string, boolean][] = [];
      for (const key of spec.roles.keys()) {
        for (const who of [admin, guardian, alice, bob, stranger]) {
          rows.push([key, who.address, await frame.hasRole(spec.role(key).evmId, who.address)]);
        }
      }
      return { rows, paused: await frame.paused() };
    }

    before(async () => {
      [admin, guardian, alice, bob, stranger] = await ethers.getSigners();
      frame = await deployProxy<VagusAccessFrame>(C, [admin.address, ...subject.init]);
      await (await frame.connect(admin).grantRole(ROLE.GUARDIAN, guardian.address)).wait();
      base = await snapshot();
    });

    afterEach(async () => {
      await base.restore();
    });

    describe("initialize", () => {
      it("grants ADMIN to admin and nothing else; logs Upgraded, RoleGranted, the config, Initialized", async () => {
        const impl = await ethers.deployContract(C);
        const data = impl.interface.encodeFunctionData("initialize", [alice.address, ...subject.init]);
        const proxy = await ethers.deployContract("ERC1967Proxy", [await impl.getAddress(), data], bob);
        const receipt = await ethers.provider.getTransactionReceipt(proxy.deploymentTransaction()?.hash ?? "");
        if (!receipt) throw new Error("no deployment receipt");
        const fresh = await ethers.getContractAt(C, await proxy.getAddress());
        const logs = logsOf(receipt, await proxy.getAddress(), fresh.interface);
        const configEvents = subject.configEvent ? [subject.configEvent] : [];
        expect(logs.map((l) => l.name)).to.deep.equal(["Upgraded", "RoleGranted", ...configEvents, "Initialized"]);
        expect(logs[1].args).to.deep.equal({ role: ROLE.ADMIN, account: alice.address, sender: bob.address });
        expect(logs[logs.length - 1].args).to.deep.equal({ version: 1n });

        expect(await fresh.hasRole(ROLE.ADMIN, alice.address)).to.equal(true);
        for (const role of component.roles.filter((r) => r.key !== "ADMIN")) {
          expect(await fresh.hasRole(role.evmId, alice.address), role.key).to.equal(false);
        }
        // The deployer is not an admin just because it deployed.
        expect(await fresh.hasRole(ROLE.ADMIN, bob.address)).to.equal(false);
      });

      it("rejects the zero admin with InvalidAddress", async () => {
        await expectSpecError(C, deployProxy(C, [ethers.ZeroAddress, ...subject.init]), "InvalidAddress");
      });

      it("cannot run twice on a proxy (InvalidInitialization)", async () => {
        await expectRejectedNoChange(
          C,
          frameState,
          () => frame.connect(stranger).getFunction("initialize")(stranger.address, ...subject.init),
          "InvalidInitialization",
        );
      });

      it("is disabled on the implementation itself", async () => {
        const impl = await ethers.deployContract(C);
        await expectSpecError(
          C,
          impl.getFunction("initialize")(stranger.address, ...subject.init),
          "InvalidInitialization",
        );
      });
    });

    describe("roles", () => {
      it("ADMIN grants a role: RoleGranted(role, account, sender)", async () => {
        const receipt = await receiptOf(await frame.connect(admin).grantRole(ROLE.GUARDIAN, alice.address));
        expect(logsOf(receipt, await frame.getAddress(), frame.interface)).to.deep.equal([
          { name: "RoleGranted", args: { role: ROLE.GUARDIAN, account: alice.address, sender: admin.address } },
        ]);
        expect(await frame.hasRole(ROLE.GUARDIAN, alice.address)).to.equal(true);
      });

      it("granting a role already held succeeds and emits nothing", async () => {
        const receipt = await receiptOf(await frame.connect(admin).grantRole(ROLE.GUARDIAN, guardian.address));
        expect(receipt.status).to.equal(1);
        expect(receipt.logs).to.have.length(0);
      });

      it("revoking a role not held succeeds and emits nothing", async () => {
        const receipt = await receiptOf(await frame.connect(admin).revokeRole(ROLE.GUARDIAN, alice.address));
        expect(receipt.status).to.equal(1);
        expect(receipt.logs).to.have.length(0);
      });

      it("ADMIN revokes a role: RoleRevoked(role, account, sender)", async () => {
        const receipt = await receiptOf(await frame.connect(admin).revokeRole(ROLE.GUARDIAN, guardian.address));
        expect(logsOf(receipt, await frame.getAddress(), frame.interface)).to.deep.equal([
          { name: "RoleRevoked", args: { role: ROLE.GUARDIAN, account: guardian.address, sender: admin.address } },
        ]);
        expect(await frame.hasRole(ROLE.GUARDIAN, guardian.address)).to.equal(false);
      });

      it("only ADMIN grants or revokes, even a guardian (Unauthorized names the caller and ADMIN)", async () => {
        for (const who of [guardian, stranger]) {
          await expectRejectedNoChange(
            C,
            frameState,
            () => frame.connect(who).grantRole(ROLE.GUARDIAN, alice.address),
            "Unauthorized",
            { account: who.address, role: "ADMIN" },
          );
          await expectRejectedNoChange(
            C,
            frameState,
            () => frame.connect(who).revokeRole(ROLE.GUARDIAN, guardian.address),
            "Unauthorized",
            { account: who.address, role: "ADMIN" },
          );
        }
      });

      for (const key of roleKeysUnknownHere) {
        it(`a role of another component (${key}) is UnknownRole here`, async () => {
          const id = spec.role(key).evmId;
          await expectRejectedNoChange(
            C,
            frameState,
            () => frame.connect(admin).grantRole(id, alice.address),
            "UnknownRole",
            {
              role: key,
            },
          );
        });
      }

      it("an undefined role id is UnknownRole for grant, revoke and renounce", async () => {
        const bogus = ethers.id("MINTER_ROLE");
        await expectRejectedNoChange(
          C,
          frameState,
          () => frame.connect(admin).grantRole(bogus, alice.address),
          "UnknownRole",
          {
            role: bogus,
          },
        );
        await expectRejectedNoChange(
          C,
          frameState,
          () => frame.connect(admin).revokeRole(bogus, alice.address),
          "UnknownRole",
          {
            role: bogus,
          },
        );
        await expectRejectedNoChange(
          C,
          frameState,
          () => frame.connect(alice).renounceRole(bogus, alice.address),
          "UnknownRole",
          { role: bogus },
        );
      });

      it("a stranger naming an unknown role gets Unauthorized, not UnknownRole (caller check first)", async () => {
        await expectSpecError(C, frame.connect(stranger).grantRole(ethers.id("X"), alice.address), "Unauthorized", {
          account: stranger.address,
          role: "ADMIN",
        });
      });

      it("the zero account is InvalidAddress for grant and revoke, after the role check", async () => {
        await expectRejectedNoChange(
          C,
          frameState,
          () => frame.connect(admin).grantRole(ROLE.GUARDIAN, ethers.ZeroAddress),
          "InvalidAddress",
        );
        await expectRejectedNoChange(
          C,
          frameState,
          () => frame.connect(admin).revokeRole(ROLE.GUARDIAN, ethers.ZeroAddress),
          "InvalidAddress",
        );
        await expectSpecError(C, frame.connect(admin).grantRole(ethers.id("X"), ethers.ZeroAddress), "UnknownRole");
      });

      it("every role of the component can be granted", async () => {
        for (const role of component.roles) {
          await (await frame.connect(admin).grantRole(role.evmId, bob.address)).wait();
          expect(await frame.hasRole(role.evmId, bob.address), role.key).to.equal(true);
        }
      });

      it("every role is administered by ADMIN", async () => {
        for (const role of component.roles) {
          expect(await frame.getRoleAdmin(role.evmId)).to.equal(ROLE.ADMIN);
        }
      });
    });

    describe("renounceRole", () => {
      it("drops the caller's own role: RoleRevoked with the caller as sender", async () => {
        const receipt = await receiptOf(await frame.connect(guardian).renounceRole(ROLE.GUARDIAN, guardian.address));
        expect(logsOf(receipt, await frame.getAddress(), frame.interface)).to.deep.equal([
          {
            name: "RoleRevoked",
            args: { role: ROLE.GUARDIAN, account: guardian.address, sender: guardian.address },
          },
        ]);
        expect(await frame.hasRole(ROLE.GUARDIAN, guardian.address)).to.equal(false);
      });

      it("needs callerConfirmation == caller (BadRenounceConfirmation)", async () => {
        await expectRejectedNoChange(
          C,
          frameState,
          () => frame.connect(alice).renounceRole(ROLE.GUARDIAN, guardian.address),
          "BadRenounceConfirmation",
        );
      });

      it("checks the confirmation before the role and before LastAdmin", async () => {
        await expectRejectedNoChange(
          C,
          frameState,
          () => frame.connect(alice).renounceRole(ethers.id("UNKNOWN_ROLE"), admin.address),
          "BadRenounceConfirmation",
        );
        await expectRejectedNoChange(
          C,
          frameState,
          () => frame.connect(admin).renounceRole(ROLE.ADMIN, alice.address),
          "BadRenounceConfirmation",
        );
      });

      it("renouncing a role not held succeeds and emits nothing", async () => {
        const receipt = await receiptOf(await frame.connect(alice).renounceRole(ROLE.GUARDIAN, alice.address));
        expect(receipt.logs).to.have.length(0);
      });
    });

    describe("last admin", () => {
      it("the only ADMIN cannot be revoked or renounce (LastAdmin)", async () => {
        await expectRejectedNoChange(
          C,
          frameState,
          () => frame.connect(admin).revokeRole(ROLE.ADMIN, admin.address),
          "LastAdmin",
        );
        await expectRejectedNoChange(
          C,
          frameState,
          () => frame.connect(admin).renounceRole(ROLE.ADMIN, admin.address),
          "LastAdmin",
        );
      });

      it("with two admins one may leave, then the other is the last", async () => {
        await (await frame.connect(admin).grantRole(ROLE.ADMIN, alice.address)).wait();
        await (await frame.connect(alice).renounceRole(ROLE.ADMIN, alice.address)).wait();
        expect(await frame.hasRole(ROLE.ADMIN, alice.address)).to.equal(false);
        await expectSpecError(C, frame.connect(admin).renounceRole(ROLE.ADMIN, admin.address), "LastAdmin");

        await (await frame.connect(admin).grantRole(ROLE.ADMIN, bob.address)).wait();
        await (await frame.connect(bob).revokeRole(ROLE.ADMIN, admin.address)).wait();
        expect(await frame.hasRole(ROLE.ADMIN, admin.address)).to.equal(false);
        await expectSpecError(C, frame.connect(bob).revokeRole(ROLE.ADMIN, bob.address), "LastAdmin");
      });

      it("granting ADMIN twice to one account counts it once", async () => {
        await (await frame.connect(admin).grantRole(ROLE.ADMIN, alice.address)).wait();
        await (await frame.connect(admin).grantRole(ROLE.ADMIN, alice.address)).wait();
        await (await frame.connect(admin).revokeRole(ROLE.ADMIN, alice.address)).wait();
        // Had the second grant counted, two admins would remain on paper.
        await expectSpecError(C, frame.connect(admin).revokeRole(ROLE.ADMIN, admin.address), "LastAdmin");
      });

      it("revoking ADMIN from a non-holder while one admin remains is a no-op, not LastAdmin", async () => {
        const receipt = await receiptOf(await frame.connect(admin).revokeRole(ROLE.ADMIN, alice.address));
        expect(receipt.logs).to.have.length(0);
      });
    });

    describe("pause", () => {
      it("GUARDIAN pauses (Paused event), ADMIN unpauses (Unpaused event)", async () => {
        let receipt = await receiptOf(await frame.connect(guardian).pause());
        expect(logsOf(receipt, await frame.getAddress(), frame.interface)).to.deep.equal([
          { name: "Paused", args: { account: guardian.address } },
        ]);
        expect(await frame.paused()).to.equal(true);
        receipt = await receiptOf(await frame.connect(admin).unpause());
        expect(logsOf(receipt, await frame.getAddress(), frame.interface)).to.deep.equal([
          { name: "Unpaused", args: { account: admin.address } },
        ]);
        expect(await frame.paused()).to.equal(false);
      });

      it("pause needs GUARDIAN: ADMIN alone cannot pause", async () => {
        await expectRejectedNoChange(C, frameState, () => frame.connect(admin).pause(), "Unauthorized", {
          account: admin.address,
          role: "GUARDIAN",
        });
      });

      it("unpause needs ADMIN: a guardian cannot unpause", async () => {
        await (await frame.connect(guardian).pause()).wait();
        await expectRejectedNoChange(C, frameState, () => frame.connect(guardian).unpause(), "Unauthorized", {
          account: guardian.address,
          role: "ADMIN",
        });
      });

      it("pause while paused is Paused; unpause while not paused is NotPaused", async () => {
        await expectRejectedNoChange(C, frameState, () => frame.connect(admin).unpause(), "NotPaused");
        await (await frame.connect(guardian).pause()).wait();
        await expectRejectedNoChange(C, frameState, () => frame.connect(guardian).pause(), "Paused");
      });

      it("role check comes before the pause check", async () => {
        await (await frame.connect(guardian).pause()).wait();
        await expectSpecError(C, frame.connect(stranger).pause(), "Unauthorized");
      });

      it("role management keeps working while paused", async () => {
        await (await frame.connect(guardian).pause()).wait();
        await (await frame.connect(admin).grantRole(ROLE.GUARDIAN, alice.address)).wait();
        await (await frame.connect(admin).revokeRole(ROLE.GUARDIAN, guardian.address)).wait();
        await (await frame.connect(alice).renounceRole(ROLE.GUARDIAN, alice.address)).wait();
        expect(await frame.hasRole(ROLE.GUARDIAN, alice.address)).to.equal(false);
        expect(await frame.hasRole(ROLE.GUARDIAN, guardian.address)).to.equal(false);
      });
    });

    describe("upgrades (UUPS)", () => {
      async function implementationOf(proxy: string): Promise<string> {
        // ERC-1967 implementation slot: keccak256("eip1967.proxy.implementation") - 1
        const slot = "0x360894a13ba1a3210667c828492db98dca3e2076cc3735a920a3ca505d382bbc";
        const word = await ethers.provider.getStorage(proxy, slot);
        return ethers.getAddress(ethers.dataSlice(word, 12));
      }

      it("only ADMIN upgrades; the state survives and the new code runs", async () => {
        const v2 = await ethers.deployContract(subject.v2);
        const before = await implementationOf(await frame.getAddress());
        await (await frame.connect(admin).grantRole(ROLE.GUARDIAN, alice.address)).wait();
        await (await frame.connect(guardian).pause()).wait();

        await expectSpecError(
          C,
          frame.connect(guardian).upgradeToAndCall(await v2.getAddress(), "0x"),
          "Unauthorized",
          { account: guardian.address, role: "ADMIN" },
        );
        expect(await implementationOf(await frame.getAddress())).to.equal(before);

        const receipt = await receiptOf(await frame.connect(admin).upgradeToAndCall(await v2.getAddress(), "0x"));
        expect(logsOf(receipt, await frame.getAddress(), frame.interface)).to.deep.equal([
          { name: "Upgraded", args: { implementation: await v2.getAddress() } },
        ]);
        const upgraded = (await ethers.getContractAt(
          subject.v2,
          await frame.getAddress(),
        )) as unknown as VagusAccessFrame & {
          testVersion(): Promise<bigint>;
        };
        expect(await upgraded.testVersion()).to.equal(2n);
        expect(await upgraded.hasRole(ROLE.ADMIN, admin.address)).to.equal(true);
        expect(await upgraded.hasRole(ROLE.GUARDIAN, alice.address)).to.equal(true);
        expect(await upgraded.paused()).to.equal(true);
        // The admin count survived too: the only admin still cannot leave.
        await expectSpecError(C, upgraded.connect(admin).renounceRole(ROLE.ADMIN, admin.address), "LastAdmin");
        // Initializers stay consumed.
        await expectSpecError(
          C,
          upgraded.getFunction("initialize")(stranger.address, ...subject.init),
          "InvalidInitialization",
        );
      });

      // The reinitializer lives in the RateLimiter's test V2 only.
      if (subject.v2 === "RateLimiterV2") {
        it("upgradeToAndCall runs a reinitializer once", async () => {
          const v2 = await ethers.deployContract("RateLimiterV2");
          const data = v2.interface.encodeFunctionData("initializeV2", [42n]);
          await (await frame.connect(admin).upgradeToAndCall(await v2.getAddress(), data)).wait();
          const upgraded = await ethers.getContractAt("RateLimiterV2", await frame.getAddress());
          expect(await upgraded.marker()).to.equal(42n);
          await expectSpecError(C, upgraded.initializeV2(7n), "InvalidInitialization");
        });
      }

      it("upgrading the implementation directly is UUPSUnauthorizedCallContext", async () => {
        const impl = (await ethers.getContractAt(
          C,
          await implementationOf(await frame.getAddress()),
        )) as unknown as VagusAccessFrame;
        const v2 = await ethers.deployContract(subject.v2);
        await expectSpecError(
          C,
          impl.connect(admin).upgradeToAndCall(await v2.getAddress(), "0x"),
          "UUPSUnauthorizedCallContext",
        );
      });

      it("a target with the wrong proxiable UUID is UUPSUnsupportedProxiableUUID", async () => {
        const bad = await ethers.deployContract("NotUUPSImplementation");
        await expectSpecError(
          C,
          frame.connect(admin).upgradeToAndCall(await bad.getAddress(), "0x"),
          "UUPSUnsupportedProxiableUUID",
          { slot: ethers.id("not the implementation slot") },
        );
      });

      it("a proxy given as the new implementation is ERC1967InvalidImplementation", async () => {
        const other = await deployProxy<VagusAccessFrame>(C, [admin.address, ...subject.init]);
        await expectSpecError(
          C,
          frame.connect(admin).upgradeToAndCall(await other.getAddress(), "0x"),
          "ERC1967InvalidImplementation",
          { implementation: await other.getAddress() },
        );
      });

      it("value without a call is ERC1967NonPayable", async () => {
        const v2 = await ethers.deployContract(subject.v2);
        await expectSpecError(
          C,
          frame.connect(admin).upgradeToAndCall(await v2.getAddress(), "0x", { value: 1n }),
          "ERC1967NonPayable",
        );
      });

      it("a call the new implementation rejects without a reason is FailedCall; nothing changes", async () => {
        const v2 = await ethers.deployContract(subject.v2);
        const before = await implementationOf(await frame.getAddress());
        await expectSpecError(
          C,
          frame.connect(admin).upgradeToAndCall(await v2.getAddress(), "0xdeadbeef"),
          "FailedCall",
        );
        expect(await implementationOf(await frame.getAddress())).to.equal(before);
      });
    });
  });
}
