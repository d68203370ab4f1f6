#![no_main]
// Input format and checks: src/checks.rs (`filter`).
libfuzzer_sys::fuzz_target!(|data: &[u8]| fastnetstat_core_fuzz::filter(data));
