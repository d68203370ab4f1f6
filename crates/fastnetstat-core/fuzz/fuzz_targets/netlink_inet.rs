#![no_main]
// Input format and checks: src/checks.rs (`netlink_inet`).
libfuzzer_sys::fuzz_target!(|data: &[u8]| fastnetstat_core_fuzz::netlink_inet(data));
