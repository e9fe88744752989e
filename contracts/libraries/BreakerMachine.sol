// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {ICircuitBreaker} from "../interfaces/ICircuitBreaker.sol";

/// @title BreakerMachine
/// @notice The per-pair state of a circuit breaker and its two rules that do not depend on
/// the call: how a transition rewrites the pair, and the lazy cooldown
/// (spec/circuit-breaker.md, docs/decisions/0006). The state table itself lives in
/// `CircuitBreaker`, one function per column.
library BreakerMachine {
    /// @notice A pair's breaker as stored. A pair never seen reads as CLOSED with zeros.
    struct Pair {
        // slot 0: read and written by every request
        ICircuitBreaker.BreakerState state; // ─╮
        uint32 consecutiveFailures; //          │ CLOSED only; 0 in other states
        uint32 probesAdmitted; //               │ HALF_OPEN only; 0 in other states
        uint32 halfOpenSuccesses; //            │ HALF_OPEN only; 0 in other states
        uint64 openedAt; //                     │ time of the last entry into OPEN; kept after
        uint64 requests; //                    ─╯ request calls, never reset   (232 / 256 bits)
        // slot 1: written by outcomes, denials and trips
        uint64 rejections; // ─╮
        uint64 successes; //   │ reported outcomes, in every state
        uint64 failures; //    │
        uint64 trips; //      ─╯ entries into OPEN                               (256 / 256 bits)
    }

    /// @notice Whether the pair is stored OPEN but its cooldown has elapsed
    /// (`t ≥ openedAt + cooldown`, inclusive): it is then effectively HALF_OPEN.
    /// @param pair The stored pair.
    /// @param cooldown C, seconds.
    /// @param t The current time.
    /// @return Whether the lazy OPEN → HALF_OPEN transition is due.
    function cooldownElapsed(Pair storage pair, uint32 cooldown, uint256 t) internal view returns (bool) {
        return pair.state == ICircuitBreaker.BreakerState.OPEN && t >= uint256(pair.openedAt) + cooldown;
    }

    /// @notice Rewrites the pair for a transition into `to` at time `t`: every transient
    /// field restarts at zero; entering OPEN records `openedAt = t` and counts a trip.
    /// @param pair The stored pair.
    /// @param to The state entered.
    /// @param t The current time.
    function enter(Pair storage pair, ICircuitBreaker.BreakerState to, uint64 t) internal {
        pair.state = to;
        pair.consecutiveFailures = 0;
        pair.probesAdmitted = 0;
        pair.halfOpenSuccesses = 0;
        if (to == ICircuitBreaker.BreakerState.OPEN) {
            pair.openedAt = t;
            pair.trips += 1;
        }
    }

    /// @notice The pair's effective status at time `t` under `config` (read-only).
    /// @param pair The stored pair.
    /// @param config The breaker config.
    /// @param t The current time.
    /// @return s The effective state, its transient fields, `openedAt` and `nextRequestAt`.
    function status(
        Pair storage pair,
        ICircuitBreaker.Config memory config,
        uint64 t
    ) internal view returns (ICircuitBreaker.BreakerStatus memory s) {
        s.openedAt = pair.openedAt;
        if (cooldownElapsed(pair, config.cooldown, t)) {
            // Effectively HALF_OPEN, entered just now: transient fields all zero.
            s.state = ICircuitBreaker.BreakerState.HALF_OPEN;
            s.nextRequestAt = t;
            return s;
        }
        s.state = pair.state;
        s.consecutiveFailures = pair.consecutiveFailures;
        s.probesAdmitted = pair.probesAdmitted;
        s.halfOpenSuccesses = pair.halfOpenSuccesses;
        if (s.state == ICircuitBreaker.BreakerState.CLOSED) {
            s.nextRequestAt = t;
        } else if (s.state == ICircuitBreaker.BreakerState.OPEN) {
            s.nextRequestAt = s.openedAt + config.cooldown;
        } else if (s.probesAdmitted < config.halfOpenMaxProbes) {
            s.nextRequestAt = t;
        } // else 0: the next admission depends on outcomes, not on time
    }
}
