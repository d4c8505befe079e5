//! Synthetic records as RIS on stdout (`screener::synth`), for trying the
//! program at scale:
//!
//! ```text
//! cargo run --release --example synth -- 100000 > big.ris        # 100k records, seed 42
//! cargo run --release --example synth -- 10000 7 0.2 > dups.ris  # seed 7, 20 % duplicates
//! ```

use std::io::{BufWriter, Write};

fn main() {
    let mut args = std::env::args().skip(1);
    let n: usize = args
        .next()
        .and_then(|a| a.replace('_', "").parse().ok())
        .unwrap_or(1000);
    let seed: u64 = args.next().and_then(|a| a.parse().ok()).unwrap_or(42);
    let duplicates: f64 = args.next().and_then(|a| a.parse().ok()).unwrap_or(0.0);
    let generator = screener::synth::Generator::new(seed).duplicates(duplicates);
    let stdout = std::io::stdout().lock();
    let mut out = BufWriter::with_capacity(1 << 20, stdout);
    if let Err(e) =
        screener::synth::write_ris(&mut out, generator.records(n)).and_then(|()| out.flush())
    {
        eprintln!("error: {e}");
        std::process::exit(1);
    }
}
