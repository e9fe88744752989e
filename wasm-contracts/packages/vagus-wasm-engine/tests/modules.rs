//! The engine's modules form a layering, not a web: no module reaches back to one that
//! depends on it (the querier once held the call layer, which held the querier).

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// `crate::<module>` references of every `src/*.rs` file, by module name.
fn module_imports() -> BTreeMap<String, BTreeSet<String>> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut graph = BTreeMap::new();
    for entry in std::fs::read_dir(&src).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_stem().unwrap().to_string_lossy().to_string();
        if name == "lib" || name == "main" {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        let deps: BTreeSet<String> = text
            .match_indices("crate::")
            .map(|(i, _)| {
                text[i + "crate::".len()..]
                    .chars()
                    .take_while(|c| c.is_ascii_lowercase() || *c == '_')
                    .collect::<String>()
            })
            .filter(|m| !m.is_empty() && *m != name)
            .collect();
        graph.insert(name, deps);
    }
    graph
}

/// Depth-first search for a path from `from` back to `target`.
fn reaches(
    graph: &BTreeMap<String, BTreeSet<String>>,
    from: &str,
    target: &str,
    seen: &mut BTreeSet<String>,
) -> bool {
    for next in graph.get(from).into_iter().flatten() {
        if next == target {
            return true;
        }
        if seen.insert(next.clone()) && reaches(graph, next, target, seen) {
            return true;
        }
    }
    false
}

#[test]
fn no_module_imports_one_that_imports_it_back() {
    let graph = module_imports();
    assert!(
        graph["chain"].contains("backend"),
        "the scan reads imports: {graph:?}"
    );
    let cyclic: Vec<&String> = graph
        .keys()
        .filter(|m| reaches(&graph, m, m, &mut BTreeSet::new()))
        .collect();
    assert!(
        cyclic.is_empty(),
        "modules on an import cycle: {cyclic:?} in {graph:?}"
    );
    assert!(
        !graph["backend"].contains("chain"),
        "the querier depends on a trait"
    );
}
