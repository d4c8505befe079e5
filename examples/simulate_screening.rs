//! Writes a simulated screening into a project: `alice` and `bob` through
//! both stages and the `consensus` a resolve session would write
//! (`screener::synth_screening`), journaled and checkpointed like the
//! screen does. For trying `status`, `prisma` and `export` on a real
//! corpus file:
//!
//! ```sh
//! screener import review.ron ../shared/corpus/ris/citesource_gambling_scopus_255.ris
//! cargo run --example simulate_screening -- review.ron
//! screener prisma review.ron
//! ```

use std::path::PathBuf;

use screener::store::Store;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let path = PathBuf::from(
        args.next()
            .ok_or("usage: simulate_screening PROJECT [SEED]")?,
    );
    let seed: u64 = args.next().map_or(Ok(1), |s| s.parse())?;
    let (mut project, mut store, _) = Store::open(&path)?;
    let changes = screener::synth_screening::two_reviewers(&project, seed);
    store.append_batch(&changes)?;
    for c in &changes {
        project.apply(c);
    }
    store.checkpoint(&mut project)?;
    eprintln!(
        "{}: {} changes written (alice, bob, consensus)",
        path.display(),
        changes.len()
    );
    Ok(())
}
