//! `cargo xtask deb`: builds the two Debian packages, `switchboard` (the console) and
//! `switchboard-server`, into target/debian/ with dpkg-deb from staged trees (what goes in
//! them: deb/layout.rs; packaging/ holds the unit, configuration and maintainer scripts), and
//! the check that installs them on this machine, runs the installed server and purges them
//! again (deb/install_check.rs; `--install-check`, root only).

mod control;
mod http;
mod install_check;
mod layout;
#[cfg(test)]
mod packaging_files;
mod stage;

use anyhow::Context;
use std::path::{Path, PathBuf};

pub use install_check::install_check;

#[derive(clap::Args)]
pub struct DebArgs {
    /// The cargo profile whose binaries are packaged (`release`, or `dev` for a quick check).
    #[arg(long, default_value = "release")]
    pub profile: String,
    /// Then install both packages here, run the installed server, check /healthz, a login
    /// and the desktop entry, and purge them again (root only; changes this machine).
    #[arg(long)]
    pub install_check: bool,
    /// Package the binaries already in the profile's directory instead of building them
    /// (when they were just built, or the tree does not build at the moment).
    #[arg(long, hide = true)]
    pub no_build: bool,
}

/// Builds both packages; returns their paths.
pub fn run(root: &Path, args: &DebArgs) -> anyhow::Result<Vec<PathBuf>> {
    let target = target_dir(root);
    if !args.no_build {
        stage::run(
            std::process::Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
                .current_dir(root)
                .args(["build", "--profile", &args.profile])
                .args(["-p", "switchboard", "-p", "switchboard-server"]),
        )
        .context("building the binaries")?;
    }
    let binaries = target.join(profile_dir(&args.profile));
    let out = target.join("debian");
    std::fs::create_dir_all(&out).with_context(|| format!("creating {}", out.display()))?;
    let version = control::debian_version(env!("CARGO_PKG_VERSION"))?;
    let arch = control::debian_arch(std::env::consts::ARCH)?;
    let build = stage::Build {
        root,
        binaries: &binaries,
        out: &out,
        version: &version,
        arch,
        compression: if args.profile == "release" {
            "xz"
        } else {
            "gzip"
        },
    };
    let mut packages = Vec::new();
    for spec in [layout::console(), layout::server()] {
        let package = stage::build_package(&build, &spec)
            .with_context(|| format!("building the {} package", spec.name))?;
        let size = std::fs::metadata(&package).map(|m| m.len()).unwrap_or(0);
        println!(
            "built {} ({:.1} MB)",
            package.display(),
            size as f64 / 1_000_000.0
        );
        packages.push(package);
    }
    if args.install_check {
        install_check(root, &packages)?;
    }
    Ok(packages)
}

/// Cargo's target directory: `CARGO_TARGET_DIR` when set, else target/ in the workspace.
fn target_dir(root: &Path) -> PathBuf {
    match std::env::var_os("CARGO_TARGET_DIR") {
        Some(dir) => root.join(dir),
        None => root.join("target"),
    }
}

/// The directory a profile's binaries go to: `dev` builds into debug/, every other profile
/// into a directory of its own name.
fn profile_dir(profile: &str) -> &str {
    match profile {
        "dev" | "test" => "debug",
        "bench" => "release",
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn profiles_map_to_cargos_output_directories() {
        assert_eq!(profile_dir("dev"), "debug");
        assert_eq!(profile_dir("release"), "release");
        assert_eq!(profile_dir("dist"), "dist");
    }
}
