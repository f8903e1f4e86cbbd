//! The layering rules of `ARCHITECTURE.md`, held to the code: each module of
//! `src/` imports only modules that come before it in the "Layers" list
//! (lower layers, or modules to its left in its own layer), and so does each
//! module of the command, `src/bin/toggles/`, in the "Layers of the
//! command" list, where no command imports another. The lists are read from
//! `ARCHITECTURE.md` itself, so the document and the rules cannot drift
//! apart, and every module must be in its list exactly once.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

/// The modules in layer order, from the `text` block under `heading`
/// (`"## Layers"`, `"## Layers of the command"`).
fn layers(architecture: &str, heading: &str) -> Vec<(String, Vec<String>)> {
    let section = architecture
        .split(&format!("\n{heading}\n"))
        .nth(1)
        .unwrap_or_else(|| panic!("ARCHITECTURE.md has a {heading:?} section"));
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
    import_paths(code)
        .into_iter()
        .map(|path| path[0].clone())
        .collect()
}

/// Every `crate::` path of `code`, each use tree expanded
/// (`crate::a::{b::C, d}` is `a::b::C` and `a::d`), as its segments;
/// comments and `$crate::` (a macro's view of the crate) left out.
fn import_paths(code: &str) -> BTreeSet<Vec<String>> {
    let code = without_comments(code);
    let mut found = BTreeSet::new();
    let mut rest = code.as_str();
    while let Some(at) = rest.find("crate::") {
        let preceded_by_dollar = at > 0 && rest.as_bytes()[at - 1] == b'$';
        rest = &rest[at + "crate::".len()..];
        if preceded_by_dollar {
            continue;
        }
        let mut at = 0;
        use_tree(rest.as_bytes(), &mut at, &mut Vec::new(), &mut found);
    }
    found
}

/// `code` without its comment lines and trailing `// …` comments.
fn without_comments(code: &str) -> String {
    code.lines()
        .map(str::trim_start)
        .filter(|line| !line.starts_with("//"))
        .map(|line| line.split(" // ").next().unwrap_or(line))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Reads the use tree at `code[*at..]` (after a `crate::`, or an item of a
/// `{…}` group) under `prefix`, adding each path it names to `found`.
fn use_tree(
    code: &[u8],
    at: &mut usize,
    prefix: &mut Vec<String>,
    found: &mut BTreeSet<Vec<String>>,
) {
    let depth = prefix.len();
    let skip_spaces = |at: &mut usize| {
        while code.get(*at).is_some_and(u8::is_ascii_whitespace) {
            *at += 1;
        }
    };
    loop {
        skip_spaces(at);
        if code.get(*at) == Some(&b'{') {
            *at += 1;
            loop {
                skip_spaces(at);
                if code.get(*at) == Some(&b'}') {
                    *at += 1;
                    break;
                }
                use_tree(code, at, prefix, found);
                skip_spaces(at);
                match code.get(*at) {
                    Some(b',') => *at += 1,
                    Some(b'}') => {
                        *at += 1;
                        break;
                    }
                    _ => break,
                }
            }
            break;
        }
        let start = *at;
        while code
            .get(*at)
            .is_some_and(|b| b.is_ascii_alphanumeric() || *b == b'_')
        {
            *at += 1;
        }
        if *at == start {
            // `*`, or the end of the path.
            if prefix.len() > depth {
                found.insert(prefix.clone());
            }
            break;
        }
        prefix.push(String::from_utf8_lossy(&code[start..*at]).into_owned());
        if code[*at..].starts_with(b"::") {
            *at += 2;
            continue;
        }
        found.insert(prefix.clone());
        break;
    }
    prefix.truncate(depth);
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
    let order: Vec<String> = layers(&architecture, "## Layers")
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

/// The layer of the command whose modules never import one another.
const COMMANDS: &str = "commands";

/// Every violation of the command's rule, one line each: a module missing
/// from the list or listed twice, an import of a module not before it (a
/// later line, or one to its right on its own line), an import of another
/// command, an import of something that is no listed module (a folder, a
/// root item), and a path through `super::` (which hides the edge).
fn command_violations(
    layers: &[(String, Vec<String>)],
    sources: &[(String, PathBuf, String)],
) -> Vec<String> {
    let mut problems = Vec::new();
    let order: Vec<&str> = layers
        .iter()
        .flat_map(|(_, modules)| modules.iter().map(String::as_str))
        .collect();
    let layer_of = |module: &str| {
        layers
            .iter()
            .find(|(_, modules)| modules.iter().any(|m| m == module))
            .map(|(layer, _)| layer.as_str())
    };
    for module in &order {
        if order.iter().filter(|m| *m == module).count() > 1 {
            problems.push(format!("`{module}` is listed more than once"));
        }
        if !sources.iter().any(|(m, _, _)| m == module) {
            problems.push(format!(
                "`{module}` is listed but has no source in src/bin/toggles/"
            ));
        }
    }
    for (module, file, code) in sources {
        let file = file.display();
        let Some(own) = order.iter().position(|m| m == module) else {
            problems.push(format!(
                "{file}: module `{module}` is in no layer of the command in ARCHITECTURE.md"
            ));
            continue;
        };
        if without_comments(code)
            .split("super::")
            .skip(1)
            .any(|after| !after.starts_with('*'))
        {
            problems.push(format!(
                "{file}: `{module}` names a path through `super::`: name it from `crate::`"
            ));
        }
        let mut edges = BTreeSet::new();
        for path in import_paths(code) {
            // The longest listed module the path starts with.
            let imported = (1..=path.len())
                .rev()
                .map(|n| path[..n].join("::"))
                .find(|prefix| order.contains(&prefix.as_str()));
            match imported {
                Some(imported) => {
                    edges.insert(imported);
                }
                None => problems.push(format!(
                    "{file}: `{module}` uses `crate::{}`, which is in no listed module: \
                     import it from the module that defines it",
                    path.join("::")
                )),
            }
        }
        for imported in edges {
            if imported == *module {
                continue;
            }
            let theirs = order.iter().position(|m| *m == imported).unwrap();
            let layer = layer_of(module).unwrap();
            if layer == COMMANDS && layer_of(&imported) == Some(COMMANDS) {
                problems.push(format!(
                    "{file}: `{module}` imports `crate::{imported}`: a command imports no other \
                     command (move what they share to a layer below)"
                ));
            } else if theirs > own {
                problems.push(format!(
                    "{file}: `{module}` imports `crate::{imported}`, which is not below it"
                ));
            }
        }
    }
    problems
}

/// Each module of the command (`src/bin/toggles/`): a file's path as a
/// `crate::` path (`model/views.rs` is `model::views`), with its text.
/// `main.rs` is the root (it dispatches to every command), and a folder's
/// `mod.rs` only declares the folder's modules: it must import nothing.
fn command_sources(dir: &Path) -> Vec<(String, PathBuf, String)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(folder) = stack.pop() {
        for entry in fs::read_dir(&folder).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            if path.extension().is_none_or(|e| e != "rs") {
                continue;
            }
            let relative = path.strip_prefix(dir).unwrap().with_extension("");
            let segments: Vec<String> = relative
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect();
            if segments == ["main"] {
                continue;
            }
            let code = fs::read_to_string(&path).unwrap();
            if segments.last().is_some_and(|s| s == "mod") {
                assert!(
                    import_paths(&code).is_empty(),
                    "{}: a folder's mod.rs only declares its modules",
                    path.display()
                );
                continue;
            }
            out.push((segments.join("::"), path, code));
        }
    }
    out.sort_by(|a, b| a.1.cmp(&b.1));
    out
}

#[test]
fn every_module_of_the_command_imports_only_from_the_layers_below_it() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let architecture = fs::read_to_string(root.join("ARCHITECTURE.md")).unwrap();
    let layers = layers(&architecture, "## Layers of the command");
    assert!(
        layers.iter().any(|(layer, _)| layer == COMMANDS),
        "the command's layers have a `{COMMANDS}` line"
    );
    let sources: Vec<_> = command_sources(&root.join("src/bin/toggles"))
        .into_iter()
        .map(|(module, file, code)| {
            let file = file.strip_prefix(root).unwrap_or(&file).to_path_buf();
            (module, file, code)
        })
        .collect();
    let problems = command_violations(&layers, &sources);
    assert!(
        problems.is_empty(),
        "the command's layering rule in ARCHITECTURE.md is broken:\n{}",
        problems.join("\n")
    );
}

#[test]
fn the_command_rule_catches_upward_and_sideways_imports_and_unlisted_modules() {
    let layers: Vec<(String, Vec<String>)> = [
        ("bottom", &["words", "fail"][..]),
        ("model", &["model::views"][..]),
        ("commands", &["commands::list", "commands::show"][..]),
    ]
    .map(|(layer, modules)| {
        (
            layer.to_owned(),
            modules.iter().map(|m| m.to_string()).collect(),
        )
    })
    .to_vec();
    let source = |module: &str, code: &str| {
        let file = format!("src/bin/toggles/{}.rs", module.replace("::", "/"));
        (module.to_owned(), PathBuf::from(file), code.to_owned())
    };
    let good = [
        source("words", "pub fn on_off() {}"),
        source("fail", "use crate::words::on_off;"),
        source(
            "model::views",
            "use crate::{fail::Fail, words::{self, on_off}};\n/// [x](crate::commands::list)\nfn f() {}",
        ),
        source(
            "commands::list",
            "use crate::model::views::Views;\nfn g() { crate::fail::Fail::error(1); }\n\
             #[cfg(test)]\nmod tests {\n    use super::*;\n}",
        ),
        source(
            "commands::show",
            "use crate::model::{views::{self, Views}};",
        ),
    ];
    assert_eq!(command_violations(&layers, &good), Vec::<String>::new());

    let mut bad = good.to_vec();
    bad[0] = source("words", "use crate::fail::Fail;");
    bad[2] = source("model::views", "use crate::model::Views;\nuse super::x::Y;");
    bad[4] = source(
        "commands::show",
        "use crate::{commands::list::run, Outcome};",
    );
    bad.push(source("model::stray", "use crate::words::on_off;"));
    assert_eq!(
        command_violations(&layers, &bad),
        [
            "src/bin/toggles/words.rs: `words` imports `crate::fail`, which is not below it",
            "src/bin/toggles/model/views.rs: `model::views` names a path through `super::`: \
             name it from `crate::`",
            "src/bin/toggles/model/views.rs: `model::views` uses `crate::model::Views`, which is \
             in no listed module: import it from the module that defines it",
            "src/bin/toggles/commands/show.rs: `commands::show` uses `crate::Outcome`, which is \
             in no listed module: import it from the module that defines it",
            "src/bin/toggles/commands/show.rs: `commands::show` imports `crate::commands::list`: \
             a command imports no other command (move what they share to a layer below)",
            "src/bin/toggles/model/stray.rs: module `model::stray` is in no layer of the command \
             in ARCHITECTURE.md",
        ]
    );
}
