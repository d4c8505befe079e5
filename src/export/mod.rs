//! Records to the file formats other tools read.

pub mod bibtex;
pub mod csv;
pub mod ris;
