//! The benchmarks live in `engine.rs` (`cargo bench -p zhibiao-bench`); this package has no library code.
