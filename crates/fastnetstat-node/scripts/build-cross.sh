#!/usr/bin/env bash
# Builds the addon for the targets other than x86_64-unknown-linux-gnu on a
# Debian 12 (bookworm) x86_64 machine that cannot reach static.rust-lang.org,
# so `rustup target add` is not an option. Everything comes from Debian:
#   - the compiler: rustc-web/cargo-web (bookworm-security; rustup's toolchain
#     here has the x86_64-unknown-linux-gnu std only)
#   - aarch64-unknown-linux-gnu: Debian's prebuilt arm64 std for that compiler
#     (libstd-rust-web-dev:arm64, unpacked, not installed) + gcc-aarch64-linux-gnu
#   - *-linux-musl: std built from rust-web-src (-Zbuild-std), linked with
#     musl-gcc (x86_64) or gcc-aarch64-linux-gnu with arm64 musl unpacked
#     from Debian's musl/musl-dev; libc and libgcc_s stay dynamic
#     (-crt-static), as an addon loaded into node must.
# RUSTFLAGS, not CARGO_TARGET_<triple>_RUSTFLAGS: napi build sets RUSTFLAGS for
# musl targets, which would hide the target-specific variable from cargo.
# The addons go to target/debian-cross/artifacts (out of turbo's outputs, which
# are the host build's); scripts/copy-artifacts.mjs, each platform package's
# prepack, takes them from there.
# Usage: scripts/build-cross.sh [target...]  (default: the three non-host targets)
# Needs root for apt-get when the packages are missing.
set -euo pipefail
cd "$(dirname "$0")/.."
crate=$PWD
work=$crate/../../target/debian-cross
mkdir -p "$work"
work=$(cd "$work" && pwd)

targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(x86_64-unknown-linux-musl aarch64-unknown-linux-gnu aarch64-unknown-linux-musl)

need=()
for p in rustc-web cargo-web rust-web-src gcc-aarch64-linux-gnu musl-tools; do
  dpkg-query -W -f '${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || need+=("$p")
done
if [ ${#need[@]} -gt 0 ]; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi

# Fetches an arm64 .deb built from the same source version as an installed
# amd64 package, and unpacks it under $work/<dest>.
unpack_arm64() { # <amd64 package it matches> <arm64 package> <dest>
  local uri file
  read -r uri file _ < <(apt-get download --print-uris "$1" 2>/dev/null)
  [ -n "$file" ] || { echo "build-cross: apt knows no $1" >&2; exit 1; }
  uri=${uri//\'/}
  file=${uri##*/}                         # <pkg>_<version>_amd64.deb, URL-encoded
  file=$2_${file#*_}
  file=${file%_amd64.deb}_arm64.deb
  if [ ! -f "$work/debs/$file" ]; then
    mkdir -p "$work/debs"
    curl -fsSL -o "$work/debs/$file.part" "${uri%/*}/$file"
    mv "$work/debs/$file.part" "$work/debs/$file"
  fi
  dpkg-deb -x "$work/debs/$file" "$work/$3"
}

export CARGO=/usr/bin/cargo RUSTC=/usr/bin/rustc CARGO_TARGET_DIR=$work/target
for target in "${targets[@]}"; do
  case $target in
    aarch64-unknown-linux-gnu)
      # A sysroot of Debian's host std and the arm64 std for the same compiler.
      sysroot=$work/sysroot-aarch64-gnu
      if [ ! -d "$sysroot/lib/rustlib/$target" ]; then
        unpack_arm64 libstd-rust-web-dev libstd-rust-web-dev std-arm64
        mkdir -p "$sysroot/lib/rustlib"
        ln -sfn "$(/usr/bin/rustc --print sysroot)/lib/rustlib/x86_64-unknown-linux-gnu" "$sysroot/lib/rustlib/"
        ln -sfn "$work/std-arm64/usr/lib/rustlib/$target" "$sysroot/lib/rustlib/"
      fi
      export CARGO_TARGET_AARCH64_UNKNOWN_LINUX_GNU_LINKER=aarch64-linux-gnu-gcc
      export RUSTFLAGS="--sysroot $sysroot"
      unset CARGO_UNSTABLE_BUILD_STD RUSTC_BOOTSTRAP
      ;;
    x86_64-unknown-linux-musl)
      # musl-gcc only searches musl's directories: show it libgcc_s alone.
      mkdir -p "$work/gcc_s-x64"
      ln -sfn /lib/x86_64-linux-gnu/libgcc_s.so.1 "$work/gcc_s-x64/libgcc_s.so.1"
      export CARGO_TARGET_X86_64_UNKNOWN_LINUX_MUSL_LINKER=musl-gcc
      export RUSTFLAGS="-C target-feature=-crt-static -L $work/gcc_s-x64"
      export CARGO_UNSTABLE_BUILD_STD=std,panic_abort RUSTC_BOOTSTRAP=1
      ;;
    aarch64-unknown-linux-musl)
      musl=$work/musl-arm64
      if [ ! -f "$musl/gcc" ]; then
        unpack_arm64 musl musl musl-arm64
        unpack_arm64 musl musl-dev musl-arm64
        lib=$musl/usr/lib/aarch64-linux-musl
        # the shared libc where the linker looks first, or it takes libc.a
        ln -sfn "$musl/lib/aarch64-linux-musl/libc.so" "$lib/libc.so"
        mkdir -p "$musl/gcc_s"
        ln -sfn /usr/aarch64-linux-gnu/lib/libgcc_s.so.1 "$musl/gcc_s/libgcc_s.so.1"
        sed -e "s#-L/usr/lib/aarch64-linux-musl#-L$lib -L$musl/gcc_s#" \
          -e "s#/usr/lib/aarch64-linux-musl/#$lib/#g" \
          -e "s#/usr/include/aarch64-linux-musl#$musl/usr/include/aarch64-linux-musl#g" \
          "$lib/musl-gcc.specs" >"$musl/musl-gcc.specs"
        printf '#!/bin/sh\nexec aarch64-linux-gnu-gcc "$@" -specs "%s"\n' "$musl/musl-gcc.specs" >"$musl/gcc"
        chmod +x "$musl/gcc"
      fi
      export CARGO_TARGET_AARCH64_UNKNOWN_LINUX_MUSL_LINKER=$musl/gcc CC_aarch64_unknown_linux_musl=$musl/gcc
      export RUSTFLAGS="-C target-feature=-crt-static"
      export CARGO_UNSTABLE_BUILD_STD=std,panic_abort RUSTC_BOOTSTRAP=1
      ;;
    *)
      echo "build-cross: $target is not one of the configured cross targets" >&2
      exit 1
      ;;
  esac
  # --no-js: the loader generated by the host build already covers every target.
  node_modules/.bin/napi build --platform --release --target "$target" --no-js --output-dir "$work/artifacts"
done
node scripts/copy-artifacts.mjs
