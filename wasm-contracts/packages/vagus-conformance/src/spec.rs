//! The spec folder as data: roles, operations, types, errors and events of each component,
//! filtered for the CosmWasm stack.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{anyhow, Context, Result};
use serde_json::Value;

/// Every component of the spec: (component name, its file in `spec/`). Same list as the
/// TypeScript loader's `COMPONENT_FILES`.
pub const COMPONENT_FILES: &[(&str, &str)] = &[
    ("RateLimiter", "rate-limiter.json"),
    ("CircuitBreaker", "circuit-breaker.json"),
    ("ANSStateManager", "ans.json"),
    ("AfferentInbox", "afferent-inbox.json"),
    ("VagalBrake", "vagal-brake.json"),
    ("CapabilityIssuer", "capability-issuer.json"),
    ("ReflexArc", "reflex-arc.json"),
];

/// The repository's `spec/` folder.
pub fn spec_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../spec")
}

fn load(path: &Path) -> Result<Value> {
    let text = std::fs::read_to_string(path).with_context(|| format!("read {}", path.display()))?;
    serde_json::from_str(&text).with_context(|| format!("parse {}", path.display()))
}

/// Whether a spec entry (error, event or operation) exists on the CosmWasm stack.
fn on_wasm(entry: &Value) -> bool {
    match entry.get("stacks").and_then(Value::as_array) {
        None => true,
        Some(stacks) => stacks.iter().any(|s| s == "wasm"),
    }
}

/// A spec field or argument: name and type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Field {
    pub name: String,
    pub ty: String,
    /// An address that may be "not set" (`null`, CosmWasm `None`).
    pub optional: bool,
}

fn fields(v: Option<&Value>) -> Vec<Field> {
    v.and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .map(|f| Field {
                    name: f["name"].as_str().unwrap_or_default().to_string(),
                    ty: f["type"].as_str().unwrap_or_default().to_string(),
                    optional: f["optional"].as_bool().unwrap_or(false),
                })
                .collect()
        })
        .unwrap_or_default()
}

/// A spec operation.
#[derive(Debug, Clone)]
pub struct Operation {
    pub name: String,
    pub kind: String,
    pub args: Vec<Field>,
    pub returns: Vec<Field>,
}

/// A spec event.
#[derive(Debug, Clone)]
pub struct EventSpec {
    pub name: String,
    pub fields: Vec<Field>,
}

/// A spec error (or denial).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct ErrorSpec {
    pub code: u16,
    pub name: String,
    pub fields: Vec<String>,
}

/// One component (common.json frame + its own file), wasm stack only.
#[derive(Debug, Clone)]
pub struct ComponentSpec {
    pub component: String,
    pub wasm_contract: String,
    pub time_origin: u64,
    /// Roles the contract defines: spec key → wasm name.
    pub roles: BTreeMap<String, String>,
    /// Every role of common.json: spec key → wasm name.
    pub all_roles: BTreeMap<String, String>,
    pub operations: Vec<Operation>,
    /// Struct types: name → fields.
    pub types: BTreeMap<String, Vec<Field>>,
    /// Enum types: name → (member → value).
    pub enums: BTreeMap<String, BTreeMap<String, u64>>,
    pub errors: Vec<ErrorSpec>,
    pub denials: Vec<ErrorSpec>,
    pub events: Vec<EventSpec>,
    /// `constants` of the component file.
    pub constants: BTreeMap<String, u64>,
}

impl ComponentSpec {
    /// Loads `common.json` and `<file>` (e.g. `rate-limiter.json`).
    pub fn load(file: &str) -> Result<Self> {
        let dir = spec_dir();
        let common = load(&dir.join("common.json"))?;
        let own = load(&dir.join(file))?;

        let all_roles: BTreeMap<String, String> = common["roles"]
            .as_object()
            .ok_or_else(|| anyhow!("common.json has no roles"))?
            .iter()
            .map(|(k, v)| {
                (
                    k.clone(),
                    v["wasm"].as_str().unwrap_or_default().to_string(),
                )
            })
            .collect();
        let roles = own["roles"]
            .as_array()
            .ok_or_else(|| anyhow!("{file} has no roles"))?
            .iter()
            .filter_map(Value::as_str)
            .map(|k| (k.to_string(), all_roles.get(k).cloned().unwrap_or_default()))
            .collect();

        let mut operations = Vec::new();
        let mut errors = Vec::new();
        let mut events = Vec::new();
        for doc in [&common, &own] {
            // EVM-only operations (the proxy's emergencyRollback) have no wasm message.
            for op in doc["operations"]
                .as_array()
                .into_iter()
                .flatten()
                .filter(|o| on_wasm(o))
            {
                operations.push(Operation {
                    name: op["name"].as_str().unwrap_or_default().to_string(),
                    kind: op["kind"].as_str().unwrap_or_default().to_string(),
                    args: fields(op.get("args")),
                    returns: fields(op.get("returns")),
                });
            }
            for e in doc["errors"]
                .as_array()
                .into_iter()
                .flatten()
                .filter(|e| on_wasm(e))
            {
                errors.push(ErrorSpec {
                    code: e["code"].as_u64().unwrap_or_default() as u16,
                    name: e
                        .get("wasm")
                        .and_then(Value::as_str)
                        .or(e["name"].as_str())
                        .unwrap_or_default()
                        .to_string(),
                    fields: fields(e.get("fields"))
                        .into_iter()
                        .map(|f| f.name)
                        .collect(),
                });
            }
            for e in doc["events"]
                .as_array()
                .into_iter()
                .flatten()
                .filter(|e| on_wasm(e))
            {
                events.push(EventSpec {
                    name: e["name"].as_str().unwrap_or_default().to_string(),
                    fields: fields(e.get("fields")),
                });
            }
        }
        let denials = own["denials"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|d| ErrorSpec {
                code: d["code"].as_u64().unwrap_or_default() as u16,
                name: d["name"].as_str().unwrap_or_default().to_string(),
                fields: vec![],
            })
            .collect();
        let types = own["types"]
            .as_object()
            .map(|o| {
                o.iter()
                    .map(|(k, v)| (k.clone(), fields(Some(v))))
                    .collect()
            })
            .unwrap_or_default();
        let enums = own["enums"]
            .as_object()
            .map(|o| {
                o.iter()
                    .map(|(k, v)| {
                        let members = v
                            .as_object()
                            .map(|m| {
                                m.iter()
                                    .map(|(n, x)| (n.clone(), x.as_u64().unwrap_or_default()))
                                    .collect()
                            })
                            .unwrap_or_default();
                        (k.clone(), members)
                    })
                    .collect()
            })
            .unwrap_or_default();

        Ok(ComponentSpec {
            component: own["component"].as_str().unwrap_or_default().to_string(),
            wasm_contract: own["wasmContract"].as_str().unwrap_or_default().to_string(),
            time_origin: common["timeOrigin"]
                .as_u64()
                .ok_or_else(|| anyhow!("common.json has no timeOrigin"))?,
            roles,
            all_roles,
            operations,
            types,
            enums,
            errors,
            denials,
            events,
            constants: own["constants"]
                .as_object()
                .map(|o| {
                    o.iter()
                        .map(|(k, v)| (k.clone(), v.as_u64().unwrap_or_default()))
                        .collect()
                })
                .unwrap_or_default(),
        })
    }

    /// The operation named `name` of `kind` (`execute`, `query`, `init`).
    pub fn operation(&self, name: &str, kind: &str) -> Option<&Operation> {
        self.operations
            .iter()
            .find(|o| o.name == name && o.kind == kind)
    }

    /// The spec event whose CosmWasm type is `ty` (snake_case of its name).
    pub fn event_by_wasm_type(&self, ty: &str) -> Option<&EventSpec> {
        self.events.iter().find(|e| snake_case(&e.name) == ty)
    }

    pub fn event(&self, name: &str) -> Option<&EventSpec> {
        self.events.iter().find(|e| e.name == name)
    }
}

/// `ConsumeDenied` → `consume_denied`, `executorId` → `executor_id`.
pub fn snake_case(name: &str) -> String {
    vagus_common::events::snake_case(name)
}
