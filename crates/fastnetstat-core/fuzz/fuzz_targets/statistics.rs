#![no_main]
// Input format and checks: src/checks.rs (`statistics`).
libfuzzer_sys::fuzz_target!(|data: &[u8]| fastnetstat_core_fuzz::statistics(data));
