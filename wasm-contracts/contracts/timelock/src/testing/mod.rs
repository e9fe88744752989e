//! Contract tests on cw-multi-test, split by intent. Expected values come from
//! spec/timelock.md (OpenZeppelin TimelockController's rules), not from the code.

mod drift;
mod helpers;
mod instantiate;
mod migration;
mod operations;
mod roles;
mod rollback;
