#![no_main]
// Input format and checks: src/checks.rs (`netlink_unix`).
libfuzzer_sys::fuzz_target!(|data: &[u8]| fastnetstat_core_fuzz::netlink_unix(data));
