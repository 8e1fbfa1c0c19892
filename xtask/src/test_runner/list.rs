//! The test binaries of a build and what each needs to run as `cargo test` would run it, read
//! from cargo's own words: the JSON lines of `cargo test --no-run
//! --message-format=json-render-diagnostics` (which executables are test builds, of which
//! target, from which source file, and each package's build-script output) and `cargo
//! metadata --no-deps` (each package's name, version and the rest of its `CARGO_PKG_*`).
//! Parsing is pure (text in, lists out) so it is tested on sample lines.

use serde_json::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// What a test binary was built from. `cargo test` calls the first two "unittests".
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum TargetKind {
    Lib,
    Bin,
    Test,
    Bench,
    Example,
}

impl TargetKind {
    /// Cargo's `target.kind` list: `["lib"]`, `["rlib", "cdylib"]`, `["bin"]`, `["test"]`...
    fn from_cargo(kinds: &[Value]) -> Option<TargetKind> {
        let kinds: Vec<&str> = kinds.iter().filter_map(Value::as_str).collect();
        let library = ["lib", "rlib", "dylib", "cdylib", "staticlib", "proc-macro"];
        if kinds.iter().any(|kind| library.contains(kind)) {
            Some(TargetKind::Lib)
        } else if kinds.contains(&"bin") {
            Some(TargetKind::Bin)
        } else if kinds.contains(&"test") {
            Some(TargetKind::Test)
        } else if kinds.contains(&"bench") {
            Some(TargetKind::Bench)
        } else if kinds.contains(&"example") {
            Some(TargetKind::Example)
        } else {
            None
        }
    }

    /// Unit tests of the crate itself (`     Running unittests src/lib.rs (...)`).
    pub fn is_unittests(self) -> bool {
        matches!(self, TargetKind::Lib | TargetKind::Bin)
    }
}

/// One test executable of the build.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TestBinary {
    /// The package's name (`switchboard-server`).
    pub package: String,
    /// The directory of the package's Cargo.toml: the binary's working directory.
    pub package_dir: PathBuf,
    /// The target's name (`e2e_portal`, or `switchboard_server` for the library).
    pub target: String,
    pub kind: TargetKind,
    /// The target's root source file (`.../server-stub/tests/e2e_portal.rs`).
    pub src_path: PathBuf,
    pub executable: PathBuf,
    /// What `cargo test` sets in the binary's environment for this package and target.
    pub env: Vec<(String, String)>,
}

/// What could not be read from cargo's output.
#[derive(Debug, thiserror::Error)]
pub enum ListError {
    #[error("cargo metadata is not JSON: {0}")]
    Metadata(serde_json::Error),
    #[error("cargo metadata has no packages list")]
    NoPackages,
    #[error("a test binary of {manifest} whose package cargo metadata does not list")]
    UnknownPackage { manifest: String },
    #[error("cargo's build message lacks {field}: {line}")]
    MissingField { field: &'static str, line: String },
}

/// A workspace package as `cargo metadata` describes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Package {
    pub name: String,
    pub manifest_path: PathBuf,
    /// `CARGO_PKG_*` and `CARGO_MANIFEST_*`, as cargo sets them when it runs a test.
    pub env: Vec<(String, String)>,
}

/// Reads `cargo metadata --no-deps --format-version 1`.
pub fn parse_metadata(json: &str) -> Result<Vec<Package>, ListError> {
    let metadata: Value = serde_json::from_str(json).map_err(ListError::Metadata)?;
    let packages = metadata["packages"]
        .as_array()
        .ok_or(ListError::NoPackages)?;
    Ok(packages.iter().filter_map(package_of).collect())
}

fn package_of(package: &Value) -> Option<Package> {
    let text = |field: &str| package[field].as_str().unwrap_or_default().to_owned();
    let name = package["name"].as_str()?.to_owned();
    let manifest_path = PathBuf::from(package["manifest_path"].as_str()?);
    let version = text("version");
    let manifest_dir = manifest_path.parent().unwrap_or(Path::new("/"));
    let authors: Vec<&str> = package["authors"]
        .as_array()
        .map(|authors| authors.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let (major, minor, patch, pre) = version_parts(&version);
    let mut env = vec![
        ("CARGO_MANIFEST_DIR", manifest_dir.display().to_string()),
        ("CARGO_MANIFEST_PATH", manifest_path.display().to_string()),
        ("CARGO_PKG_AUTHORS", authors.join(":")),
        ("CARGO_PKG_DESCRIPTION", text("description")),
        ("CARGO_PKG_HOMEPAGE", text("homepage")),
        ("CARGO_PKG_LICENSE", text("license")),
        ("CARGO_PKG_LICENSE_FILE", text("license_file")),
        ("CARGO_PKG_NAME", name.clone()),
        ("CARGO_PKG_README", text("readme")),
        ("CARGO_PKG_REPOSITORY", text("repository")),
        ("CARGO_PKG_RUST_VERSION", text("rust_version")),
        ("CARGO_PKG_VERSION_MAJOR", major),
        ("CARGO_PKG_VERSION_MINOR", minor),
        ("CARGO_PKG_VERSION_PATCH", patch),
        ("CARGO_PKG_VERSION_PRE", pre),
    ];
    env.push(("CARGO_PKG_VERSION", version));
    Some(Package {
        name,
        manifest_path,
        env: env
            .into_iter()
            .map(|(key, value)| (key.to_owned(), value))
            .collect(),
    })
}

/// `1.2.3-rc.1+build` → ("1", "2", "3", "rc.1"), as cargo splits it.
fn version_parts(version: &str) -> (String, String, String, String) {
    let without_build = version.split('+').next().unwrap_or_default();
    let (core, pre) = without_build.split_once('-').unwrap_or((without_build, ""));
    let mut numbers = core.split('.').map(str::to_owned);
    (
        numbers.next().unwrap_or_default(),
        numbers.next().unwrap_or_default(),
        numbers.next().unwrap_or_default(),
        pre.to_owned(),
    )
}

/// The test binaries in cargo's build messages, each with its runtime environment: the
/// package's `CARGO_*`, `CARGO_BIN_EXE_<name>` of the package's programs for integration tests
/// and benches (cargo sets them at run time too since 1.94), and its build script's `OUT_DIR`
/// and `cargo::rustc-env` variables. Lines that are not JSON (none are expected) are skipped.
pub fn test_binaries(
    build_messages: &str,
    packages: &[Package],
) -> Result<Vec<TestBinary>, ListError> {
    let messages: Vec<Value> = build_messages
        .lines()
        .filter(|line| line.starts_with('{'))
        .filter_map(|line| serde_json::from_str(line).ok())
        .collect();

    // Per package id: its programs (for CARGO_BIN_EXE_*) and its build script's output.
    let mut programs: BTreeMap<&str, Vec<(String, String)>> = BTreeMap::new();
    let mut script_env: BTreeMap<&str, Vec<(String, String)>> = BTreeMap::new();
    for message in &messages {
        let package_id = message["package_id"].as_str().unwrap_or_default();
        match message["reason"].as_str() {
            Some("compiler-artifact") if message["profile"]["test"] == Value::Bool(false) => {
                let is_bin = message["target"]["kind"]
                    .as_array()
                    .is_some_and(|kinds| kinds.iter().any(|kind| kind == "bin"));
                if let (true, Some(name), Some(executable)) = (
                    is_bin,
                    message["target"]["name"].as_str(),
                    message["executable"].as_str(),
                ) {
                    programs
                        .entry(package_id)
                        .or_default()
                        .push((format!("CARGO_BIN_EXE_{name}"), executable.to_owned()));
                }
            }
            Some("build-script-executed") => {
                let env = script_env.entry(package_id).or_default();
                if let Some(out_dir) = message["out_dir"].as_str() {
                    env.push(("OUT_DIR".to_owned(), out_dir.to_owned()));
                }
                for pair in message["env"].as_array().into_iter().flatten() {
                    if let (Some(key), Some(value)) = (pair[0].as_str(), pair[1].as_str()) {
                        env.push((key.to_owned(), value.to_owned()));
                    }
                }
            }
            _ => {}
        }
    }

    let mut binaries = Vec::new();
    for message in &messages {
        let is_test_build = message["reason"] == "compiler-artifact"
            && message["profile"]["test"] == Value::Bool(true);
        let Some(executable) = message["executable"].as_str().filter(|_| is_test_build) else {
            continue;
        };
        let line = || message.to_string();
        let field = |field: &'static str, value: Option<&str>| {
            value
                .map(str::to_owned)
                .ok_or_else(|| ListError::MissingField {
                    field,
                    line: line(),
                })
        };
        let manifest = field("manifest_path", message["manifest_path"].as_str())?;
        let target = field("target.name", message["target"]["name"].as_str())?;
        let src_path = field("target.src_path", message["target"]["src_path"].as_str())?;
        let kind = message["target"]["kind"]
            .as_array()
            .and_then(|kinds| TargetKind::from_cargo(kinds))
            .ok_or_else(|| ListError::MissingField {
                field: "target.kind",
                line: line(),
            })?;
        let package = packages
            .iter()
            .find(|package| package.manifest_path == Path::new(&manifest))
            .ok_or_else(|| ListError::UnknownPackage {
                manifest: manifest.clone(),
            })?;
        let package_id = message["package_id"].as_str().unwrap_or_default();
        let mut env = package.env.clone();
        if matches!(kind, TargetKind::Test | TargetKind::Bench) {
            env.extend(programs.get(package_id).into_iter().flatten().cloned());
        }
        env.extend(script_env.get(package_id).into_iter().flatten().cloned());
        binaries.push(TestBinary {
            package: package.name.clone(),
            package_dir: package
                .manifest_path
                .parent()
                .unwrap_or(Path::new("/"))
                .to_owned(),
            target,
            kind,
            src_path: PathBuf::from(src_path),
            executable: PathBuf::from(executable),
            env,
        });
    }
    Ok(binaries)
}

#[cfg(test)]
mod tests {
    use super::*;

    const METADATA: &str = r#"{"packages":[
        {"name":"switchboard-server","version":"0.1.0","authors":["A <a@x>","B"],
         "description":"Routing server","homepage":null,"repository":null,
         "license":"MIT OR Apache-2.0","license_file":null,"readme":null,"rust_version":"1.95",
         "manifest_path":"/w/server-stub/Cargo.toml"},
        {"name":"switchboard-protocol","version":"2.3.4-rc.1+abc","authors":[],
         "manifest_path":"/w/protocol/Cargo.toml"}
    ],"workspace_root":"/w"}"#;

    /// Sample lines as cargo 1.95 writes them (shortened): a program, a build script's
    /// output, a test build of an integration test and of the library, a test build that
    /// is not run (a plain library artifact), and the closing line.
    fn build_lines() -> String {
        [
            r#"{"reason":"compiler-artifact","package_id":"path+file:///w/server-stub#switchboard-server@0.1.0","manifest_path":"/w/server-stub/Cargo.toml","target":{"kind":["bin"],"crate_types":["bin"],"name":"switchboard-server","src_path":"/w/server-stub/src/main.rs","test":true},"profile":{"test":false},"executable":"/w/target/debug/switchboard-server","fresh":true}"#,
            r#"{"reason":"build-script-executed","package_id":"path+file:///w/server-stub#switchboard-server@0.1.0","linked_libs":[],"linked_paths":[],"cfgs":[],"env":[["GIT_HASH","abc"]],"out_dir":"/w/target/debug/build/switchboard-server-1/out"}"#,
            r#"{"reason":"compiler-artifact","package_id":"path+file:///w/server-stub#switchboard-server@0.1.0","manifest_path":"/w/server-stub/Cargo.toml","target":{"kind":["test"],"crate_types":["bin"],"name":"e2e_portal","src_path":"/w/server-stub/tests/e2e_portal.rs","test":true},"profile":{"test":true},"executable":"/w/target/debug/deps/e2e_portal-0a1b","fresh":false}"#,
            r#"{"reason":"compiler-artifact","package_id":"path+file:///w/protocol#switchboard-protocol@2.3.4-rc.1+abc","manifest_path":"/w/protocol/Cargo.toml","target":{"kind":["lib"],"crate_types":["lib"],"name":"switchboard_protocol","src_path":"/w/protocol/src/lib.rs","test":true},"profile":{"test":true},"executable":"/w/target/debug/deps/switchboard_protocol-99","fresh":true}"#,
            r#"{"reason":"compiler-artifact","package_id":"path+file:///w/protocol#switchboard-protocol@2.3.4-rc.1+abc","manifest_path":"/w/protocol/Cargo.toml","target":{"kind":["lib"],"crate_types":["lib"],"name":"switchboard_protocol","src_path":"/w/protocol/src/lib.rs","test":true},"profile":{"test":false},"executable":null,"fresh":true}"#,
            "not json: skipped",
            r#"{"reason":"build-finished","success":true}"#,
        ]
        .join("\n")
    }

    fn env_of<'a>(binary: &'a TestBinary, key: &str) -> Option<&'a str> {
        binary
            .env
            .iter()
            .find(|(name, _)| name == key)
            .map(|(_, value)| value.as_str())
    }

    #[test]
    fn only_test_builds_with_an_executable_are_listed() {
        let packages = parse_metadata(METADATA).unwrap();
        let binaries = test_binaries(&build_lines(), &packages).unwrap();
        let names: Vec<(&str, &str, TargetKind)> = binaries
            .iter()
            .map(|b| (b.package.as_str(), b.target.as_str(), b.kind))
            .collect();
        assert_eq!(
            names,
            [
                ("switchboard-server", "e2e_portal", TargetKind::Test),
                (
                    "switchboard-protocol",
                    "switchboard_protocol",
                    TargetKind::Lib
                ),
            ]
        );
        let portal = &binaries[0];
        assert_eq!(portal.package_dir, Path::new("/w/server-stub"));
        assert_eq!(
            portal.src_path,
            Path::new("/w/server-stub/tests/e2e_portal.rs")
        );
        assert_eq!(
            portal.executable,
            Path::new("/w/target/debug/deps/e2e_portal-0a1b")
        );
    }

    #[test]
    fn each_binary_gets_the_environment_cargo_test_gives_it() {
        let packages = parse_metadata(METADATA).unwrap();
        let binaries = test_binaries(&build_lines(), &packages).unwrap();
        let (portal, protocol) = (&binaries[0], &binaries[1]);
        assert_eq!(env_of(portal, "CARGO_MANIFEST_DIR"), Some("/w/server-stub"));
        assert_eq!(env_of(portal, "CARGO_PKG_NAME"), Some("switchboard-server"));
        assert_eq!(env_of(portal, "CARGO_PKG_AUTHORS"), Some("A <a@x>:B"));
        assert_eq!(env_of(portal, "CARGO_PKG_HOMEPAGE"), Some(""));
        assert_eq!(
            env_of(portal, "CARGO_BIN_EXE_switchboard-server"),
            Some("/w/target/debug/switchboard-server")
        );
        assert_eq!(
            env_of(portal, "OUT_DIR"),
            Some("/w/target/debug/build/switchboard-server-1/out")
        );
        assert_eq!(env_of(portal, "GIT_HASH"), Some("abc"));
        // Unit tests get no CARGO_BIN_EXE_*, as under cargo; another package's nothing.
        assert_eq!(env_of(protocol, "CARGO_BIN_EXE_switchboard-server"), None);
        assert_eq!(env_of(protocol, "OUT_DIR"), None);
        assert_eq!(
            env_of(protocol, "CARGO_PKG_VERSION"),
            Some("2.3.4-rc.1+abc")
        );
        assert_eq!(env_of(protocol, "CARGO_PKG_VERSION_MAJOR"), Some("2"));
        assert_eq!(env_of(protocol, "CARGO_PKG_VERSION_PATCH"), Some("4"));
        assert_eq!(env_of(protocol, "CARGO_PKG_VERSION_PRE"), Some("rc.1"));
    }

    #[test]
    fn a_test_build_of_an_unknown_package_is_an_error_not_a_silent_skip() {
        let packages = parse_metadata(METADATA).unwrap();
        let stranger = build_lines().replace("/w/protocol/Cargo.toml", "/elsewhere/Cargo.toml");
        let error = test_binaries(&stranger, &packages).unwrap_err();
        assert!(
            error.to_string().contains("/elsewhere/Cargo.toml"),
            "{error}"
        );
    }

    #[test]
    fn metadata_that_is_not_cargos_is_refused() {
        assert!(parse_metadata("{").is_err());
        assert!(matches!(parse_metadata("{}"), Err(ListError::NoPackages)));
    }

    #[test]
    fn target_kinds_read_as_cargo_names_them() {
        let kinds = |list: &[&str]| {
            let values: Vec<Value> = list.iter().map(|k| Value::from(*k)).collect();
            TargetKind::from_cargo(&values)
        };
        assert_eq!(kinds(&["rlib", "cdylib"]), Some(TargetKind::Lib));
        assert_eq!(kinds(&["proc-macro"]), Some(TargetKind::Lib));
        assert_eq!(kinds(&["bin"]), Some(TargetKind::Bin));
        assert_eq!(kinds(&["test"]), Some(TargetKind::Test));
        assert_eq!(kinds(&["custom-build"]), None);
        assert!(TargetKind::Bin.is_unittests());
        assert!(!TargetKind::Test.is_unittests());
    }
}
