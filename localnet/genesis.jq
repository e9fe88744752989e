# jq filter scripts/localnet.sh applies once to the wasmd genesis, after `wasmd init`
# and before the genesis accounts and gentx. Arguments: $denom.
#
# - Permissionless wasm: anyone may store code and instantiate it (localnet only;
#   a production chain would gate uploads by governance).
# - Short governance periods, so a proposal can pass within a test.
# - Every denom the SDK defaults to "stake" becomes $denom.
.app_state.wasm.params = {
  code_upload_access: { permission: "Everybody", addresses: [] },
  instantiate_default_permission: "Everybody"
}
| .app_state.staking.params.bond_denom = $denom
| if .app_state.mint then .app_state.mint.params.mint_denom = $denom else . end
| .app_state.gov.params.min_deposit = [{ denom: $denom, amount: "1000000" }]
| .app_state.gov.params.expedited_min_deposit = [{ denom: $denom, amount: "2000000" }]
| .app_state.gov.params.max_deposit_period = "20s"
| .app_state.gov.params.voting_period = "20s"
| .app_state.gov.params.expedited_voting_period = "10s"
| if .app_state.crisis then .app_state.crisis.constant_fee.denom = $denom else . end
