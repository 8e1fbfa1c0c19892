//! The Rust toolchain's optional components the test command runs (`cargo fmt`, `cargo
//! clippy`): added with rustup when it manages the toolchain, otherwise checked and named.

use anyhow::{Context as _, bail};
use std::process::{Command, Stdio};

/// Adds each of `components` that rustup reports missing; without rustup, checks that
/// `cargo <tool> --version` runs and says what to install when not.
pub fn ensure_components(components: &[&str]) -> anyhow::Result<()> {
    let listed = Command::new("rustup")
        .args(["component", "list", "--installed"])
        .stdin(Stdio::null())
        .stderr(Stdio::inherit())
        .output();
    let Ok(listed) = listed.map(|output| output.stdout) else {
        return check_without_rustup(components);
    };
    let installed = String::from_utf8_lossy(&listed);
    for component in components {
        if has_component(&installed, component) {
            continue;
        }
        println!("$ rustup component add {component}");
        let status = Command::new("rustup")
            .args(["component", "add", component])
            .stdin(Stdio::null())
            .status()
            .context("running rustup")?;
        if !status.success() {
            bail!("`rustup component add {component}` failed ({status})");
        }
    }
    Ok(())
}

/// Whether `rustup component list --installed` (names like `clippy-x86_64-unknown-linux-gnu`)
/// lists `component`.
fn has_component(listed: &str, component: &str) -> bool {
    listed.lines().any(|line| {
        let line = line.trim();
        line == component || line.starts_with(&format!("{component}-"))
    })
}

/// A toolchain rustup does not manage (a distribution's cargo): the tools must already run.
fn check_without_rustup(components: &[&str]) -> anyhow::Result<()> {
    for component in components {
        let tool = component_tool(component);
        let runs = Command::new("cargo")
            .args([tool, "--version"])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|status| status.success());
        if !runs {
            bail!(
                "`cargo {tool}` does not run and there is no rustup to add it: install \
                 {component} for this toolchain (Debian: apt-get install rustfmt \
                 rust-clippy), or install Rust with rustup"
            );
        }
    }
    Ok(())
}

/// The cargo subcommand a component provides (`rustfmt` is run as `cargo fmt`).
fn component_tool(component: &str) -> &str {
    match component {
        "rustfmt" => "fmt",
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn installed_components_are_read_with_or_without_the_target() {
        let listed = "cargo-x86_64-unknown-linux-gnu\nclippy-x86_64-unknown-linux-gnu\nrust-std-x86_64-unknown-linux-gnu\nrustc-x86_64-unknown-linux-gnu\n";
        assert!(has_component(listed, "clippy"));
        assert!(!has_component(listed, "rustfmt"));
        assert!(has_component("rustfmt\n", "rustfmt"));
        // `rust-std` must not pass for a component named `rust`.
        assert!(!has_component("rust-src\n", "rustfmt"));
    }
}
