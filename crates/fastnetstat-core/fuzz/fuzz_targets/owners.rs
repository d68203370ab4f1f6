#![no_main]
// Input format and checks: src/checks.rs (`owners`).
libfuzzer_sys::fuzz_target!(|data: &[u8]| fastnetstat_core_fuzz::owners(data));
