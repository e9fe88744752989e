//! Writes the JSON schema of the contract's messages to `./schema/` (write_api!);
//! scripts/build-wasm.sh runs it and moves the result to `schema/timelock/`.

use cosmwasm_schema::write_api;

use timelock::msg::{ExecuteMsg, InstantiateMsg, MigrateMsg, QueryMsg};

fn main() {
    write_api! {
        instantiate: InstantiateMsg,
        execute: ExecuteMsg,
        query: QueryMsg,
        migrate: MigrateMsg,
    }
}
