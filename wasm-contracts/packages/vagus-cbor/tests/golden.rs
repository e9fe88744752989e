//! Every vector of spec/vectors/cbor/golden.json, through both APIs of the crate.

use std::path::PathBuf;

use serde_json::Value as Json;
use sha3::{Digest, Sha3_256};
use vagus_cbor::{dual_hash, key_cmp, Encoder, Error, Value};

fn golden() -> Json {
    let path =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../spec/vectors/cbor/golden.json");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).expect("golden.json is JSON")
}

fn unhex(s: &str) -> Vec<u8> {
    let s = s.strip_prefix("0x").expect("0x hex");
    assert!(s.len() % 2 == 0, "odd hex length");
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).expect("hex digit"))
        .collect()
}

fn hex(bytes: &[u8]) -> String {
    let digits: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    format!("0x{digits}")
}

fn field<'a>(j: &'a Json, name: &str) -> &'a str {
    j[name]
        .as_str()
        .unwrap_or_else(|| panic!("missing string field {name} in {j}"))
}

/// Why a notation has no [`Value`]: the type system rules it out, or the range check does.
#[derive(Debug, PartialEq)]
enum Unrepresentable {
    /// float, null, non-text key: no Rust value of the model can hold it.
    NotInModel(String),
    Cbor(Error),
}

fn int_of(decimal: &str) -> Result<Value, Unrepresentable> {
    let n: i128 = decimal
        .parse()
        .map_err(|_| Unrepresentable::Cbor(Error::IntegerOutOfRange))?;
    Value::int(n).map_err(Unrepresentable::Cbor)
}

/// spec/cbor.md "Vector notation" → [`Value`], map entries in the file's order.
fn from_notation(n: &Json) -> Result<Value, Unrepresentable> {
    let obj = n.as_object().expect("notation is an object");
    assert_eq!(obj.len(), 1, "notation has one member: {n}");
    let (kind, x) = obj.iter().next().unwrap();
    Ok(match kind.as_str() {
        "uint" => {
            let v = int_of(x.as_str().unwrap())?;
            assert!(
                matches!(v, Value::Uint(_)),
                "uint notation holds a negative: {n}"
            );
            v
        }
        "nint" => {
            let v = int_of(x.as_str().unwrap())?;
            assert!(
                matches!(v, Value::NegInt(_)),
                "nint notation holds a non-negative: {n}"
            );
            v
        }
        "bytes" => Value::Bytes(unhex(x.as_str().unwrap())),
        "text" => Value::Text(x.as_str().unwrap().to_string()),
        "bool" => Value::Bool(x.as_bool().unwrap()),
        "array" => Value::Array(
            x.as_array()
                .unwrap()
                .iter()
                .map(from_notation)
                .collect::<Result<_, _>>()?,
        ),
        "map" => {
            let mut entries = Vec::new();
            for entry in x.as_array().unwrap() {
                let key = entry[0].as_str().ok_or_else(|| {
                    Unrepresentable::NotInModel(format!("non-text key {}", entry[0]))
                })?;
                entries.push((key.to_string(), from_notation(&entry[1])?));
            }
            Value::Map(entries)
        }
        other => return Err(Unrepresentable::NotInModel(other.to_string())),
    })
}

/// The same value written with the streaming [`Encoder`], map entries put in order by the
/// caller as a contract would: the second API must agree with the first.
fn stream(v: &Value, e: &mut Encoder) {
    match v {
        Value::Uint(x) => {
            e.uint(*x);
        }
        Value::NegInt(x) => {
            e.neg(*x);
        }
        Value::Bytes(b) => {
            e.bytes(b);
        }
        Value::Text(t) => {
            e.text(t);
        }
        Value::Bool(b) => {
            e.bool(*b);
        }
        Value::Array(items) => {
            e.array(items.len());
            items.iter().for_each(|i| stream(i, e));
        }
        Value::Map(entries) => {
            let mut sorted: Vec<_> = entries.iter().collect();
            sorted.sort_by(|a, b| key_cmp(&a.0, &b.0));
            e.map(sorted.len());
            for (k, item) in sorted {
                e.text(k);
                stream(item, e);
            }
        }
    }
}

#[test]
fn every_golden_vector_encodes_and_hashes() {
    let g = golden();
    let vectors = g["vectors"].as_array().unwrap();
    assert!(
        vectors.len() >= 40,
        "golden.json has {} vectors",
        vectors.len()
    );
    let mut failures = Vec::new();
    for v in vectors {
        let name = field(v, "name");
        let value = from_notation(&v["value"]).unwrap_or_else(|e| panic!("{name}: {e:?}"));
        let (cbor, hashes) = value.commit().unwrap_or_else(|e| panic!("{name}: {e}"));
        let mut e = Encoder::new();
        stream(&value, &mut e);
        let checks = [
            ("cbor", hex(&cbor), field(v, "cbor")),
            ("stream cbor", hex(e.as_bytes()), field(v, "cbor")),
            ("sha256", hex(&hashes.sha256), field(v, "sha256")),
            ("keccak256", hex(&hashes.keccak256), field(v, "keccak256")),
        ];
        for (what, got, want) in checks {
            if got != want {
                failures.push(format!("{name}: {what} {got} != {want}"));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} mismatches:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn every_invalid_vector_is_rejected() {
    let g = golden();
    for v in g["invalid"].as_array().unwrap() {
        let name = field(v, "name");
        let error = field(v, "error");
        let outcome = from_notation(&v["value"])
            .and_then(|value| value.encode().map_err(Unrepresentable::Cbor));
        match (error, outcome) {
            ("DuplicateKey", Err(Unrepresentable::Cbor(Error::DuplicateKey(_)))) => {}
            ("IntegerOutOfRange", Err(Unrepresentable::Cbor(Error::IntegerOutOfRange))) => {}
            // Floats, unsafe JS numbers, null and non-text keys have no Value at all.
            (
                "NotAnInteger" | "UnsafeInteger" | "UnsupportedType" | "NonTextKey",
                Err(Unrepresentable::NotInModel(_)),
            ) => {}
            (_, outcome) => panic!("{name}: expected {error}, got {outcome:?}"),
        }
    }
}

#[test]
fn keccak256_is_not_nist_sha3_256() {
    let g = golden();
    let demos: Vec<_> = g["vectors"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|v| v.get("sha3_256_not_keccak").is_some())
        .collect();
    assert!(!demos.is_empty());
    for v in demos {
        let name = field(v, "name");
        let cbor = unhex(field(v, "cbor"));
        let nist = hex(&Sha3_256::digest(&cbor));
        assert_eq!(
            nist,
            field(v, "sha3_256_not_keccak"),
            "{name}: the oracle's SHA3-256"
        );
        assert_ne!(
            nist,
            field(v, "keccak256"),
            "{name}: a SHA3-256 implementation would pass"
        );
        assert_eq!(
            hex(&dual_hash(&cbor).keccak256),
            field(v, "keccak256"),
            "{name}"
        );
    }
}
