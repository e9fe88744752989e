import { expect } from "chai";
import { ethers } from "hardhat";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import { AbiCoder, keccak256, toUtf8Bytes } from "ethers";

import type { VagusAccessFrame } from "../../typechain-types";
import { loadSpec } from "../../src/spec";
import { snapshot } from "../helpers/chain";
import { CB_DEFAULTS, RL_DEFAULTS, action, deployProxy } from "../helpers/deploy";
import { expectSpecError } from "../helpers/expect";
import { ISSUER_DEFAULTS } from "../helpers/system";

/**
 * The caller cache (docs/decisions/0046): the issuer's PLANNER, and the rate limiter's and
 * breaker's CONSUMER, are admitted with one read of the pause word when the caller is the
 * cached holder. The role semantics stay exact: whoever holds the role passes, whoever does
 * not is refused, whatever the grant / revoke / renounce / upgrade / rollback history.
 */
const spec = loadSpec();
const EMERGENCY = spec.role("EMERGENCY").evmId;
const GUARDIAN = spec.role("GUARDIAN").evmId;

/** ERC-7201 slot of OpenZeppelin's Pausable namespace, computed here from its id. */
function erc7201Slot(id: string): string {
  const inner = BigInt(keccak256(toUtf8Bytes(id))) - 1n;
  const outer = BigInt(keccak256(AbiCoder.defaultAbiCoder().encode(["uint256"], [inner])));
  return `0x${(outer & ~0xffn).toString(16).padStart(64, "0")}`;
}
const PAUSE_SLOT = erc7201Slot("openzeppelin.storage.Pausable");

interface Subject {
  component: string;
  v2: string;
  init: unknown[];
  role: string;
  /** The contract's own copy in bits 168..255 while the cache is populated. */
  extra: bigint;
  /** A hot-path call with executorId 0: a holder of the role gets InvalidExecutorId. */
  probe(c: VagusAccessFrame, who: HardhatEthersSigner): Promise<unknown>;
}

const A = action("cache-probe");
const INTENT = {
  executorId: 0n,
  actionId: A,
  nonce: 1n,
  notBefore: 0n,
  notAfter: 1n,
  ttl: 1n,
  preStateRoot: ethers.ZeroHash,
  params: [],
};

const SUBJECTS: Subject[] = [
  {
    component: "RateLimiter",
    v2: "RateLimiterV2",
    init: [RL_DEFAULTS],
    role: "CONSUMER",
    // The default config's storage word: capacity | window << 32 | buckets << 64.
    extra: BigInt(RL_DEFAULTS.capacity) | (BigInt(RL_DEFAULTS.window) << 32n) | (BigInt(RL_DEFAULTS.buckets) << 64n),
    probe: async (c, who) => {
      const rl = await ethers.getContractAt("RateLimiter", await c.getAddress());
      return (await rl.connect(who).consume(0n, A)).wait();
    },
  },
  {
    component: "CircuitBreaker",
    v2: "CircuitBreakerV2",
    init: [CB_DEFAULTS],
    role: "CONSUMER",
    extra: 0n,
    probe: async (c, who) => {
      const cb = await ethers.getContractAt("CircuitBreaker", await c.getAddress());
      return (await cb.connect(who).request(0n, A)).wait();
    },
  },
  {
    component: "CapabilityIssuer",
    v2: "CapabilityIssuerV2",
    init: [ISSUER_DEFAULTS],
    role: "PLANNER",
    extra: 0n,
    probe: async (c, who) => {
      const issuer = await ethers.getContractAt("CapabilityIssuer", await c.getAddress());
      return (await issuer.connect(who).issue(INTENT)).wait();
    },
  },
];

for (const subject of SUBJECTS) {
  const C = subject.component;
  const ROLE = spec.role(subject.role).evmId;

  describe(`${C}: ${subject.role} caller cache in the pause word (decision 0046)`, () => {
    let admin: HardhatEthersSigner;
    let alice: HardhatEthersSigner;
    let bob: HardhatEthersSigner;
    let guardian: HardhatEthersSigner;
    let emergency: HardhatEthersSigner;
    let frame: VagusAccessFrame;
    let base: { restore(): Promise<void> };

    /** The pause word: the cached holder (bits 8..167) and the pause byte. */
    const word = async () => {
      const w = BigInt(await ethers.provider.getStorage(await frame.getAddress(), PAUSE_SLOT));
      const holder = ethers.getAddress(`0x${((w >> 8n) & ((1n << 160n) - 1n)).toString(16).padStart(40, "0")}`);
      return { holder, paused: (w & 0xffn) !== 0n, rest: w >> 168n };
    };
    const passes = (who: HardhatEthersSigner) => expectSpecError(C, subject.probe(frame, who), "InvalidExecutorId");
    const refused = (who: HardhatEthersSigner) => expectSpecError(C, subject.probe(frame, who), "Unauthorized");

    before(async () => {
      [admin, alice, bob, guardian, emergency] = await ethers.getSigners();
      frame = await deployProxy<VagusAccessFrame>(C, [admin.address, ...subject.init]);
      await (await frame.connect(admin).grantRole(GUARDIAN, guardian.address)).wait();
      await (await frame.connect(admin).grantRole(EMERGENCY, emergency.address)).wait();
      base = await snapshot();
    });

    afterEach(async () => {
      await base.restore();
    });

    it("a fresh proxy caches no one; a grant caches the grantee, pause and unpause keep it and flip only the pause byte", async () => {
      const X = subject.extra;
      expect(await word()).to.deep.equal({ holder: ethers.ZeroAddress, paused: false, rest: X });
      await refused(alice);
      await (await frame.connect(admin).grantRole(ROLE, alice.address)).wait();
      expect(await word()).to.deep.equal({ holder: alice.address, paused: false, rest: X });
      await passes(alice);
      await (await frame.connect(guardian).pause()).wait();
      expect(await word()).to.deep.equal({ holder: alice.address, paused: true, rest: X });
      expect(await frame.paused()).to.equal(true);
      await (await frame.connect(admin).unpause()).wait();
      expect(await word()).to.deep.equal({ holder: alice.address, paused: false, rest: X });
      expect(await frame.paused()).to.equal(false);
      await passes(alice);
    });

    it("paused: the cached holder gets EnforcedPause, a non-holder still Unauthorized (role checked first)", async () => {
      await (await frame.connect(admin).grantRole(ROLE, alice.address)).wait();
      await (await frame.connect(guardian).pause()).wait();
      await expectSpecError(C, subject.probe(frame, alice), "Paused");
      await refused(bob);
    });

    it("the last grantee is cached; revoking it clears the cache and refuses it, the earlier holder passes by its role", async () => {
      await (await frame.connect(admin).grantRole(ROLE, alice.address)).wait();
      await (await frame.connect(admin).grantRole(ROLE, bob.address)).wait();
      expect((await word()).holder).to.equal(bob.address);
      await passes(alice);
      await passes(bob);
      await (await frame.connect(admin).revokeRole(ROLE, bob.address)).wait();
      expect((await word()).holder).to.equal(ethers.ZeroAddress);
      await refused(bob);
      await passes(alice);
      await (await frame.connect(admin).revokeRole(ROLE, alice.address)).wait();
      await refused(alice);
    });

    it("revoking a holder that is not cached keeps the cached one; renounce clears the cache like a revoke", async () => {
      await (await frame.connect(admin).grantRole(ROLE, alice.address)).wait();
      await (await frame.connect(admin).grantRole(ROLE, bob.address)).wait();
      await (await frame.connect(admin).revokeRole(ROLE, alice.address)).wait();
      expect((await word()).holder).to.equal(bob.address);
      await refused(alice);
      await (await frame.connect(bob).renounceRole(ROLE, bob.address)).wait();
      expect((await word()).holder).to.equal(ethers.ZeroAddress);
      await refused(bob);
    });

    it("granting another role or revoking another role from the holder leaves the cache alone", async () => {
      await (await frame.connect(admin).grantRole(ROLE, alice.address)).wait();
      await (await frame.connect(admin).grantRole(GUARDIAN, bob.address)).wait();
      await (await frame.connect(admin).grantRole(GUARDIAN, alice.address)).wait();
      await (await frame.connect(admin).revokeRole(GUARDIAN, alice.address)).wait();
      expect((await word()).holder).to.equal(alice.address);
      await refused(bob);
    });

    it("an ADMIN upgrade clears the cache (the next code may not keep it); the holder passes by its role; a re-grant caches it", async () => {
      await (await frame.connect(admin).grantRole(ROLE, alice.address)).wait();
      const v2 = await (await ethers.deployContract(subject.v2)).getAddress();
      await (await frame.connect(admin).upgradeToAndCall(v2, "0x")).wait();
      expect(await word()).to.deep.equal({ holder: ethers.ZeroAddress, paused: false, rest: 0n });
      await passes(alice);
      await refused(bob);
      await (await frame.connect(admin).grantRole(ROLE, alice.address)).wait();
      expect(await word()).to.deep.equal({ holder: alice.address, paused: false, rest: subject.extra });
      await passes(alice);
    });

    it("an emergency rollback clears the cache and pauses; after unpause the holder passes by its role", async () => {
      const v1 = await ethers.provider.getStorage(
        await frame.getAddress(),
        "0x360894a13ba1a3210667c828492db98dca3e2076cc3735a920a3ca505d382bbc",
      );
      const v2 = await (await ethers.deployContract(subject.v2)).getAddress();
      await (await frame.connect(admin).upgradeToAndCall(v2, "0x")).wait();
      await (await frame.connect(admin).grantRole(ROLE, alice.address)).wait();
      expect((await word()).holder).to.equal(alice.address);
      await (await frame.connect(emergency).emergencyRollback(ethers.getAddress(`0x${v1.slice(26)}`), "r")).wait();
      expect(await word()).to.deep.equal({ holder: ethers.ZeroAddress, paused: true, rest: 0n });
      await (await frame.connect(admin).unpause()).wait();
      await passes(alice);
      await refused(bob);
    });

    if (C === "RateLimiter") {
      it("the default config copy follows setDefaultConfig; with the copy cleared by an upgrade the slot still bounds consume", async () => {
        const rl = await ethers.getContractAt("RateLimiter", await frame.getAddress());
        await (await frame.connect(admin).grantRole(ROLE, alice.address)).wait();
        await (await rl.connect(admin).setDefaultConfig({ capacity: 1, window: 60, buckets: 6 })).wait();
        expect((await word()).rest).to.equal(1n | (60n << 32n) | (6n << 64n));
        const v2 = await (await ethers.deployContract(subject.v2)).getAddress();
        await (await frame.connect(admin).upgradeToAndCall(v2, "0x")).wait();
        expect((await word()).rest).to.equal(0n);
        await (await rl.connect(alice).consume(3n, A)).wait();
        expect([...(await rl.connect(alice).consume.staticCall(3n, A))][0]).to.equal(false);
        await (await frame.connect(admin).grantRole(ROLE, alice.address)).wait();
        expect([...(await rl.connect(alice).consume.staticCall(3n, A))][0]).to.equal(false);
        await (await rl.connect(admin).setDefaultConfig({ capacity: 2, window: 60, buckets: 6 })).wait();
        expect([...(await rl.connect(alice).consume.staticCall(3n, A))][0]).to.equal(true);
      });
    }
  });
}
