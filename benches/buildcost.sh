#!/usr/bin/env bash
# benches/buildcost.sh TARGET [N]: what a dependent pays to build this crate and each peer for
# TARGET. A one-function crate unmaps a page through this crate, libc, rustix and `syscalls`;
# each is built once (for `core` from source, where TARGET needs it), then N times after
# `cargo clean -p` of every package it depends on, build scripts included: the median of the N
# wall times, in release, and the ratio to ours. The host target builds with the default
# toolchain; any other with the pinned nightly and -Zbuild-std=core, whose `core` build is not
# timed (it is the same for every peer).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=ci/targets.sh
. "$root/ci/targets.sh"
target=$1 n=${2:-5}
work=$root/target/buildcost/$target
host=$(rustc -vV | sed -n 's/^host: //p')
toolchain=() std=()
[ "$target" = "$host" ] || toolchain=("+$NIGHTLY") std=(-Zbuild-std=core)

dependent() { # NAME DEPENDENCY BODY
    mkdir -p "$work/$1/src"
    printf '[package]\nname = "bc-%s"\nversion = "0.0.0"\nedition = "2021"\n[dependencies]\n%s\n[workspace]\n' \
        "$1" "$2" >"$work/$1/Cargo.toml"
    printf '#![no_std]\npub unsafe fn f(a: *mut core::ffi::c_void, l: usize) -> bool { %s }\n' \
        "$3" >"$work/$1/src/lib.rs"
}
rm -rf "$work"
dependent ours "munmap = { path = \"$root\" }" 'munmap::munmap(a, l).is_ok()'
dependent libc 'libc = { version = "0.2", default-features = false }' 'libc::munmap(a, l) == 0'
dependent rustix 'rustix = { version = "1", default-features = false, features = ["mm"] }' \
    'rustix::mm::munmap(a, l).is_ok()'
dependent syscalls 'syscalls = { version = "0.8", default-features = false }' \
    'syscalls::syscall!(syscalls::Sysno::munmap, a, l).is_ok()'

declare -A median
for peer in ours libc rustix syscalls; do
    dir=$work/$peer
    build=(cargo "${toolchain[@]}" build -q --release "${std[@]}" --target "$target")
    (cd "$dir" && "${build[@]}") || { echo "$peer does not build for $target"; exit 1; }
    mapfile -t packages < <(cd "$dir" && cargo "${toolchain[@]}" tree -q --target "$target" -e normal,build \
        --prefix none | sed 's/ .*//' | sort -u)
    clean=()
    for package in "${packages[@]}"; do clean+=(-p "$package"); done
    times=()
    for _ in $(seq "$n"); do
        (cd "$dir" && cargo "${toolchain[@]}" clean -q --release --target "$target" "${clean[@]}")
        start=$(date +%s.%N)
        (cd "$dir" && "${build[@]}" --offline)
        end=$(date +%s.%N)
        times+=("$(echo "$end - $start" | bc)")
    done
    median[$peer]=$(printf '%s\n' "${times[@]}" | sort -n | sed -n "$(((n + 1) / 2))p")
done
for peer in ours libc rustix syscalls; do
    printf '%-9s %6.2f s  x%.2f\n' "$peer" "${median[$peer]}" \
        "$(echo "${median[$peer]} / ${median[ours]}" | bc -l)"
done
