//! The subcommands added for rule versions, kept out of `main.rs`: rule selection and the
//! `rules` listing, `diff`, and `verify`. Command-line only: these modules read files and print.

pub mod rules;
