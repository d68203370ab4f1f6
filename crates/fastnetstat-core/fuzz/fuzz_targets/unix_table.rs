#![no_main]
// Input format and checks: src/checks.rs (`unix_table`).
libfuzzer_sys::fuzz_target!(|data: &[u8]| fastnetstat_core_fuzz::unix_table(data));
