use anyhow::Result;

use crate::cli::{MergeArgs, MergeDriverArgs};

pub fn run(_args: &MergeArgs) -> Result<()> {
    anyhow::bail!("merge: not yet")
}

pub fn driver(_args: &MergeDriverArgs) -> Result<()> {
    anyhow::bail!("merge-driver: not yet")
}
