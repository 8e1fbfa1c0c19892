//! What each command needs from the system (Debian packages, test accounts, toolchain
//! components): checks, installs when it can (root, or sudo without a password), or stops
//! with the exact command to run. (Skeleton: H1 fills this in.)

/// Which command the set-up is for: each needs a different set of packages.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Purpose {
    Demo,
    Test,
    Deb,
}

#[derive(clap::Args)]
pub struct SetupArgs {
    /// The command to set up for.
    #[arg(long = "for", value_enum, default_value = "test")]
    pub purpose: Purpose,
}

pub fn run(args: &SetupArgs) -> anyhow::Result<()> {
    ensure(args.purpose)
}

/// Makes sure everything `purpose` needs is installed.
pub fn ensure(_purpose: Purpose) -> anyhow::Result<()> {
    anyhow::bail!("set-up is not built yet")
}
