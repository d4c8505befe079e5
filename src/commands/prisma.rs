//! `screener prisma`: the PRISMA 2020 flow diagram's counts in the format
//! asked for (docs/PRISMA.md).

use anyhow::{Result, anyhow};

use crate::cli::{PrismaArgs, PrismaFormat};
use crate::prisma;
use crate::store;

pub fn run(args: &PrismaArgs) -> Result<()> {
    let (project, reviewer) = super::status::load_for_report(
        &args.project,
        args.reviewer.as_deref(),
        store::Detail::Counts,
    )?;
    let p = prisma::compute(&project, &reviewer);
    // The counts come from one pass over the records; a failed identity
    // is a bug, and a report with it must not look right.
    if let Err(e) = p.check() {
        return Err(anyhow!(
            "the PRISMA counts do not add up ({e}); please report this"
        ));
    }
    let name = args.project.display().to_string();
    let format = if args.json {
        PrismaFormat::Json
    } else {
        args.format
    };
    let text = match format {
        PrismaFormat::Text => prisma::outline::render(&p, &name),
        PrismaFormat::Json => {
            let mut s = serde_json::to_string(&p)?;
            s.push('\n');
            s
        }
        PrismaFormat::Csv => prisma::outline::csv(&p),
        PrismaFormat::Prisma2020 => prisma::template::render(&p),
        PrismaFormat::Svg => prisma::svg::render(&p),
        PrismaFormat::Mermaid => prisma::mermaid::render(&p),
    };
    store::release(project);
    crate::outfile::emit(args.output.as_deref(), &text, args.force)?;
    if let Some(path) = &args.output {
        eprintln!("wrote {}", path.display());
    }
    Ok(())
}
