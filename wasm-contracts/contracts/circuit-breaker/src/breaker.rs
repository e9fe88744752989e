//! The per-pair breaker as an explicit state machine (spec/circuit-breaker.md).
//!
//! `Phase` carries only the fields of its own state, so a field of another state cannot be
//! read by mistake; `opened_at` outlives OPEN (the status query reports it in every state).
//! `transition` is the state table; `PairBreaker::apply` wraps it with the lazy cooldown,
//! the entry rules of each state and the counters.

use cosmwasm_schema::cw_serde;

use crate::error::{ContractError, BREAKER_OPEN, PROBE_LIMIT_REACHED};
use crate::msg::Config;

/// `BreakerState` of the spec (JSON and event value: the number).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum BreakerState {
    Closed = 0,
    Open = 1,
    HalfOpen = 2,
}

/// `TransitionReason` of the spec.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum Reason {
    FailureThreshold = 1,
    CooldownElapsed = 2,
    ProbeFailed = 3,
    ProbesSucceeded = 4,
    GuardianTrip = 5,
    GuardianReset = 6,
    GuardianHalfOpen = 7,
}

/// The state and its transient fields.
#[cw_serde]
#[derive(Copy, Eq)]
pub enum Phase {
    Closed {
        consecutive_failures: u32,
    },
    Open {},
    HalfOpen {
        probes_admitted: u32,
        half_open_successes: u32,
    },
}

impl Phase {
    pub fn state(&self) -> BreakerState {
        match self {
            Phase::Closed { .. } => BreakerState::Closed,
            Phase::Open {} => BreakerState::Open,
            Phase::HalfOpen { .. } => BreakerState::HalfOpen,
        }
    }

    /// The phase a transition enters: every transient field zero.
    fn entered(state: BreakerState) -> Phase {
        match state {
            BreakerState::Closed => Phase::Closed {
                consecutive_failures: 0,
            },
            BreakerState::Open => Phase::Open {},
            BreakerState::HalfOpen => Phase::HalfOpen {
                probes_admitted: 0,
                half_open_successes: 0,
            },
        }
    }
}

/// What a call asks of the breaker (after the frame checks).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Input {
    Request,
    Outcome { success: bool },
    Trip,
    Reset,
    ForceHalfOpen,
}

/// The answer to a `Request`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Admission {
    Allowed,
    Denied { code: u16, retry_at: u64 },
}

/// One row/column cell of the state table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Effect {
    /// Stay in the state with these fields.
    Stay(Phase),
    /// Move to another state for this reason.
    Move(BreakerState, Reason),
}

/// The state table: the effect of `input` on `phase` (already past a due cooldown).
/// `retry_at_if_open` is `opened_at + cooldown`, the retry time of an OPEN denial.
pub fn transition(
    phase: Phase,
    input: Input,
    config: &Config,
    retry_at_if_open: u64,
) -> Result<(Effect, Option<Admission>), ContractError> {
    use BreakerState::{Closed, HalfOpen, Open};
    use Effect::{Move, Stay};
    let cell = match (phase, input) {
        // CLOSED
        (Phase::Closed { .. }, Input::Request) => (Stay(phase), Some(Admission::Allowed)),
        (Phase::Closed { .. }, Input::Outcome { success: true }) => (
            Stay(Phase::Closed {
                consecutive_failures: 0,
            }),
            None,
        ),
        (
            Phase::Closed {
                consecutive_failures,
            },
            Input::Outcome { success: false },
        ) => {
            let failures = consecutive_failures.saturating_add(1);
            if failures >= config.failure_threshold {
                (Move(Open, Reason::FailureThreshold), None)
            } else {
                (
                    Stay(Phase::Closed {
                        consecutive_failures: failures,
                    }),
                    None,
                )
            }
        }
        (Phase::Closed { .. }, Input::Trip) => (Move(Open, Reason::GuardianTrip), None),
        (Phase::Closed { .. }, Input::Reset) => return Err(already(Closed)),
        (Phase::Closed { .. }, Input::ForceHalfOpen) => {
            return Err(ContractError::InvalidTransition {
                from: Closed as u8,
                to: HalfOpen as u8,
            })
        }

        // OPEN (cooldown not yet elapsed)
        (Phase::Open {}, Input::Request) => (
            Stay(phase),
            Some(Admission::Denied {
                code: BREAKER_OPEN,
                retry_at: retry_at_if_open,
            }),
        ),
        (Phase::Open {}, Input::Outcome { .. }) => (Stay(phase), None),
        (Phase::Open {}, Input::Trip) => return Err(already(Open)),
        (Phase::Open {}, Input::Reset) => (Move(Closed, Reason::GuardianReset), None),
        (Phase::Open {}, Input::ForceHalfOpen) => (Move(HalfOpen, Reason::GuardianHalfOpen), None),

        // HALF_OPEN
        (
            Phase::HalfOpen {
                probes_admitted,
                half_open_successes,
            },
            Input::Request,
        ) => {
            if probes_admitted < config.half_open_max_probes {
                (
                    Stay(Phase::HalfOpen {
                        probes_admitted: probes_admitted.saturating_add(1),
                        half_open_successes,
                    }),
                    Some(Admission::Allowed),
                )
            } else {
                (
                    Stay(phase),
                    Some(Admission::Denied {
                        code: PROBE_LIMIT_REACHED,
                        retry_at: 0,
                    }),
                )
            }
        }
        (
            Phase::HalfOpen {
                probes_admitted,
                half_open_successes,
            },
            Input::Outcome { success: true },
        ) => {
            let successes = half_open_successes.saturating_add(1);
            if successes >= config.success_threshold {
                (Move(Closed, Reason::ProbesSucceeded), None)
            } else {
                (
                    Stay(Phase::HalfOpen {
                        probes_admitted,
                        half_open_successes: successes,
                    }),
                    None,
                )
            }
        }
        (Phase::HalfOpen { .. }, Input::Outcome { success: false }) => {
            (Move(Open, Reason::ProbeFailed), None)
        }
        (Phase::HalfOpen { .. }, Input::Trip) => (Move(Open, Reason::GuardianTrip), None),
        (Phase::HalfOpen { .. }, Input::Reset) => (Move(Closed, Reason::GuardianReset), None),
        (Phase::HalfOpen { .. }, Input::ForceHalfOpen) => return Err(already(HalfOpen)),
    };
    Ok(cell)
}

fn already(state: BreakerState) -> ContractError {
    ContractError::AlreadyInState { state: state as u8 }
}

/// A state change, as the `BreakerTransition` event reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Transition {
    pub from: BreakerState,
    pub to: BreakerState,
    pub reason: Reason,
}

/// Lifetime counters of a pair (never reset).
#[cw_serde]
#[derive(Default, Copy, Eq)]
pub struct Counters {
    pub requests: u64,
    pub rejections: u64,
    pub successes: u64,
    pub failures: u64,
    pub trips: u64,
}

/// Everything stored for one pair.
#[cw_serde]
#[derive(Copy, Eq)]
pub struct PairBreaker {
    pub phase: Phase,
    /// When it last entered OPEN; 0 if never. Kept in every later state.
    pub opened_at: u64,
    pub counters: Counters,
}

impl Default for PairBreaker {
    /// A pair never seen: CLOSED with zeros.
    fn default() -> Self {
        PairBreaker {
            phase: Phase::entered(BreakerState::Closed),
            opened_at: 0,
            counters: Counters::default(),
        }
    }
}

/// What one call did: its transitions in order (the lazy cooldown first) and, for a
/// request, the admission.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Outcome {
    pub transitions: Vec<Transition>,
    pub admission: Option<Admission>,
}

impl PairBreaker {
    /// `opened_at + cooldown`: when an OPEN breaker becomes (effectively) HALF_OPEN.
    pub fn cooldown_end(&self, config: &Config) -> u64 {
        self.opened_at.saturating_add(u64::from(config.cooldown))
    }

    /// The lazy cooldown: OPEN with `now ≥ opened_at + cooldown` (inclusive) becomes
    /// HALF_OPEN. Queries call it on a copy; state-changing calls keep the result.
    pub fn materialize(&mut self, config: &Config, now: u64) -> Option<Transition> {
        match self.phase {
            Phase::Open {} if now >= self.cooldown_end(config) => {
                Some(self.enter(BreakerState::HalfOpen, Reason::CooldownElapsed, now))
            }
            _ => None,
        }
    }

    fn enter(&mut self, to: BreakerState, reason: Reason, now: u64) -> Transition {
        let from = self.phase.state();
        self.phase = Phase::entered(to);
        if to == BreakerState::Open {
            self.opened_at = now;
            self.counters.trips = self.counters.trips.saturating_add(1);
        }
        Transition { from, to, reason }
    }

    /// `release`: the lazy cooldown, then one HALF_OPEN probe admission given back. Returns
    /// the cooldown transition (if any) and the probes admitted after a release (`None`:
    /// nothing to give back). `requests` keeps counting the request.
    pub fn release(&mut self, config: &Config, now: u64) -> (Option<Transition>, Option<u32>) {
        let cooled = self.materialize(config, now);
        let released = match &mut self.phase {
            Phase::HalfOpen {
                probes_admitted, ..
            } if *probes_admitted > 0 => {
                *probes_admitted -= 1;
                Some(*probes_admitted)
            }
            _ => None,
        };
        (cooled, released)
    }

    /// Applies one call at `now`: lazy cooldown, then the state table, then the counters.
    /// On error the caller discards `self` (the call reverts, cooldown included).
    pub fn apply(
        &mut self,
        input: Input,
        config: &Config,
        now: u64,
    ) -> Result<Outcome, ContractError> {
        let mut outcome = Outcome::default();
        outcome.transitions.extend(self.materialize(config, now));

        let (effect, admission) = transition(self.phase, input, config, self.cooldown_end(config))?;
        match effect {
            Effect::Stay(phase) => self.phase = phase,
            Effect::Move(to, reason) => outcome.transitions.push(self.enter(to, reason, now)),
        }

        let c = &mut self.counters;
        match input {
            Input::Request => c.requests = c.requests.saturating_add(1),
            Input::Outcome { success: true } => c.successes = c.successes.saturating_add(1),
            Input::Outcome { success: false } => c.failures = c.failures.saturating_add(1),
            Input::Trip | Input::Reset | Input::ForceHalfOpen => {}
        }
        if let Some(Admission::Denied { .. }) = admission {
            c.rejections = c.rejections.saturating_add(1);
        }
        outcome.admission = admission;
        Ok(outcome)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use BreakerState::{Closed, HalfOpen, Open};

    const CFG: Config = Config {
        failure_threshold: 3,
        cooldown: 60,
        half_open_max_probes: 2,
        success_threshold: 2,
    };

    #[test]
    fn release_gives_back_only_a_half_open_probe() {
        let mut b = PairBreaker::default();
        assert_eq!(
            b.release(&CFG, 0),
            (None, None),
            "CLOSED: nothing to give back"
        );
        b.apply(Input::Trip, &CFG, 10).unwrap();
        assert_eq!(b.release(&CFG, 20), (None, None), "OPEN");
        let out = b.apply(Input::Request, &CFG, 70).unwrap();
        assert_eq!(out.admission, Some(Admission::Allowed));
        assert_eq!(b.phase, half(1, 0));
        assert_eq!(b.release(&CFG, 70), (None, Some(0)));
        assert_eq!(b.phase, half(0, 0));
        assert_eq!(b.release(&CFG, 70), (None, None), "no probe left");
        assert_eq!(b.counters.requests, 1, "the request still counts");
        // A due cooldown is materialized first, as by every state-changing call.
        let mut c = PairBreaker::default();
        c.apply(Input::Trip, &CFG, 10).unwrap();
        let (t, released) = c.release(&CFG, 70);
        assert_eq!(t.map(|t| t.reason), Some(Reason::CooldownElapsed));
        assert_eq!(released, None);
    }

    fn closed(n: u32) -> Phase {
        Phase::Closed {
            consecutive_failures: n,
        }
    }

    fn half(p: u32, s: u32) -> Phase {
        Phase::HalfOpen {
            probes_admitted: p,
            half_open_successes: s,
        }
    }

    fn cell(phase: Phase, input: Input) -> Result<(Effect, Option<Admission>), u16> {
        transition(phase, input, &CFG, 160).map_err(|e| e.code())
    }

    const FAIL: Input = Input::Outcome { success: false };
    const OK: Input = Input::Outcome { success: true };

    #[test]
    fn closed_row() {
        use Effect::*;
        assert_eq!(
            cell(closed(2), Input::Request),
            Ok((Stay(closed(2)), Some(Admission::Allowed)))
        );
        assert_eq!(cell(closed(2), OK), Ok((Stay(closed(0)), None)));
        assert_eq!(cell(closed(1), FAIL), Ok((Stay(closed(2)), None)));
        assert_eq!(
            cell(closed(2), FAIL),
            Ok((Move(Open, Reason::FailureThreshold), None))
        );
        assert_eq!(
            cell(closed(0), Input::Trip),
            Ok((Move(Open, Reason::GuardianTrip), None))
        );
        assert_eq!(cell(closed(0), Input::Reset), Err(3005));
        assert_eq!(cell(closed(0), Input::ForceHalfOpen), Err(3006));
    }

    #[test]
    fn open_row() {
        use Effect::*;
        let open = Phase::Open {};
        assert_eq!(
            cell(open, Input::Request),
            Ok((
                Stay(open),
                Some(Admission::Denied {
                    code: 3100,
                    retry_at: 160
                })
            ))
        );
        assert_eq!(cell(open, OK), Ok((Stay(open), None)));
        assert_eq!(cell(open, FAIL), Ok((Stay(open), None)));
        assert_eq!(cell(open, Input::Trip), Err(3005));
        assert_eq!(
            cell(open, Input::Reset),
            Ok((Move(Closed, Reason::GuardianReset), None))
        );
        assert_eq!(
            cell(open, Input::ForceHalfOpen),
            Ok((Move(HalfOpen, Reason::GuardianHalfOpen), None))
        );
    }

    #[test]
    fn half_open_row() {
        use Effect::*;
        assert_eq!(
            cell(half(1, 0), Input::Request),
            Ok((Stay(half(2, 0)), Some(Admission::Allowed)))
        );
        assert_eq!(
            cell(half(2, 0), Input::Request),
            Ok((
                Stay(half(2, 0)),
                Some(Admission::Denied {
                    code: 3101,
                    retry_at: 0
                })
            ))
        );
        assert_eq!(cell(half(2, 0), OK), Ok((Stay(half(2, 1)), None)));
        assert_eq!(
            cell(half(2, 1), OK),
            Ok((Move(Closed, Reason::ProbesSucceeded), None))
        );
        assert_eq!(
            cell(half(1, 1), FAIL),
            Ok((Move(Open, Reason::ProbeFailed), None))
        );
        assert_eq!(
            cell(half(0, 0), Input::Trip),
            Ok((Move(Open, Reason::GuardianTrip), None))
        );
        assert_eq!(
            cell(half(0, 0), Input::Reset),
            Ok((Move(Closed, Reason::GuardianReset), None))
        );
        assert_eq!(cell(half(0, 0), Input::ForceHalfOpen), Err(3005));
    }

    #[test]
    fn cooldown_is_inclusive_and_comes_first() {
        let mut b = PairBreaker::default();
        b.apply(Input::Trip, &CFG, 100).unwrap();
        assert_eq!(
            (b.phase, b.opened_at, b.counters.trips),
            (Phase::Open {}, 100, 1)
        );
        let mut early = b;
        let out = early.apply(Input::Request, &CFG, 159).unwrap();
        assert!(out.transitions.is_empty());
        assert_eq!(
            out.admission,
            Some(Admission::Denied {
                code: 3100,
                retry_at: 160
            })
        );
        let out = b.apply(Input::Trip, &CFG, 160).unwrap();
        assert_eq!(
            out.transitions,
            vec![
                Transition {
                    from: Open,
                    to: HalfOpen,
                    reason: Reason::CooldownElapsed
                },
                Transition {
                    from: HalfOpen,
                    to: Open,
                    reason: Reason::GuardianTrip
                },
            ]
        );
        assert_eq!((b.opened_at, b.counters.trips), (160, 2));
    }

    #[test]
    fn entering_a_state_zeroes_every_transient_field_and_keeps_opened_at() {
        let mut b = PairBreaker::default();
        b.apply(FAIL, &CFG, 1).unwrap();
        b.apply(FAIL, &CFG, 2).unwrap();
        b.apply(FAIL, &CFG, 3).unwrap();
        assert_eq!((b.phase, b.opened_at), (Phase::Open {}, 3));
        b.apply(Input::ForceHalfOpen, &CFG, 4).unwrap();
        b.apply(Input::Request, &CFG, 4).unwrap();
        b.apply(OK, &CFG, 5).unwrap();
        b.apply(OK, &CFG, 6).unwrap();
        assert_eq!((b.phase, b.opened_at), (closed(0), 3));
        assert_eq!(
            b.counters,
            Counters {
                requests: 1,
                rejections: 0,
                successes: 2,
                failures: 3,
                trips: 1
            }
        );
    }

    #[test]
    fn a_reverted_guardian_call_after_a_due_cooldown_reports_the_effective_state() {
        let mut b = PairBreaker::default();
        b.apply(Input::Trip, &CFG, 0).unwrap();
        let err = b.clone().apply(Input::ForceHalfOpen, &CFG, 60).unwrap_err();
        assert_eq!(err, ContractError::AlreadyInState { state: 2 });
    }

    #[test]
    fn lowered_probe_limit_denies_immediately() {
        let mut b = PairBreaker {
            phase: half(3, 0),
            ..PairBreaker::default()
        };
        let out = b.apply(Input::Request, &CFG, 10).unwrap();
        assert_eq!(
            out.admission,
            Some(Admission::Denied {
                code: 3101,
                retry_at: 0
            })
        );
        assert_eq!(b.counters.rejections, 1);
    }
}
