#![no_main]
// Input format and checks: src/checks.rs (`inet_table`).
libfuzzer_sys::fuzz_target!(|data: &[u8]| fastnetstat_core_fuzz::inet_table(data));
