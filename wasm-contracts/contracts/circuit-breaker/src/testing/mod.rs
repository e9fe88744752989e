//! Contract tests on cw-multi-test, split by intent.

mod adversarial;
mod helpers;
mod instantiate;
mod migration;
mod state_machine;
