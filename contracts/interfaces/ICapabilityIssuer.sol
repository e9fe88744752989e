// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

/// @title ICapabilityIssuer
/// @notice Issues short-lived, non-transferable capability tokens through the safety
/// pipeline (pre-state root, ANS guard, brake, breaker, rate limit), revokes them one by
/// one or all of an executor's at once (an epoch), and reports outcomes to the breaker
/// (spec/safety-core.md §4, spec/capability-issuer.json).
interface ICapabilityIssuer {
    /// @notice Issuer configuration.
    struct Config {
        uint32 maxTtl; // longest token life in seconds, 1 ..= 30 days
        uint32 maxNonceStep; // largest nonce - lastNonce of one intent, >= 1
    }

    /// @notice The contracts the pipeline consults.
    struct Links {
        address ans;
        address inbox;
        address brake;
        address breaker;
        address rateLimiter;
    }

    /// @notice A planner's request for one capability.
    struct Intent {
        uint64 executorId;
        bytes32 actionId;
        uint64 nonce; // strictly increasing per executor
        uint64 notBefore; // the intent is valid in [notBefore, notAfter], both inclusive
        uint64 notAfter;
        uint32 ttl; // token life in seconds, 1 ..= maxTtl
        bytes32 preStateRoot; // must equal the inbox's latest root of the executor
        uint64[] params; // one value per parameter of the action's brake schema
    }

    /// @notice What `issue` did.
    struct IssueResult {
        bool issued; // whether a token was minted
        uint256 tokenId; // the token, or 0
        uint16 code; // 0, or the denial code
        uint64 retryAt; // when a denied retry can pass (breaker / limiter), else 0
    }

    /// @notice An executor's counters.
    struct Counters {
        uint64 requests; // intents processed (past the replay check)
        uint64 issued; // tokens minted
        uint64 denied; // intents denied by a policy
    }

    /// @notice A token as stored (zeros and the zero owner if unknown).
    struct TokenInfo {
        bool exists;
        address owner;
        uint64 executorId;
        bytes32 actionId;
        uint64 epoch;
        uint64 issuedAt;
        uint64 expiresAt;
        bool revoked;
        bool outcomeReported;
        uint32 shutdownEpoch; // the executor's ANS shutdownEpoch at issue
    }

    /// @notice An executor's registration and replay state.
    struct ExecutorInfo {
        bool registered;
        address account;
        uint64 epoch;
        uint64 lastNonce;
        bool paused;
    }

    /// @notice The executor is not registered (7001).
    error UnknownExecutor(uint64 executorId);
    /// @notice The executor is registered already (7002).
    error ExecutorAlreadyRegistered(uint64 executorId);
    /// @notice The executor is paused (7003).
    error ExecutorIsPaused(uint64 executorId);
    /// @notice unpauseExecutor on an executor that is not paused (7004).
    error ExecutorNotPaused(uint64 executorId);
    /// @notice ttl is 0 or above maxTtl (7005).
    error InvalidTtl(uint32 ttl, uint32 maxTtl);
    /// @notice notBefore is after notAfter (7006).
    error InvalidWindow(uint64 notBefore, uint64 notAfter);
    /// @notice The block time is before notBefore (7007).
    error IntentNotYetValid(uint64 notBefore);
    /// @notice The block time is after notAfter (7008).
    error IntentExpired(uint64 notAfter);
    /// @notice nonce is not above the executor's last processed nonce (7009).
    error NonceReplayed(uint64 executorId, uint64 nonce, uint64 lastNonce);
    /// @notice nonce jumps more than maxNonceStep past lastNonce (7016); no nonce is used.
    error NonceTooFar(uint64 executorId, uint64 nonce, uint64 lastNonce, uint32 maxNonceStep);
    /// @notice No token has this id (7010).
    error UnknownToken(uint256 tokenId);
    /// @notice The token is revoked already (7011).
    error AlreadyRevoked(uint256 tokenId);
    /// @notice The token's outcome was reported already (7014).
    error OutcomeAlreadyReported(uint256 tokenId);
    /// @notice maxTtl is 0 or above 30 days (7015).
    error InvalidMaxTtl(uint32 value);
    /// @notice maxNonceStep is 0 (7017).
    error InvalidMaxNonceStep(uint32 value);

    /// @notice The config changed (also emitted by `initialize`).
    /// @param maxTtl Longest token life.
    /// @param maxNonceStep Largest nonce jump of one intent.
    event ConfigSet(uint32 maxTtl, uint32 maxNonceStep);
    /// @notice The links changed.
    /// @param ans The ANS state manager.
    /// @param inbox The afferent inbox.
    /// @param brake The vagal brake.
    /// @param breaker The circuit breaker.
    /// @param rateLimiter The rate limiter.
    event LinksSet(address ans, address inbox, address brake, address breaker, address rateLimiter);
    /// @notice An executor was registered.
    /// @param executorId The executor.
    /// @param account The owner of its tokens.
    event ExecutorRegistered(uint64 indexed executorId, address account);
    /// @notice An executor was paused.
    /// @param executorId The executor.
    /// @param account Who paused it.
    event ExecutorPaused(uint64 indexed executorId, address account);
    /// @notice An executor was unpaused.
    /// @param executorId The executor.
    /// @param account Who unpaused it.
    event ExecutorUnpaused(uint64 indexed executorId, address account);
    /// @notice A token was minted.
    /// @param tokenId The token.
    /// @param executorId Its executor.
    /// @param actionId Its action.
    /// @param expiresAt First second at which it is invalid.
    /// @param state The executor's ANS state at issuance.
    /// @param paramsSha256 sha256 of the intent's parameters (canonical CBOR map).
    /// @param paramsKeccak256 keccak-256 of the same bytes.
    /// @param limitsSha256 sha256 of the scaled limits (canonical CBOR map).
    /// @param limitsKeccak256 keccak-256 of the same bytes.
    event CapabilityIssued(
        uint256 indexed tokenId,
        uint64 indexed executorId,
        bytes32 indexed actionId,
        uint64 expiresAt,
        uint8 state,
        bytes32 paramsSha256,
        bytes32 paramsKeccak256,
        bytes32 limitsSha256,
        bytes32 limitsKeccak256
    );
    /// @notice An intent was processed and denied by a policy (no revert).
    /// @param executorId The executor.
    /// @param actionId The action.
    /// @param nonce The intent's nonce (used up).
    /// @param code The denial code.
    /// @param retryAt When a retry can pass (breaker / limiter), else 0.
    event IssueDenied(uint64 indexed executorId, bytes32 indexed actionId, uint64 nonce, uint16 code, uint64 retryAt);
    /// @notice A token was revoked.
    /// @param tokenId The token.
    /// @param executorId Its executor.
    /// @param reason Why.
    event CapabilityRevoked(uint256 indexed tokenId, uint64 indexed executorId, string reason);
    /// @notice Every token of an executor was revoked (its epoch moved).
    /// @param executorId The executor.
    /// @param epoch The new epoch.
    /// @param reason Why.
    event AllRevoked(uint64 indexed executorId, uint64 epoch, string reason);
    /// @notice A token's outcome was reported (and forwarded to the breaker unless stale).
    /// @param tokenId The token.
    /// @param success Whether the use succeeded.
    event OutcomeReported(uint256 indexed tokenId, bool success);
    /// @notice A success of a token issued before the breaker's current HALF_OPEN period:
    /// recorded, not forwarded (it must not help close the breaker).
    /// @param tokenId The token.
    /// @param issuedAt When the token was issued.
    /// @param openedAt When the pair's breaker last opened (issuedAt <= openedAt).
    event StaleOutcome(uint256 indexed tokenId, uint64 issuedAt, uint64 openedAt);

    /// @notice Runs the issuance pipeline for one intent.
    /// @param intent The intent.
    /// @return result Whether a token was minted, its id, the denial code and retryAt.
    function issue(Intent calldata intent) external returns (IssueResult memory result);

    /// @notice Revokes one token.
    /// @param tokenId The token.
    /// @param reason Why, 1 ..= 256 bytes.
    function revoke(uint256 tokenId, string calldata reason) external;

    /// @notice Revokes every token of an executor at constant cost (epoch += 1).
    /// @param executorId The executor (non-zero; need not be registered).
    /// @param reason Why, 1 ..= 256 bytes.
    function revokeAll(uint64 executorId, string calldata reason) external;

    /// @notice Reports the outcome of a token's use; forwarded to the circuit breaker.
    /// @param tokenId The token.
    /// @param success Whether the use succeeded.
    function reportOutcome(uint256 tokenId, bool success) external;

    /// @notice Registers an executor and the account owning its tokens (once).
    /// @param executorId The executor (non-zero).
    /// @param account The owner of its tokens (non-zero).
    function registerExecutor(uint64 executorId, address account) external;

    /// @notice Stops issuance for one executor.
    /// @param executorId The executor (non-zero).
    function pauseExecutor(uint64 executorId) external;

    /// @notice Resumes issuance for one executor.
    /// @param executorId The executor (non-zero).
    function unpauseExecutor(uint64 executorId) external;

    /// @notice Replaces the config.
    /// @param config The new config.
    function setConfig(Config calldata config) external;

    /// @notice Sets every link (all required).
    /// @param links The links.
    function setLinks(Links calldata links) external;

    /// @notice Whether a token may be used now.
    /// @param tokenId The token.
    /// @return True iff it exists, is not revoked, matches its executor's epoch, has not
    /// expired and its executor is not in SHUTDOWN.
    function isValid(uint256 tokenId) external view returns (bool);

    /// @notice A token as stored.
    /// @param tokenId The token.
    /// @return The token (zeros if unknown).
    function token(uint256 tokenId) external view returns (TokenInfo memory);

    /// @notice ERC-721 view: the owner of a token.
    /// @param tokenId The token.
    /// @return The executor's account.
    function ownerOf(uint256 tokenId) external view returns (address);

    /// @notice ERC-721 view: tokens ever issued to `owner` (none is burned or transferred).
    /// @param owner The account.
    /// @return The count.
    function balanceOf(address owner) external view returns (uint256);

    /// @notice Tokens ever minted; ids run 1 ..= totalSupply.
    /// @return The count.
    function totalSupply() external view returns (uint256);

    /// @notice ERC-721 metadata view.
    /// @return "Vagus Capability".
    function name() external view returns (string memory);

    /// @notice ERC-721 metadata view.
    /// @return "VCAP".
    function symbol() external view returns (string memory);

    /// @notice An executor's registration and replay state.
    /// @param executorId The executor.
    /// @return The record.
    function executor(uint64 executorId) external view returns (ExecutorInfo memory);

    /// @notice An executor's counters.
    /// @param executorId The executor.
    /// @return The counters.
    function counters(uint64 executorId) external view returns (Counters memory);

    /// @notice The config.
    /// @return The config.
    function config() external view returns (Config memory);

    /// @notice The links.
    /// @return The links.
    function links() external view returns (Links memory);
}
