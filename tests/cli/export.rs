//! `toggles export --format flagd`: the command line, stdout and `--out`.
//! The JSON's meaning is proved in `flagd.rs`, against the real evaluators.

use crate::common::{expect, folder_with, read, run_ok};

const FILE: &str = "bucketing = \"flagd-v2\"\n\
                    [releases.r]\nrollout = 12.5\n\n\
                    [toggles.b]\nrelease = \"r\"\ndescription = \"Beta\"\n\n\
                    [toggles.a]\nenabled = true\n";

#[test]
fn stdout_and_out_get_the_same_json_and_out_is_replaced_whole() {
    let (dir, _) = folder_with(FILE);
    let stdout = run_ok(dir.path(), &["export", "--format", "flagd"]).stdout;
    let document: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let names: Vec<&String> = document["flags"].as_object().unwrap().keys().collect();
    assert_eq!(names, ["a", "b"]);
    assert_eq!(document["flags"]["b"]["metadata"]["release"], "r");
    assert_eq!(
        document["metadata"],
        serde_json::json!({ "bucketing": "flagd-v2" }),
        "the scheme the file was made for"
    );
    assert!(stdout.ends_with("}\n"));
    assert_eq!(
        run_ok(dir.path(), &["export", "--format", "flagd"]).stdout,
        stdout,
        "deterministic"
    );

    let out = dir.path().join("flags.flagd.json");
    std::fs::write(&out, "a stale export\n").unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&out, std::fs::Permissions::from_mode(0o640)).unwrap();
    }
    let run = run_ok(
        dir.path(),
        &["export", "--format", "flagd", "--out", "flags.flagd.json"],
    );
    assert_eq!(run.stdout, "", "the JSON goes to the file only");
    assert!(
        run.stderr.contains("2 flags (bucketing flagd-v2)"),
        "{}",
        run.stderr
    );
    assert_eq!(read(&out), stdout);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&out).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o640, "a replaced file keeps its mode");
    }
    let mut left: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    left.sort();
    assert_eq!(
        left,
        ["flags.flagd.json", "toggles.toml"],
        "no temporary file left"
    );
}

#[test]
fn a_symlinked_out_stays_a_link() {
    #[cfg(unix)]
    {
        let (dir, _) = folder_with(FILE);
        std::fs::create_dir(dir.path().join("deploy")).unwrap();
        std::fs::write(dir.path().join("deploy/flags.json"), "{}").unwrap();
        std::os::unix::fs::symlink("deploy/flags.json", dir.path().join("link.json")).unwrap();
        run_ok(
            dir.path(),
            &["export", "--format", "flagd", "-o", "link.json"],
        );
        let link = std::fs::symlink_metadata(dir.path().join("link.json")).unwrap();
        assert!(link.file_type().is_symlink());
        assert!(read(&dir.path().join("deploy/flags.json")).contains("flagd.dev/schema"));
    }
}

#[test]
fn mistakes_are_refused_with_what_to_do() {
    let (dir, path) = folder_with(FILE);
    // flagd is the default format (the only one).
    assert_eq!(
        run_ok(dir.path(), &["export"]).stdout,
        run_ok(dir.path(), &["export", "--format", "flagd"]).stdout
    );
    let run = expect(dir.path(), &["export", "--format", "yaml"], 2);
    assert!(
        run.stderr.contains("flagd"),
        "the accepted values: {}",
        run.stderr
    );

    let run = expect(
        dir.path(),
        &[
            "export",
            "--format",
            "flagd",
            "--out",
            "no/such/folder.json",
        ],
        1,
    );
    assert!(
        run.stderr.contains("mkdir -p") && run.stderr.contains("no/such"),
        "{}",
        run.stderr
    );
    let run = expect(
        dir.path(),
        &["export", "--format", "flagd", "--out", "toggles.toml"],
        2,
    );
    assert!(run.stderr.contains("toggles file itself"), "{}", run.stderr);
    assert_eq!(read(&path), FILE, "the toggles file is untouched");
    let run = expect(
        dir.path(),
        &["export", "--format", "flagd", "--out", "."],
        1,
    );
    assert!(run.stderr.contains("a folder"), "{}", run.stderr);

    std::fs::write(&path, "[toggles.a]\nrollout = 12.345\n").unwrap();
    let run = expect(
        dir.path(),
        &["export", "--format", "flagd", "--out", "flags.json"],
        1,
    );
    assert!(run.stderr.contains("toggles.toml:2"), "{}", run.stderr);
    assert!(
        !dir.path().join("flags.json").exists(),
        "nothing is written from an invalid file"
    );
}

/// A flagd deployment serves one environment: `--env` exports the file as
/// that environment sees it; an undeclared one is refused.
#[test]
fn env_exports_one_environments_flags() {
    let file = "environments = [\"staging\", \"production\"]\n\
                [toggles.a]\nenabled = false\nenv.staging.enabled = true\n\
                env.production.rollout = 5\n";
    let (dir, _) = folder_with(file);
    let default_variant = |args: &[&str]| {
        let mut all = vec!["export", "--format", "flagd"];
        all.extend_from_slice(args);
        let json: serde_json::Value =
            serde_json::from_str(&run_ok(dir.path(), &all).stdout).unwrap();
        let flag = json["flags"]["a"].clone();
        (
            flag["defaultVariant"].clone(),
            flag.get("targeting").is_some(),
        )
    };
    let metadata = |args: &[&str]| {
        let mut all = vec!["export", "--format", "flagd"];
        all.extend_from_slice(args);
        let json: serde_json::Value =
            serde_json::from_str(&run_ok(dir.path(), &all).stdout).unwrap();
        json["metadata"].clone()
    };
    assert_eq!(
        metadata(&[]),
        serde_json::json!({ "bucketing": "flagd-v3" })
    );
    assert_eq!(
        metadata(&["--env", "production"]),
        serde_json::json!({ "bucketing": "flagd-v3", "environment": "production" })
    );
    assert_eq!(default_variant(&[]), ("off".into(), false));
    assert_eq!(default_variant(&["--env", "staging"]), ("on".into(), false));
    assert_eq!(
        default_variant(&["--env", "production"]),
        ("off".into(), true)
    );
    let run = expect(
        dir.path(),
        &["export", "--format", "flagd", "--env", "prod"],
        1,
    );
    assert!(
        run.stderr.contains("did you mean `production`?"),
        "{}",
        run.stderr
    );
}

/// A scheduled toggle, whole: a chain over flagd's `$flagd.timestamp`
/// (seconds since the epoch) from the last step to the start state, each
/// branch the rule of that step's state, `off` as the default variant.
/// Whether flagd decides by it as the library does is proved in `flagd.rs`.
#[test]
fn a_scheduled_toggle_is_a_chain_over_the_flagd_timestamp() {
    let file = "[toggles.new_search]\n\
                rollout = 1\n\
                allow = [\"staff-ada\"]\n\
                schedule = [\n  \
                  { at = 2026-12-07T09:00:00Z, rollout = 10 },\n  \
                  { at = 2026-12-11T09:00:00Z, enabled = true },\n\
                ]\n";
    let (dir, _) = folder_with(file);
    let stdout = run_ok(dir.path(), &["export", "--format", "flagd"]).stdout;
    // 2026-12-11T09:00:00Z is 1796979600, 2026-12-07T09:00:00Z 1796634000.
    let expected = r#"{
  "$schema": "https://flagd.dev/schema/v0/flags.json",
  "metadata": {
    "bucketing": "flagd-v3"
  },
  "flags": {
    "new_search": {
      "state": "ENABLED",
      "variants": {
        "on": true,
        "off": false
      },
      "defaultVariant": "off",
      "targeting": {
        "if": [
          {
            ">=": [
              {
                "var": "$flagd.timestamp"
              },
              1796979600
            ]
          },
          "on",
          {
            ">=": [
              {
                "var": "$flagd.timestamp"
              },
              1796634000
            ]
          },
          {
            "if": [
              {
                "var": "targetingKey"
              },
              {
                "if": [
                  {
                    "in": [
                      {
                        "var": "targetingKey"
                      },
                      [
                        "staff-ada"
                      ]
                    ]
                  },
                  "on",
                  {
                    "fractional": [
                      [
                        "on",
                        1000
                      ],
                      [
                        "off",
                        9000
                      ]
                    ]
                  }
                ]
              },
              null
            ]
          },
          {
            "if": [
              {
                "var": "targetingKey"
              },
              {
                "if": [
                  {
                    "in": [
                      {
                        "var": "targetingKey"
                      },
                      [
                        "staff-ada"
                      ]
                    ]
                  },
                  "on",
                  {
                    "fractional": [
                      [
                        "on",
                        100
                      ],
                      [
                        "off",
                        9900
                      ]
                    ]
                  }
                ]
              },
              null
            ]
          }
        ]
      },
      "metadata": {
        "kind": "release"
      }
    }
  }
}
"#;
    assert_eq!(stdout, expected);
}

/// The lifecycle fields, whole: each flag's `metadata` has the toggle's
/// own `owner`, `kind` (always) and `expires`, beside its `description`
/// and `release`; the environment is the flag set's.
#[test]
fn each_flags_metadata_carries_its_owner_kind_and_expiry() {
    let file = "environments = [\"production\"]\n\
                [releases.checkout]\nenabled = true\nowner = \"payments\"\nexpires = 2026-12-31\n\n\
                [toggles.pay]\nrelease = \"checkout\"\nkind = \"experiment\"\n\
                expires = 2026-12-24\ndescription = \"One-click pay\"\n\n\
                [toggles.kill]\nenabled = true\nowner = \"sre\"\nkind = \"ops\"\n\
                env.production.enabled = false\n";
    let (dir, _) = folder_with(file);
    let stdout = run_ok(
        dir.path(),
        &["export", "--format", "flagd", "--env", "production"],
    )
    .stdout;
    let expected = r#"{
  "$schema": "https://flagd.dev/schema/v0/flags.json",
  "metadata": {
    "bucketing": "flagd-v3",
    "environment": "production"
  },
  "flags": {
    "kill": {
      "state": "ENABLED",
      "variants": {
        "on": true,
        "off": false
      },
      "defaultVariant": "off",
      "metadata": {
        "owner": "sre",
        "kind": "ops"
      }
    },
    "pay": {
      "state": "ENABLED",
      "variants": {
        "on": true,
        "off": false
      },
      "defaultVariant": "on",
      "metadata": {
        "description": "One-click pay",
        "release": "checkout",
        "kind": "experiment",
        "expires": "2026-12-24"
      }
    }
  }
}
"#;
    assert_eq!(stdout, expected);
}
