//! `cargo xtask demo`: set up, then run the console's demo. (Skeleton: H1 fills this in.)

use std::path::Path;

#[derive(clap::Args)]
pub struct DemoArgs {}

pub fn run(_root: &Path, _args: &DemoArgs) -> anyhow::Result<()> {
    anyhow::bail!("the demo command is not built yet")
}
