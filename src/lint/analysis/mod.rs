//! Analyses that several checks share, each computed once per file by [`super::Context`].

pub mod kinds;
pub mod points;
pub mod range;
pub mod tiers;
pub mod uses;
pub mod walk;
