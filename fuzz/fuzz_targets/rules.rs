//! Any bytes as a rule file: the parser and the checker (names, kinds, points, scripts) must
//! answer with diagnostics, never panic, hang or exhaust the stack.
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::sync::Arc;

fuzz_target!(|data: &[u8]| {
    // The library takes text; the CLI refuses bytes that are not UTF-8 before it gets here.
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = zhibiao::builtin::load(&Arc::from("fuzz.zb"), text);
    }
});
