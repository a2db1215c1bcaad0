//! Any text, audited as a Dockerfile: the parser and every rule must return findings or a clean
//! error, never panic or hang.
#![no_main]

use berth::audit::config::Config;
use berth::audit::rule::FileKind;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = berth::audit::audit_text("fuzz", text, FileKind::Dockerfile, None, &Config::default());
    }
});
