//! The text toolkit every /proc parser uses. Each glibc conversion and each
//! way of cutting a file into lines lives in one place here, with its tests:
//!
//! - [`files`]: reading a procfs file whole, or block by block (the socket
//!   tables can be huge);
//! - [`lines`]: lines as `getline` and `fgets(buf, size)` hand them over,
//!   the header and body of a table, C strings (up to the first NUL);
//! - [`numbers`]: the values `strtoul`, `strtol` and `strtoull` give, the
//!   fixed-width hex fields the kernel writes, narrowing into row fields;
//! - [`scanf`]: a cursor whose conversions (`%d`, `%X`, `%lX`, `%lu`, `%p`,
//!   `%Nx`, `%Ns`, `%N[0-9A-Fa-f]`) store exactly what glibc 2.36's `sscanf`
//!   stores, without allocating and without panicking;
//! - [`columns`]: net-tools' `proc_gen_fmt`, a scanf format built from a
//!   table's header line.

pub(crate) mod columns;
pub(crate) mod files;
pub(crate) mod ipv6;
pub(crate) mod lines;
pub(crate) mod numbers;
pub(crate) mod scanf;

pub(crate) use files::{collect_blocks, read_all, read_line_blocks};
pub(crate) use lines::{body, c_str, contains, fgets_lines, first_line, for_each_line, without_newline};
pub(crate) use numbers::{hex_digits_u64, hex_fixed, sat_u16, sat_u32, sat_u8};
pub(crate) use scanf::Cursor;

/// `isspace` in the C locale.
#[inline]
pub(crate) fn is_space(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\n' | b'\x0b' | b'\x0c' | b'\r')
}
