//! The layering rule of `ARCHITECTURE.md`, held to the code: each module of
//! `src/` imports only modules that come before it in the "Layers" list
//! (lower layers, or modules to its left in its own layer). The list is
//! read from `ARCHITECTURE.md` itself, so the document and the rule cannot
//! drift apart, and every module must be in it exactly once.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

/// The modules in layer order, from the `text` block under "## Layers".
fn layers(architecture: &str) -> Vec<(String, Vec<String>)> {
    let section = architecture
        .split("\n## Layers")
        .nth(1)
        .expect("ARCHITECTURE.md has a \"## Layers\" section");
    let block = section
        .split("```text\n")
        .nth(1)
        .and_then(|rest| rest.split("```").next())
        .expect("the Layers section has a ```text block");
    block
        .lines()
        .filter(|line| !line.trim().is_empty())
        .map(|line| {
            let (layer, modules) = line
                .split_once(':')
                .unwrap_or_else(|| panic!("a layer line is `name: modules…`: {line:?}"));
            let modules = modules.split_whitespace().map(str::to_owned).collect();
            (layer.trim().to_owned(), modules)
        })
        .collect()
}

/// The crate modules a piece of Rust code names through `crate::` paths
/// (`use crate::a::B;`, `use crate::{a, b::C};`, `crate::a::f()`), ignoring
/// comments (doc links to higher layers are fine: they are not imports).
fn imports(code: &str) -> BTreeSet<String> {
    let code: String = code
        .lines()
        .map(str::trim_start)
        .filter(|line| !line.starts_with("//"))
        .map(|line| line.split(" // ").next().unwrap_or(line))
        .collect::<Vec<_>>()
        .join("\n");
    let mut found = BTreeSet::new();
    let mut rest = code.as_str();
    while let Some(at) = rest.find("crate::") {
        let preceded_by_dollar = at > 0 && rest.as_bytes()[at - 1] == b'$';
        rest = &rest[at + "crate::".len()..];
        if preceded_by_dollar {
            continue; // `$crate::` in a macro: the user's view of the crate
        }
        let Some(group) = rest.strip_prefix('{') else {
            found.insert(ident_at(rest).to_owned());
            continue;
        };
        // `crate::{a, b::{c, d}, e}`: the first segment of each item.
        let mut depth = 0;
        let mut item_start = true;
        for (i, c) in group.char_indices() {
            match c {
                '{' => depth += 1,
                '}' if depth == 0 => break,
                '}' => depth -= 1,
                ',' if depth == 0 => item_start = true,
                c if item_start && (c.is_alphanumeric() || c == '_') => {
                    found.insert(ident_at(&group[i..]).to_owned());
                    item_start = false;
                }
                _ => {}
            }
        }
    }
    found
}

fn ident_at(s: &str) -> &str {
    let end = s
        .find(|c: char| !(c.is_alphanumeric() || c == '_'))
        .unwrap_or(s.len());
    &s[..end]
}

/// Every violation of the rule, one line each: a module missing from the
/// list or listed twice, an import of a later module, or an import through
/// a root re-export (which hides the edge).
fn violations(order: &[String], sources: &[(String, PathBuf, String)]) -> Vec<String> {
    let mut problems = Vec::new();
    let position = |module: &str| order.iter().position(|m| m == module);
    for module in order {
        if order.iter().filter(|m| *m == module).count() > 1 {
            problems.push(format!("`{module}` is listed more than once"));
        }
        if !sources.iter().any(|(m, _, _)| m == module) {
            problems.push(format!("`{module}` is listed but has no source in src/"));
        }
    }
    for (module, file, code) in sources {
        let Some(own) = position(module) else {
            problems.push(format!(
                "{}: module `{module}` is in no layer of ARCHITECTURE.md",
                file.display()
            ));
            continue;
        };
        for imported in imports(code) {
            if imported == *module {
                continue;
            }
            match position(&imported) {
                Some(theirs) if theirs < own => {}
                Some(_) => problems.push(format!(
                    "{}: `{module}` imports `crate::{imported}`, which is not below it",
                    file.display()
                )),
                None => problems.push(format!(
                    "{}: `{module}` uses `crate::{imported}`, which is no module: \
                     import it through the module that defines it",
                    file.display()
                )),
            }
        }
    }
    problems
}

/// Each top-level module of `src/` (a file or a folder, not `lib.rs` and not
/// the `bin` crate) with each of its files' text.
fn sources(src: &Path) -> Vec<(String, PathBuf, String)> {
    let mut out = Vec::new();
    for entry in fs::read_dir(src).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_stem().unwrap().to_string_lossy().into_owned();
        if path.is_dir() {
            if name == "bin" {
                continue;
            }
            let mut stack = vec![path];
            while let Some(dir) = stack.pop() {
                for entry in fs::read_dir(&dir).unwrap() {
                    let file = entry.unwrap().path();
                    if file.is_dir() {
                        stack.push(file);
                    } else if file.extension().is_some_and(|e| e == "rs") {
                        let code = fs::read_to_string(&file).unwrap();
                        out.push((name.clone(), file, code));
                    }
                }
            }
        } else if path.extension().is_some_and(|e| e == "rs") && name != "lib" {
            let code = fs::read_to_string(&path).unwrap();
            out.push((name, path, code));
        }
    }
    out.sort_by(|a, b| a.1.cmp(&b.1));
    out
}

#[test]
fn every_module_imports_only_from_the_layers_below_it() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let architecture = fs::read_to_string(root.join("ARCHITECTURE.md")).unwrap();
    let order: Vec<String> = layers(&architecture)
        .into_iter()
        .flat_map(|(_, modules)| modules)
        .collect();
    let sources: Vec<_> = sources(&root.join("src"))
        .into_iter()
        .map(|(module, file, code)| {
            let file = file.strip_prefix(root).unwrap_or(&file).to_path_buf();
            (module, file, code)
        })
        .collect();
    let problems = violations(&order, &sources);
    assert!(
        problems.is_empty(),
        "the layering rule of ARCHITECTURE.md is broken:\n{}",
        problems.join("\n")
    );
}

#[test]
fn the_rule_catches_an_upward_import_a_re_export_and_an_unlisted_module() {
    let order: Vec<String> = ["name", "snapshot", "store", "global"]
        .map(String::from)
        .to_vec();
    let source = |module: &str, code: &str| {
        (
            module.to_owned(),
            PathBuf::from(format!("src/{module}.rs")),
            code.to_owned(),
        )
    };
    let good = [
        source("name", "pub fn f() {}"),
        source(
            "snapshot",
            "use crate::name;\n/// See [`Store`](crate::Store).\nfn g() {}",
        ),
        source("store", "use crate::{name::f, snapshot};"),
        source("global", "fn h() { crate::store::x(); } // crate::global"),
    ];
    assert_eq!(violations(&order, &good), Vec::<String>::new());

    let mut bad = good.to_vec();
    bad[1] = source(
        "snapshot",
        "use crate::{\n    name,\n};\nuse crate::{name::f, global};",
    );
    bad[2] = source("store", "fn s() -> crate::Store { todo!() }");
    bad.push(source("stray", "use crate::name;"));
    assert_eq!(
        violations(&order, &bad),
        [
            "src/snapshot.rs: `snapshot` imports `crate::global`, which is not below it",
            "src/store.rs: `store` uses `crate::Store`, which is no module: \
             import it through the module that defines it",
            "src/stray.rs: module `stray` is in no layer of ARCHITECTURE.md",
        ]
    );
}
