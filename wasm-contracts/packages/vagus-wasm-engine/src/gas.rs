//! Gas: the VM's own metering (CosmWasm gas) and wasmd's SDK-gas accounting around it.
//!
//! Two units:
//!
//! - **CosmWasm gas** ("VM gas"): what `cosmwasm-vm` meters while a contract runs — 115 per
//!   Wasm operation (×14 for the accounting operators), plus its host-call costs; target
//!   10^12 per second of CPU (cosmwasm `docs/GAS.md`).
//! - **SDK gas**: what a wasmd transaction is charged. wasmd converts with
//!   `DefaultGasMultiplier = 140_000` CosmWasm gas per SDK gas (the CosmWasm 2.x value,
//!   1000 times smaller than 1.x's 140_000_000), rounding down per VM call
//!   (`FromWasmVMGas`).
//!
//! The engine charges, in SDK gas, what wasmd's x/wasm module charges for the contract
//! part of a transaction: a setup cost per VM call (60,000, or the 2,000 discount for a
//! code already loaded in this transaction and for replies), the Cosmos SDK's KV-store gas
//! for every contract storage access (reported to the VM as externally used gas, times the
//! multiplier, exactly as wasmvm's Go store adapter does), the VM gas of each call divided
//! by the multiplier, and the event costs. Not modelled: the ante handler (signatures,
//! tx size, fees) and x/wasm's own bookkeeping reads (code and contract info, history),
//! so a real node's `gas_used` is higher by a roughly constant amount per transaction.

use serde::Serialize;

/// wasmd `DefaultGasMultiplier` for CosmWasm 2.x: CosmWasm gas per SDK gas.
pub const GAS_MULTIPLIER: u64 = 140_000;
/// wasmd `DefaultInstanceCost`: SDK gas per VM call.
pub const INSTANCE_COST: u64 = 60_000;
/// wasmd `DefaultInstanceCostDiscount`: SDK gas per VM call of an already loaded code, and
/// per reply.
pub const INSTANCE_COST_DISCOUNT: u64 = 2_000;
/// wasmd `DefaultPerAttributeCost`.
pub const EVENT_PER_ATTRIBUTE_COST: u64 = 10;
/// wasmd `DefaultEventAttributeDataCost` (per byte of key + value).
pub const EVENT_ATTRIBUTE_DATA_COST: u64 = 1;
/// wasmd `DefaultEventAttributeDataFreeTier` (bytes per contract response).
pub const EVENT_ATTRIBUTE_DATA_FREE_TIER: u64 = 100;
/// wasmd `DefaultPerCustomEventCost`.
pub const CUSTOM_EVENT_COST: u64 = 20;

/// Cosmos SDK `KVGasConfig` (store/types/gas.go).
pub const READ_COST_FLAT: u64 = 1_000;
pub const READ_COST_PER_BYTE: u64 = 3;
pub const WRITE_COST_FLAT: u64 = 2_000;
pub const WRITE_COST_PER_BYTE: u64 = 30;
pub const DELETE_COST: u64 = 1_000;
pub const ITER_NEXT_COST_FLAT: u64 = 30;

/// CosmWasm gas of the address API calls (wasmd keeper/api.go: 5 and 4 SDK gas; validate
/// is both).
pub const HUMANIZE_COST: u64 = 5 * GAS_MULTIPLIER;
pub const CANONICALIZE_COST: u64 = 4 * GAS_MULTIPLIER;

/// wasmd's `costJSONDeserialization`: CosmWasm gas per byte of a contract's result, which
/// wasmvm adds to the call's gas after it returns (1 SDK gas per byte).
pub const JSON_DESERIALIZATION_COST_PER_BYTE: u64 = GAS_MULTIPLIER;

/// Default SDK gas limit of a transaction.
pub const DEFAULT_TX_GAS_LIMIT: u64 = 100_000_000;
/// wasmd's default `SmartQueryGasLimit` (SDK gas) of a top-level smart query.
pub const DEFAULT_QUERY_GAS_LIMIT: u64 = 3_000_000;

/// The SDK gas meter of a transaction (wasmd: the context's gas meter).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct GasMeter {
    pub limit: u64,
    pub consumed: u64,
}

/// The meter went past its limit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OutOfGas;

impl GasMeter {
    pub fn new(limit: u64) -> Self {
        GasMeter { limit, consumed: 0 }
    }

    /// Consumes `sdk_gas`; like the SDK's meter, the consumption stays recorded even when
    /// it goes past the limit.
    pub fn charge(&mut self, sdk_gas: u64) -> Result<(), OutOfGas> {
        self.consumed = self.consumed.saturating_add(sdk_gas);
        if self.consumed > self.limit {
            Err(OutOfGas)
        } else {
            Ok(())
        }
    }

    pub fn remaining(&self) -> u64 {
        self.limit.saturating_sub(self.consumed)
    }

    /// The VM gas limit of a call started now (wasmd `runtimeGasForContract`).
    pub fn vm_limit(&self) -> u64 {
        self.remaining().saturating_mul(GAS_MULTIPLIER)
    }
}

/// Where a transaction's SDK gas went, and the VM gas behind it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct GasTally {
    /// CosmWasm gas metered inside the VM (Wasm operations and host calls, storage
    /// excluded), summed over every VM call of the transaction.
    pub vm: u64,
    /// SDK gas: setup (instance) costs.
    pub setup: u64,
    /// SDK gas: KV-store costs of contract storage.
    pub storage: u64,
    /// SDK gas: the VM gas of each call divided by the multiplier.
    pub wasm: u64,
    /// SDK gas: event costs.
    pub events: u64,
}

/// The gas report of one operation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct GasReport {
    /// CosmWasm gas metered inside the VM (see [`GasTally::vm`]).
    pub vm: u64,
    /// SDK gas consumed, as wasmd's x/wasm would charge it (see the module docs).
    pub sdk: u64,
    /// The SDK gas limit the operation ran under.
    pub sdk_limit: u64,
    /// The parts of `sdk`.
    pub breakdown: GasTally,
}

/// wasmd `EventCosts` for one contract response: attributes of the `wasm` event and of
/// every custom event, with one free tier of attribute bytes for the whole response.
pub fn event_costs(attributes: &[(usize, usize)], events: &[(usize, Vec<(usize, usize)>)]) -> u64 {
    fn attribute_costs(attrs: &[(usize, usize)], free: &mut u64) -> u64 {
        if attrs.is_empty() {
            return 0;
        }
        let bytes: u64 = attrs.iter().map(|(k, v)| (k + v) as u64).sum();
        let charged = if bytes <= *free {
            *free -= bytes;
            0
        } else {
            let c = bytes - *free;
            *free = 0;
            c
        };
        charged * EVENT_ATTRIBUTE_DATA_COST + EVENT_PER_ATTRIBUTE_COST * attrs.len() as u64
    }
    let mut free = EVENT_ATTRIBUTE_DATA_FREE_TIER;
    let mut gas = attribute_costs(attributes, &mut free);
    for (ty_len, attrs) in events {
        gas += CUSTOM_EVENT_COST + *ty_len as u64 * EVENT_ATTRIBUTE_DATA_COST;
        gas += attribute_costs(attrs, &mut free);
    }
    gas
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_meter_records_consumption_past_its_limit() {
        let mut m = GasMeter::new(10);
        assert_eq!(m.charge(7), Ok(()));
        assert_eq!(m.vm_limit(), 3 * GAS_MULTIPLIER);
        assert_eq!(m.charge(7), Err(OutOfGas));
        assert_eq!(m.consumed, 14);
        assert_eq!(m.remaining(), 0);
    }

    #[test]
    fn event_costs_share_one_free_tier() {
        // 60 bytes in the wasm event (free), 60 in a custom event: 20 over the tier.
        let wasm = [(10, 50)];
        let custom = [(5, vec![(30, 30)])];
        assert_eq!(
            event_costs(&wasm, &custom),
            EVENT_PER_ATTRIBUTE_COST + CUSTOM_EVENT_COST + 5 + 20 + EVENT_PER_ATTRIBUTE_COST
        );
        assert_eq!(event_costs(&[], &[]), 0);
    }
}
