#!/usr/bin/env bash
# ci/stable-refusal.sh: what a stable compiler that has a `core` for mips (a distribution's rustc,
# say) does with this crate: it stops with exactly one error, E0554, at the line of src/lib.rs
# that turns on asm_experimental_arch for mips, whose comment (printed with the error) names
# mips, nightly Rust and rust-lang/rust#93335. With RUSTC_BOOTSTRAP=1 the same compiler builds
# the crate. The stable `core` comes from cargo -Zbuild-std driving the stable rustc (cargo sets
# RUSTC_BOOTSTRAP for the standard library's crates); that build's own crate then fails on
# cargo's -Z flags, which is expected and ignored.
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=ci/targets.sh
. "$root/ci/targets.sh"
target=mips-unknown-linux-gnu
work=$root/target/stable-refusal
# The default toolchain, the stable one that ci/test.sh runs everything else with.
stable=$(rustup which rustc) || exit 1
"$stable" -vV | grep -qE '^release: [0-9]+\.[0-9]+\.[0-9]+$' ||
    { echo "the default toolchain is not a stable release: $("$stable" -V)"; exit 1; }
mkdir -p "$work/scratch/src" "$work/out"
printf '[package]\nname = "scratch"\nversion = "0.0.0"\nedition = "2021"\n[workspace]\n' \
    >"$work/scratch/Cargo.toml"
echo '#![no_std]' >"$work/scratch/src/lib.rs"
RUSTC=$stable cargo "+$NIGHTLY" build -q -Zbuild-std=core --target "$target" \
    --manifest-path "$work/scratch/Cargo.toml" --target-dir "$work/target" 2>/dev/null
core=$(find "$work/target/$target" -name 'libcore-*.rlib' | head -n 1)
builtins=$(find "$work/target/$target" -name 'libcompiler_builtins-*.rlib' | head -n 1)
[ -n "$core" ] && [ -n "$builtins" ] || { echo "no stable core for $target was built"; exit 1; }
deps=(--target "$target" -L "dependency=$(dirname "$core")" -L "dependency=$(dirname "$builtins")"
    --extern "core=$core" --extern "compiler_builtins=$builtins")
cfg_if=$(cargo metadata -q --format-version 1 --manifest-path "$root/Cargo.toml" \
    --filter-platform "$target" 2>/dev/null |
    grep -o '"manifest_path":"[^"]*/cfg-if-[^"]*/Cargo.toml"' | head -n 1 | cut -d'"' -f4)
"$stable" --edition 2018 --crate-type lib --crate-name cfg_if "${deps[@]}" \
    "$(dirname "$cfg_if")/src/lib.rs" -o "$work/out/libcfg_if.rlib" || exit 1
munmap() {
    "$stable" --edition 2021 --crate-type lib --crate-name munmap "${deps[@]}" \
        --extern "cfg_if=$work/out/libcfg_if.rlib" --emit=metadata -o "$work/out/munmap.rmeta" \
        "$root/src/lib.rs" 2>&1
}

output=$(
    unset RUSTC_BOOTSTRAP
    munmap
)
status=$?
echo "$output"
errors=$(grep -c '^error\[' <<<"$output")
line='#![cfg_attr(target_arch = "mips", feature(asm_experimental_arch))] '
line+='// mips: asm! needs a nightly Rust (rust-lang/rust#93335)'
if [ "$status" -ne 0 ] && [ "$errors" -eq 1 ] && grep -q '^error\[E0554\]' <<<"$output" &&
    grep -qF "$line" <<<"$output"; then
    echo "stable rustc for $target: one error, E0554, on the line that names mips and the issue"
else
    echo "FAILED: expected one E0554 error on src/lib.rs's mips line; got $errors errors"
    exit 1
fi
RUSTC_BOOTSTRAP=1 munmap && echo "stable rustc with RUSTC_BOOTSTRAP=1 for $target: builds" ||
    { echo "FAILED: RUSTC_BOOTSTRAP=1 did not build the crate"; exit 1; }
