//! SplitMix64: a tiny, well-known generator, the same on every platform
//! and fixed forever, so a seeded shuffle or a synthetic record never
//! changes between versions. Used by the screen's random order and by the
//! synthetic records of the benchmarks.

/// Advances `state` and returns the next number.
pub fn next(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_reference_sequence() {
        // The first outputs for seed 0 of the reference implementation
        // (Vigna, splitmix64.c).
        let mut s = 0;
        assert_eq!(super::next(&mut s), 0xE220_A839_7B1D_CDAF);
        assert_eq!(super::next(&mut s), 0x6E78_9E6A_A1B9_65F4);
    }
}
