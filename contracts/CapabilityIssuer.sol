// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {VagusAccessFrame} from "./common/VagusAccessFrame.sol";
import {VagusVersions} from "./common/VagusVersions.sol";
import {IAfferentInbox} from "./interfaces/IAfferentInbox.sol";
import {IANSStateManager} from "./interfaces/IANSStateManager.sol";
import {ICapabilityIssuer} from "./interfaces/ICapabilityIssuer.sol";
import {ICircuitBreaker} from "./interfaces/ICircuitBreaker.sol";
import {IRateLimiter} from "./interfaces/IRateLimiter.sol";
import {IVagalBrake} from "./interfaces/IVagalBrake.sol";

/// @title CapabilityIssuer
/// @notice The only mint path of capability tokens: an intent passes, in this order, the
/// pause, the caller, the intent window, the replay check, the pre-state root, the ANS
/// guard, the vagal brake, the circuit breaker and the rate limiter (spec/safety-core.md
/// §4.2). Policy denials do not revert. Tokens are non-transferable; revocation is per token
/// or per executor by an epoch that every valid token must match (constant cost).
/// @dev UUPS implementation behind an ERC-1967 proxy; ERC-7201 storage. Storage is laid out
/// for the issue path (gas targets: docs/decisions/0014): a token is one word, an executor's hot fields one word.
contract CapabilityIssuer is VagusAccessFrame, ICapabilityIssuer {
    /// @notice AI planners: the only callers of `issue`.
    bytes32 public constant PLANNER_ROLE = keccak256("PLANNER_ROLE");
    /// @notice The reflex arc and incident responders: revoke.
    bytes32 public constant REVOKER_ROLE = keccak256("REVOKER_ROLE");
    /// @notice Reporters of capability-use outcomes.
    bytes32 public constant REPORTER_ROLE = keccak256("REPORTER_ROLE");
    /// @notice Longest maxTtl in seconds, 30 days.
    uint32 public constant MAX_TTL = 2_592_000;

    uint16 private constant STATE_ROOT_MISMATCH = 7100;
    uint16 private constant ANS_BLOCKED = 7101;
    uint16 private constant BREAKER_OPEN = 3100;
    uint16 private constant PROBE_LIMIT_REACHED = 3101;
    uint16 private constant RATE_LIMITED = 2100;
    uint8 private constant REVOKED = 1;
    uint8 private constant OUTCOME_REPORTED = 2;

    /// @dev An executor's issue-path word: lastNonce 64 | epoch 64 | requests 64 | issued 64.
    struct Hot {
        uint64 lastNonce;
        uint64 epoch;
        uint64 requests;
        uint64 issued;
    }

    /// @dev The rest of an executor: account 160 | denied 64 | paused 8 | registered 8.
    struct Cold {
        address account;
        uint64 denied;
        bool paused;
        bool registered;
    }

    /// @dev A token in one word: executorId 64 | epoch 64 | issuedAt 40 | ttl 24 |
    /// action 24 (index into `actionOf`) | shutdownEpoch 32 | flags 8 (bit 0 revoked,
    /// bit 1 outcomeReported) = 256 bits. issuedAt in 40 bits holds unix seconds until the
    /// year 36,812; ttl ≤ MAX_TTL < 2^24; 2^24 − 1 distinct actions (each needs a brake
    /// schema set by ADMIN). The owner is the executor's account, which never changes, so it
    /// is not stored per token.
    struct Token {
        uint64 executorId;
        uint64 epoch;
        uint40 issuedAt;
        uint24 ttl;
        uint24 action;
        uint32 shutdownEpoch;
        uint8 flags;
    }

    /// @custom:storage-location erc7201:vagus.storage.CapabilityIssuer
    struct IssuerStorage {
        address ans; // 160 | maxTtl 32 | maxNonceStep 32
        uint32 maxTtl;
        uint32 maxNonceStep;
        // Slot 1: inbox 160 | totalSupply 64 | balancesDerived 8 (bits 224..231, raw: see
        // `_balancesDerived`; undeclared so that a rollback's layout check sees no change).
        // Set by `initialize` (decision 0047): balanceOf is the sum of the owner's executors'
        // `issued`, so a mint writes no per-owner word. A proxy that ran an older
        // implementation keeps `balances` (flag clear) and pays that word on every mint.
        address inbox;
        uint64 totalSupply;
        address brake; // 160 | actionCount 24
        uint24 actionCount;
        address breaker;
        address rateLimiter;
        mapping(uint64 executorId => Hot) hot;
        mapping(uint64 executorId => Cold) cold;
        mapping(uint256 tokenId => Token) tokens;
        mapping(bytes32 actionId => uint24) actionIndex; // 1-based; 0 = not seen yet
        mapping(uint24 index => bytes32) actionOf;
        mapping(address owner => uint256) balances; // written only while !balancesDerived
    }

    /// @dev What the guards said about an intent that passed them.
    struct Verdict {
        uint16 code;
        uint64 retryAt;
        uint8 state;
        uint32 shutdownEpoch;
        bytes32 paramsSha256;
        bytes32 paramsKeccak256;
        bytes32 limitsSha256;
        bytes32 limitsKeccak256;
    }

    // keccak256(abi.encode(uint256(keccak256("vagus.storage.CapabilityIssuer")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 private constant ISSUER_STORAGE_LOCATION =
        0x7bcf992722b9eb9066c6436c4cfed06cdfb98105e6f2c688c8617163cbf1be00;

    /// @dev Added by the issue-path change (decision 0047) as its own namespace, so that a
    /// rollback to an older release leaves it whole (spec/frame.md).
    /// @custom:storage-location erc7201:vagus.storage.CapabilityIssuer.owners
    struct OwnersStorage {
        mapping(address owner => uint64[]) executorsOf; // registration order
    }

    // keccak256(abi.encode(uint256(keccak256("vagus.storage.CapabilityIssuer.owners")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 private constant OWNERS_STORAGE_LOCATION =
        0xe11da2b59c91b8ba125298f3c89157eb9b8bd25264ed64739053851a5927f400;

    /// @notice Sets up a proxy: `ADMIN` to `admin`, and the config.
    /// @dev Emits `RoleGranted` then `ConfigSet`. Links are set afterwards by `setLinks`.
    /// @param admin The first `ADMIN` (governance).
    /// @param config_ The config.
    function initialize(address admin, Config calldata config_) external initializer {
        __VagusAccessFrame_init(admin);
        _setConfig(config_);
        _setBalancesDerived();
    }

    // ───────────────────────────── issuance ─────────────────────────────

    /// @inheritdoc ICapabilityIssuer
    /// @dev Needs `PLANNER`; blocked while paused. Steps 1–3 revert; from step 4 the intent
    /// is processed (its nonce is used) and every policy verdict is a result, not a revert.
    function issue(Intent calldata intent) external cachedRoleNotPaused returns (IssueResult memory) {
        IssuerStorage storage $ = _s();
        uint64 executorId = intent.executorId;
        _requirePair(executorId, intent.actionId);
        Cold memory cold = $.cold[executorId];
        if (!cold.registered) revert UnknownExecutor(executorId);
        if (cold.paused) revert ExecutorIsPaused(executorId);
        uint32 maxTtl = $.maxTtl;
        if (intent.ttl == 0 || intent.ttl > maxTtl) revert InvalidTtl(intent.ttl, maxTtl);
        if (intent.notBefore > intent.notAfter) revert InvalidWindow(intent.notBefore, intent.notAfter);
        if (block.timestamp < intent.notBefore) revert IntentNotYetValid(intent.notBefore);
        if (block.timestamp > intent.notAfter) revert IntentExpired(intent.notAfter);
        Hot memory hot = $.hot[executorId];
        if (intent.nonce <= hot.lastNonce) revert NonceReplayed(executorId, intent.nonce, hot.lastNonce);
        // No underflow: nonce > lastNonce. The bound keeps any one planner from using up the
        // executor's nonces (issue 9 hole 2).
        uint32 maxNonceStep = $.maxNonceStep;
        if (intent.nonce - hot.lastNonce > maxNonceStep) {
            revert NonceTooFar(executorId, intent.nonce, hot.lastNonce, maxNonceStep);
        }

        // Step 4: the intent is processed. Written before any call-out, so a nonce is used
        // once even if a linked contract re-entered.
        hot.lastNonce = intent.nonce;
        unchecked {
            hot.requests += 1; // Safe: requests ≤ number of distinct nonces < 2^64.
        }
        _storeHot($.hot[executorId], hot);

        Verdict memory v = _evaluate($, intent);
        if (v.code != 0) {
            unchecked {
                $.cold[executorId].denied = cold.denied + 1; // Safe: ≤ requests.
            }
            emit IssueDenied(executorId, intent.actionId, intent.nonce, v.code, v.retryAt);
            return IssueResult(false, 0, v.code, v.retryAt);
        }
        uint256 tokenId = _mint($, intent, cold.account, v.shutdownEpoch);
        emit CapabilityIssued(
            tokenId,
            executorId,
            intent.actionId,
            uint64(block.timestamp) + intent.ttl,
            v.state,
            v.paramsSha256,
            v.paramsKeccak256,
            v.limitsSha256,
            v.limitsKeccak256
        );
        return IssueResult(true, tokenId, 0, 0);
    }

    // ───────────────────────────── revocation and outcomes ─────────────────────────────

    /// @inheritdoc ICapabilityIssuer
    /// @dev Needs `REVOKER`; allowed while paused.
    function revoke(uint256 tokenId, string calldata reason) external onlyRole(REVOKER_ROLE) {
        Token storage tok = _existing(tokenId);
        uint8 flags = tok.flags;
        if (flags & REVOKED != 0) revert AlreadyRevoked(tokenId);
        _requireReason(reason);
        tok.flags = flags | REVOKED;
        emit CapabilityRevoked(tokenId, tok.executorId, reason);
    }

    /// @inheritdoc ICapabilityIssuer
    /// @dev Needs `REVOKER`; allowed while paused. One word read and written whatever the
    /// number of tokens: tokens of older epochs are invalid by `isValid`'s epoch check.
    function revokeAll(uint64 executorId, string calldata reason) external onlyRole(REVOKER_ROLE) {
        _requireExecutor(executorId);
        _requireReason(reason);
        Hot storage hot = _s().hot[executorId];
        uint64 epoch = hot.epoch + 1;
        hot.epoch = epoch;
        emit AllRevoked(executorId, epoch, reason);
    }

    /// @inheritdoc ICapabilityIssuer
    /// @dev Needs `REPORTER`; allowed while paused. Emits before it calls the breaker; a
    /// stale success (spec §4.3) is not forwarded.
    function reportOutcome(uint256 tokenId, bool success) external onlyRole(REPORTER_ROLE) {
        Token storage tok = _existing(tokenId);
        uint8 flags = tok.flags;
        if (flags & OUTCOME_REPORTED != 0) revert OutcomeAlreadyReported(tokenId);
        tok.flags = flags | OUTCOME_REPORTED;
        emit OutcomeReported(tokenId, success);
        IssuerStorage storage $ = _s();
        ICircuitBreaker breaker = ICircuitBreaker($.breaker);
        (uint64 executorId, bytes32 actionId, uint64 issuedAt) = (tok.executorId, $.actionOf[tok.action], tok.issuedAt);
        if (success) {
            // Only tokens issued after the breaker last opened may help close it (issue 9
            // hole 5): nothing is issued while OPEN, so issuedAt > openedAt is exact.
            ICircuitBreaker.BreakerStatus memory st = breaker.status(executorId, actionId);
            if (st.state == ICircuitBreaker.BreakerState.HALF_OPEN && issuedAt <= st.openedAt) {
                emit StaleOutcome(tokenId, issuedAt, st.openedAt);
                return;
            }
        }
        breaker.recordOutcome(executorId, actionId, success);
    }

    // ───────────────────────────── executors ─────────────────────────────

    /// @inheritdoc ICapabilityIssuer
    /// @dev Needs `ADMIN`; blocked while paused.
    function registerExecutor(uint64 executorId, address account) external onlyRole(DEFAULT_ADMIN_ROLE) whenNotPaused {
        _requireExecutor(executorId);
        _requireAddress(account);
        Cold storage cold = _s().cold[executorId];
        if (cold.registered) revert ExecutorAlreadyRegistered(executorId);
        cold.account = account;
        cold.registered = true;
        _owners().executorsOf[account].push(executorId);
        emit ExecutorRegistered(executorId, account);
    }

    /// @inheritdoc ICapabilityIssuer
    /// @dev Needs `GUARDIAN`; allowed while paused; no registration needed.
    function pauseExecutor(uint64 executorId) external onlyRole(GUARDIAN_ROLE) {
        _requireExecutor(executorId);
        Cold storage cold = _s().cold[executorId];
        if (cold.paused) revert ExecutorIsPaused(executorId);
        cold.paused = true;
        emit ExecutorPaused(executorId, _msgSender());
    }

    /// @inheritdoc ICapabilityIssuer
    /// @dev Needs `ADMIN`; allowed while paused (the contract's own pause still blocks issue).
    function unpauseExecutor(uint64 executorId) external onlyRole(DEFAULT_ADMIN_ROLE) {
        _requireExecutor(executorId);
        Cold storage cold = _s().cold[executorId];
        if (!cold.paused) revert ExecutorNotPaused(executorId);
        cold.paused = false;
        emit ExecutorUnpaused(executorId, _msgSender());
    }

    // ───────────────────────────── configuration ─────────────────────────────

    /// @inheritdoc ICapabilityIssuer
    /// @dev Needs `ADMIN`; blocked while paused.
    function setConfig(Config calldata config_) external onlyRole(DEFAULT_ADMIN_ROLE) whenNotPaused {
        _setConfig(config_);
    }

    /// @inheritdoc ICapabilityIssuer
    /// @dev Needs `ADMIN`; blocked while paused; every link required (`InvalidAddress`).
    function setLinks(Links calldata links_) external onlyRole(DEFAULT_ADMIN_ROLE) whenNotPaused {
        _requireAddress(links_.ans);
        _requireAddress(links_.inbox);
        _requireAddress(links_.brake);
        _requireAddress(links_.breaker);
        _requireAddress(links_.rateLimiter);
        IssuerStorage storage $ = _s();
        $.ans = links_.ans;
        $.inbox = links_.inbox;
        $.brake = links_.brake;
        $.breaker = links_.breaker;
        $.rateLimiter = links_.rateLimiter;
        emit LinksSet(links_.ans, links_.inbox, links_.brake, links_.breaker, links_.rateLimiter);
    }

    // ───────────────────────────── views ─────────────────────────────

    /// @inheritdoc ICapabilityIssuer
    function isValid(uint256 tokenId) external view returns (bool) {
        IssuerStorage storage $ = _s();
        if (tokenId == 0 || tokenId > $.totalSupply) return false;
        Token memory tok = $.tokens[tokenId];
        if (tok.flags & REVOKED != 0) return false;
        if (tok.epoch != $.hot[tok.executorId].epoch) return false;
        if (block.timestamp >= uint256(tok.issuedAt) + tok.ttl) return false;
        // A SHUTDOWN since the issue ends the token for good, even after an override back
        // to SAFE and whatever the reflex arc did (spec §4.3).
        IANSStateManager.GuardView memory g = IANSStateManager($.ans).guardOf(tok.executorId);
        return g.state != IANSStateManager.AnsState.SHUTDOWN && g.shutdownEpoch == tok.shutdownEpoch;
    }

    /// @inheritdoc ICapabilityIssuer
    function token(uint256 tokenId) external view returns (TokenInfo memory info) {
        IssuerStorage storage $ = _s();
        if (tokenId == 0 || tokenId > $.totalSupply) return info;
        Token memory tok = $.tokens[tokenId];
        return
            TokenInfo(
                true,
                $.cold[tok.executorId].account,
                tok.executorId,
                $.actionOf[tok.action],
                tok.epoch,
                tok.issuedAt,
                uint64(tok.issuedAt) + tok.ttl,
                tok.flags & REVOKED != 0,
                tok.flags & OUTCOME_REPORTED != 0,
                tok.shutdownEpoch
            );
    }

    /// @inheritdoc ICapabilityIssuer
    /// @dev Reverts `UnknownToken` for an id that was never minted.
    function ownerOf(uint256 tokenId) external view returns (address) {
        return _s().cold[_existing(tokenId).executorId].account;
    }

    /// @inheritdoc ICapabilityIssuer
    /// @dev Tokens are never burned or moved, so an owner's balance is what its executors
    /// issued: one read per executor of the owner (ADMIN registers them), none on the mint path.
    function balanceOf(address owner) external view returns (uint256 balance) {
        IssuerStorage storage $ = _s();
        if (!_balancesDerived($)) return $.balances[owner];
        uint64[] storage ids = _owners().executorsOf[owner];
        uint256 n = ids.length;
        for (uint256 i; i < n; ++i) balance += $.hot[ids[i]].issued;
    }

    /// @inheritdoc ICapabilityIssuer
    function totalSupply() external view returns (uint256) {
        return _s().totalSupply;
    }

    /// @inheritdoc ICapabilityIssuer
    function name() external pure returns (string memory) {
        return "Vagus Capability";
    }

    /// @inheritdoc ICapabilityIssuer
    function symbol() external pure returns (string memory) {
        return "VCAP";
    }

    /// @inheritdoc ICapabilityIssuer
    function executor(uint64 executorId) external view returns (ExecutorInfo memory) {
        IssuerStorage storage $ = _s();
        Cold memory cold = $.cold[executorId];
        Hot memory hot = $.hot[executorId];
        return ExecutorInfo(cold.registered, cold.account, hot.epoch, hot.lastNonce, cold.paused);
    }

    /// @inheritdoc ICapabilityIssuer
    function counters(uint64 executorId) external view returns (Counters memory) {
        IssuerStorage storage $ = _s();
        Hot memory hot = $.hot[executorId];
        return Counters(hot.requests, hot.issued, $.cold[executorId].denied);
    }

    /// @inheritdoc ICapabilityIssuer
    function config() external view returns (Config memory) {
        IssuerStorage storage $ = _s();
        return Config($.maxTtl, $.maxNonceStep);
    }

    /// @inheritdoc ICapabilityIssuer
    function links() external view returns (Links memory) {
        IssuerStorage storage $ = _s();
        return Links($.ans, $.inbox, $.brake, $.breaker, $.rateLimiter);
    }

    // ───────────────────────────── internals ─────────────────────────────

    /// @dev Steps 5–9 of spec §4.2; the first denial ends the evaluation. Reverts of a
    /// linked contract (its argument checks, its pause) revert the issue.
    function _evaluate(IssuerStorage storage $, Intent calldata intent) private returns (Verdict memory v) {
        uint64 executorId = intent.executorId;
        address ans = $.ans;

        bytes32 root = IAfferentInbox($.inbox).latestRoot(executorId);
        if (root == bytes32(0) || root != intent.preStateRoot) {
            v.code = STATE_ROOT_MISMATCH;
            return v;
        }
        IANSStateManager.GuardView memory guard = IANSStateManager(ans).guardOf(executorId);
        if (!guard.allowed) {
            v.code = ANS_BLOCKED;
            return v;
        }
        v.state = uint8(guard.state);
        v.shutdownEpoch = guard.shutdownEpoch;
        v.code = _applyBrake($.brake, intent, guard.factorBp, v);
        if (v.code != 0) return v;
        (bool ok, uint64 retryAt) = ICircuitBreaker($.breaker).request(executorId, intent.actionId);
        if (!ok) {
            v.code = retryAt == 0 ? PROBE_LIMIT_REACHED : BREAKER_OPEN;
            v.retryAt = retryAt;
            return v;
        }
        (ok, retryAt) = IRateLimiter($.rateLimiter).consume(executorId, intent.actionId);
        if (!ok) {
            // All-or-nothing admissions: the breaker's admission of this intent is given back
            // (a HALF_OPEN probe; a no-op when CLOSED), so no probe is lost (issue 9 hole 3).
            // Whether a probe was given back does not change the denial, so the result is unused.
            // slither-disable-next-line unused-return
            ICircuitBreaker($.breaker).release(executorId, intent.actionId);
            v.code = RATE_LIMITED;
            v.retryAt = retryAt;
            return v;
        }
    }

    /// @dev `applyBrake` with only what the issue uses read from its result: the code and the
    /// four commitments, at their fixed places in the ABI encoding of `BrakeResult` (head
    /// offset 0x20, then code, the `scaled` offset, the four hashes), so the `scaled` array is
    /// neither decoded nor copied (decision 0047). A revert of the brake is bubbled unchanged,
    /// as a typed call would; a malformed result reverts without data, as the ABI decoder does.
    function _applyBrake(
        address brake,
        Intent calldata intent,
        uint16 factorBp,
        Verdict memory v
    ) private view returns (uint16 code) {
        (bool ok, bytes memory ret) = brake.staticcall(
            abi.encodeCall(IVagalBrake.applyBrake, (intent.actionId, intent.params, factorBp))
        );
        if (!ok) {
            assembly ("memory-safe") {
                revert(add(ret, 32), mload(ret))
            }
        }
        if (ret.length < 0xe0) _revertMalformed();
        uint256 head;
        uint256 rawCode;
        assembly ("memory-safe") {
            let p := add(ret, 32)
            head := mload(p)
            rawCode := mload(add(p, 0x20))
        }
        if (head != 0x20 || rawCode > type(uint16).max) _revertMalformed();
        // The four hashes, in order, into the Verdict's last four fields (paramsSha256 onwards).
        assembly ("memory-safe") {
            mcopy(add(v, 0x80), add(ret, 0x80), 0x80)
        }
        return uint16(rawCode);
    }

    function _revertMalformed() private pure {
        assembly ("memory-safe") {
            revert(0, 0)
        }
    }

    /// @dev Step 10: one new word for the token; the executor's hot word and the owner's
    /// balance are updated in place.
    function _mint(
        IssuerStorage storage $,
        Intent calldata intent,
        address account,
        uint32 shutdownEpoch
    ) private returns (uint256 tokenId) {
        // Read again (a warm SLOAD) rather than reuse the copy from before the call-outs: the
        // token must carry the epoch as it is now, and a stale copy must never be written back.
        Hot memory hot = $.hot[intent.executorId];
        uint24 action = $.actionIndex[intent.actionId];
        if (action == 0) {
            action = $.actionCount + 1;
            $.actionCount = action;
            $.actionIndex[intent.actionId] = action;
            $.actionOf[action] = intent.actionId;
        }
        // Safe: ids, issued counts and balances are bounded by the number of mints < 2^64.
        unchecked {
            uint64 id = $.totalSupply + 1;
            $.totalSupply = id;
            tokenId = id;
            hot.issued += 1;
            if (!_balancesDerived($)) $.balances[account] += 1;
        }
        _storeHot($.hot[intent.executorId], hot);
        // One SSTORE in `Token`'s layout (flags start clear). ttl ≤ maxTtl ≤ MAX_TTL < 2^24.
        uint256 word =
            uint256(intent.executorId) |
                (uint256(hot.epoch) << 64) |
                (uint256(uint40(block.timestamp)) << 128) |
                (uint256(intent.ttl) << 168) |
                (uint256(action) << 192) |
                (uint256(shutdownEpoch) << 216);
        Token storage tok = $.tokens[tokenId];
        assembly ("memory-safe") {
            sstore(tok.slot, word)
        }
    }

    /// @dev The executor's hot word in one SSTORE, in `Hot`'s layout (Solidity would write a
    /// memory struct back field by field).
    function _storeHot(Hot storage slot_, Hot memory hot) private {
        uint256 word =
            uint256(hot.lastNonce) |
                (uint256(hot.epoch) << 64) |
                (uint256(hot.requests) << 128) |
                (uint256(hot.issued) << 192);
        assembly ("memory-safe") {
            sstore(slot_.slot, word)
        }
    }

    function _existing(uint256 tokenId) private view returns (Token storage) {
        IssuerStorage storage $ = _s();
        if (tokenId == 0 || tokenId > $.totalSupply) revert UnknownToken(tokenId);
        return $.tokens[tokenId];
    }

    function _setConfig(Config calldata c) private {
        if (c.maxTtl == 0 || c.maxTtl > MAX_TTL) revert InvalidMaxTtl(c.maxTtl);
        if (c.maxNonceStep == 0) revert InvalidMaxNonceStep(c.maxNonceStep);
        IssuerStorage storage $ = _s();
        $.maxTtl = c.maxTtl;
        $.maxNonceStep = c.maxNonceStep;
        emit ConfigSet(c.maxTtl, c.maxNonceStep);
    }

    /// @dev `PLANNER` holders pass with one read of the pause word when cached (decision 0046).
    function _cachedRole() internal pure override returns (bytes32) {
        return PLANNER_ROLE;
    }

    /// @dev This contract's release version (spec `version`, generated into VagusVersions).
    function _version() internal pure virtual override returns (string memory) {
        return VagusVersions.CAPABILITY_ISSUER;
    }

    /// @dev spec/capability-issuer.json roles: ADMIN, GUARDIAN, PLANNER, REVOKER, REPORTER.
    function _isKnownRole(bytes32 role) internal pure override returns (bool) {
        return
            role == DEFAULT_ADMIN_ROLE ||
            role == GUARDIAN_ROLE ||
            role == PLANNER_ROLE ||
            role == REVOKER_ROLE ||
            role == REPORTER_ROLE;
    }

    /// @dev Byte 28 of slot 1 (`inbox | totalSupply`), which the mint reads anyway. Older
    /// implementations write that slot only through packed field writes, which keep it.
    function _balancesDerived(IssuerStorage storage $) private view returns (bool derived) {
        assembly ("memory-safe") {
            derived := and(shr(224, sload(add($.slot, 1))), 0xff)
        }
    }

    function _setBalancesDerived() private {
        IssuerStorage storage $ = _s();
        assembly ("memory-safe") {
            let slot := add($.slot, 1)
            sstore(slot, or(sload(slot), shl(224, 1)))
        }
    }

    function _owners() private pure returns (OwnersStorage storage $) {
        assembly {
            $.slot := OWNERS_STORAGE_LOCATION
        }
    }

    function _s() private pure returns (IssuerStorage storage $) {
        assembly {
            $.slot := ISSUER_STORAGE_LOCATION
        }
    }
}
