//! Value conventions of spec/vectors/README.md and spec/README.md, both ways:
//! spec-side values (vectors) → CosmWasm JSON for messages, and both sides → one canonical
//! form for comparison (integers as decimal strings of u128, bytes32 as `0x` + lowercase
//! hex, addresses as `@actor`, roles as spec keys, structs with spec field names).

use std::collections::BTreeMap;

use anyhow::{anyhow, bail, Result};
use cosmwasm_std::Addr;
use serde_json::{Map, Value};

use crate::spec::{snake_case, ComponentSpec, Field};

/// Named accounts of one vector run.
#[derive(Debug, Default, Clone)]
pub struct Actors {
    by_name: BTreeMap<String, Addr>,
    by_addr: BTreeMap<String, String>,
}

impl Actors {
    pub fn add(&mut self, name: &str, addr: Addr) {
        self.by_addr.insert(addr.to_string(), name.to_string());
        self.by_name.insert(name.to_string(), addr);
    }

    pub fn get(&self, name: &str) -> Option<&Addr> {
        self.by_name.get(name)
    }

    pub fn name_of(&self, addr: &str) -> Option<&str> {
        self.by_addr.get(addr).map(String::as_str)
    }
}

/// Converts and canonicalizes values by spec type for one component and run.
pub struct Codec<'a> {
    pub spec: &'a ComponentSpec,
    pub actors: &'a Actors,
}

fn is_integer(spec: &ComponentSpec, ty: &str) -> bool {
    ty.starts_with("uint") || ty.starts_with("int") || spec.enums.contains_key(ty)
}

/// An integer given as a JSON number or a decimal string.
pub fn parse_int(v: &Value) -> Option<u128> {
    match v {
        Value::Number(n) => n.as_u64().map(u128::from),
        Value::String(s) => s.parse().ok(),
        _ => None,
    }
}

/// A signed integer (`int64`) given as a JSON number or a decimal string.
pub fn parse_signed(v: &Value) -> Option<i128> {
    match v {
        Value::Number(n) => n.as_i64().map(i128::from),
        Value::String(s) => s.parse().ok(),
        _ => None,
    }
}

/// `T` of an array type `T[]`.
fn element_type(ty: &str) -> Option<&str> {
    ty.strip_suffix("[]")
}

impl Codec<'_> {
    /// A vector's argument value of spec type `ty` → the CosmWasm message JSON.
    pub fn to_wasm(&self, ty: &str, v: &Value) -> Result<Value> {
        if let Some(fields) = self.spec.types.get(ty) {
            let obj = v
                .as_object()
                .ok_or_else(|| anyhow!("{ty} must be an object, got {v}"))?;
            let mut out = Map::new();
            for (k, x) in obj {
                let fty = field_type(fields, k);
                out.insert(snake_case(k), self.to_wasm(&fty, x)?);
            }
            return Ok(Value::Object(out));
        }
        if let Some(elem) = element_type(ty) {
            let items = v
                .as_array()
                .ok_or_else(|| anyhow!("{ty} must be an array, got {v}"))?;
            return Ok(Value::Array(
                items
                    .iter()
                    .map(|x| self.to_wasm(elem, x))
                    .collect::<Result<_>>()?,
            ));
        }
        Ok(match ty {
            "uint64" | "uint128" | "uint256" => match parse_int(v) {
                Some(n) => Value::String(n.to_string()),
                None => v.clone(),
            },
            "int64" | "int128" => match parse_signed(v) {
                Some(n) => Value::String(n.to_string()),
                None => v.clone(),
            },
            t if is_integer(self.spec, t) => match parse_int(v) {
                Some(n) => serde_json::json!(n as u64),
                None => v.clone(),
            },
            "bytes32" | "bytes" => match v.as_str() {
                Some(s) => Value::String(s.trim_start_matches("0x").to_ascii_lowercase()),
                None => bail!("bytes value must be a string, got {v}"),
            },
            // An optional address that is not set.
            "address" if v.is_null() => Value::Null,
            "address" => match v.as_str() {
                Some(s) => match s.strip_prefix('@') {
                    Some(name) => Value::String(
                        self.actors
                            .get(name)
                            .ok_or_else(|| anyhow!("unknown actor @{name} (list it in actors)"))?
                            .to_string(),
                    ),
                    None => Value::String(s.to_string()),
                },
                None => bail!("address must be a string, got {v}"),
            },
            "role" => match v.as_str() {
                Some(key) => Value::String(
                    self.spec
                        .all_roles
                        .get(key)
                        .cloned()
                        .unwrap_or_else(|| key.to_ascii_lowercase()),
                ),
                None => bail!("role must be a string, got {v}"),
            },
            _ => v.clone(),
        })
    }

    /// Canonical form of a spec-side object whose members are `fields` (spec names).
    pub fn canon_expected_fields(&self, fields: &[Field], v: &Value) -> Value {
        match v.as_object() {
            Some(obj) => Value::Object(
                obj.iter()
                    .map(|(k, x)| (k.clone(), self.canon_expected(&field_type(fields, k), x)))
                    .collect(),
            ),
            None => v.clone(),
        }
    }

    /// Canonical form of a CosmWasm-side object whose members are `fields` (snake_case
    /// keys), renamed to the spec names.
    pub fn canon_actual_fields(&self, fields: &[Field], v: &Value) -> Value {
        match v.as_object() {
            Some(obj) => Value::Object(
                obj.iter()
                    .map(|(k, x)| {
                        let (name, fty) = spec_field(fields, k);
                        (name, self.canon_actual(&fty, x))
                    })
                    .collect(),
            ),
            None => v.clone(),
        }
    }

    /// Canonical form of a spec-side value (a vector's expectation).
    pub fn canon_expected(&self, ty: &str, v: &Value) -> Value {
        if let Some(fields) = self.spec.types.get(ty) {
            return self.canon_expected_fields(fields, v);
        }
        if let Some(elem) = element_type(ty) {
            return match v.as_array() {
                Some(items) => {
                    Value::Array(items.iter().map(|x| self.canon_expected(elem, x)).collect())
                }
                None => v.clone(),
            };
        }
        match ty {
            t if is_integer(self.spec, t) => int_or_raw(v),
            "bytes32" | "bytes" => match v.as_str() {
                Some(s) => Value::String(format!(
                    "0x{}",
                    s.trim_start_matches("0x").to_ascii_lowercase()
                )),
                None => v.clone(),
            },
            "bool" => bool_or_raw(v),
            _ => v.clone(),
        }
    }

    /// Canonical form of a CosmWasm-side value: response JSON (snake_case keys) or an
    /// event attribute (always a string).
    pub fn canon_actual(&self, ty: &str, v: &Value) -> Value {
        if let Some(fields) = self.spec.types.get(ty) {
            return self.canon_actual_fields(fields, v);
        }
        if let Some(elem) = element_type(ty) {
            return match v.as_array() {
                Some(items) => {
                    Value::Array(items.iter().map(|x| self.canon_actual(elem, x)).collect())
                }
                None => v.clone(),
            };
        }
        match ty {
            t if is_integer(self.spec, t) => int_or_raw(v),
            "bytes32" | "bytes" => match v.as_str() {
                Some(s) => Value::String(format!("0x{}", s.to_ascii_lowercase())),
                None => v.clone(),
            },
            "bool" => bool_or_raw(v),
            // An unset optional address: `null` in a response, "" in an event attribute.
            // (`"null"`: a chain refuses empty attribute values, so CosmWasm events spell an
            // unset link `null`.)
            "address" if v.is_null() || matches!(v.as_str(), Some("" | "null")) => Value::Null,
            "address" => match v.as_str().and_then(|s| self.actors.name_of(s)) {
                Some(name) => Value::String(format!("@{name}")),
                None => v.clone(),
            },
            "role" => match v.as_str() {
                Some(wasm) => Value::String(
                    self.spec
                        .all_roles
                        .iter()
                        .find(|(_, w)| w.as_str() == wasm)
                        .map(|(k, _)| k.clone())
                        .unwrap_or_else(|| wasm.to_string()),
                ),
                None => v.clone(),
            },
            _ => v.clone(),
        }
    }
}

fn int_or_raw(v: &Value) -> Value {
    match parse_int(v) {
        Some(n) => Value::String(n.to_string()),
        None => match parse_signed(v) {
            Some(n) => Value::String(n.to_string()),
            None => v.clone(),
        },
    }
}

fn bool_or_raw(v: &Value) -> Value {
    match v {
        Value::String(s) if s == "true" => Value::Bool(true),
        Value::String(s) if s == "false" => Value::Bool(false),
        _ => v.clone(),
    }
}

/// The type of spec field `name` (empty when the struct has no such field).
pub fn field_type(fields: &[Field], name: &str) -> String {
    fields
        .iter()
        .find(|f| f.name == name)
        .map(|f| f.ty.clone())
        .unwrap_or_default()
}

/// The spec field whose snake_case is `key`: `(spec name, type)`; unknown keys keep
/// their CosmWasm spelling (and an empty type) so a mismatch shows them.
pub fn spec_field(fields: &[Field], key: &str) -> (String, String) {
    fields
        .iter()
        .find(|f| snake_case(&f.name) == key)
        .map(|f| (f.name.clone(), f.ty.clone()))
        .unwrap_or_else(|| (key.to_string(), String::new()))
}
