//! Records to the file formats other tools read.

pub mod asreview;
pub mod bibtex;
pub mod csv;
pub mod decisions;
pub mod ris;
