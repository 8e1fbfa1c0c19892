//! `cargo xtask deb`: the two Debian packages, and the check that installs them. (Skeleton:
//! H2 fills this in.)

use std::path::{Path, PathBuf};

#[derive(clap::Args)]
pub struct DebArgs {
    /// The cargo profile whose binaries are packaged (`release`, or `dev` for a quick check).
    #[arg(long, default_value = "release")]
    pub profile: String,
}

/// Builds both packages; returns their paths.
pub fn run(_root: &Path, _args: &DebArgs) -> anyhow::Result<Vec<PathBuf>> {
    anyhow::bail!("packages are not built yet")
}

/// Installs `packages` with `dpkg -i` (root only), runs the installed server with the
/// installed configuration, and checks `/healthz`, a login and the desktop entry.
pub fn install_check(_root: &Path, _packages: &[PathBuf]) -> anyhow::Result<()> {
    anyhow::bail!("the install check is not built yet")
}
