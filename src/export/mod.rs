//! Writing records out in the formats other tools read.

pub mod csv;
