#!/usr/bin/env bash
# ci/stable-refusal.sh: build.rs's decision, branch by branch, with real compilers (the stable
# toolchain, the MSRV's, the pinned nightly). Prints the decision table as tested.
#
#   1. The build script, compiled once, run as cargo runs it for one target and compiler:
#      - on the six architectures whose asm! is stable since 1.59 it asks nothing: no probe, no
#        cfg, no process started (strace), and the same output with nothing in its environment
#        but CARGO_CFG_TARGET_ARCH (RUSTC and the rest pointing nowhere);
#      - elsewhere, a compiler that takes asm! as it is gets no cfg (stable powerpc, with its
#        core; the nightly on powerpc and loongarch64, with none: the no_core probe), and so does
#        a forced probe (--cfg munmap_force_asm_probe) on x86_64 with each compiler;
#      - the nightly, or stable with RUSTC_BOOTSTRAP=1, gets cfg(munmap_asm_experimental_arch) on
#        every architecture build.rs knows no stable asm! for;
#      - stable on mips, and the MSRV on powerpc and loongarch64, stop with one message that
#        names the architecture and what builds it;
#      - CARGO_ENCODED_RUSTFLAGS and RUSTC_WRAPPER reach the probe.
#   2. Cargo with the stable toolchain and a stable `core` for mips (a distribution's rustc,
#      say, here `--sysroot` in RUSTFLAGS): the build stops at the build script with that one
#      message, before any crate of ours is compiled; with RUSTC_BOOTSTRAP=1 the crate builds.
#      With a stable `core` for loongarch64, whose asm! is stable, the crate builds with no cfg.
#      The stable `core` comes from cargo -Zbuild-std driving the stable rustc (cargo sets
#      RUSTC_BOOTSTRAP for the standard library's crates); that build's own crate then fails on
#      cargo's -Z flags, which is expected and ignored. The nightly's cargo build of every
#      nightly-only target is ci/test.sh's clippy, codegen and qemu steps.
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=ci/targets.sh
. "$root/ci/targets.sh"
work=$root/target/stable-refusal
status=0
fail() {
    echo "FAILED: $*"
    status=1
}

# The default toolchain is the stable one that ci/test.sh runs everything else with.
stable=$(rustup which rustc) || exit 1
grep -qE '^release: [0-9]+\.[0-9]+\.[0-9]+$' <<<"$("$stable" -vV)" ||
    { echo "the default toolchain is not a stable release: $("$stable" -V)"; exit 1; }
nightly=$(rustup which --toolchain "$NIGHTLY" rustc) || exit 1
msrv=$(rustup which --toolchain "$(sed -n 's/^rust-version = "\(.*\)"$/\1/p' "$root/Cargo.toml")" \
    rustc) || exit 1
rm -rf "$work" && mkdir -p "$work/out" "$work/scratch/src" || exit 1

# A stable core for mips and one for loongarch64 (which the mirror has no std for), in a sysroot
# of their own.
printf '[package]\nname = "scratch"\nversion = "0.0.0"\nedition = "2021"\n[workspace]\n' \
    >"$work/scratch/Cargo.toml"
echo '#![no_std]' >"$work/scratch/src/lib.rs"
sysroot=$work/sysroot
for target in mips-unknown-linux-gnu loongarch64-unknown-linux-gnu; do
    RUSTC=$stable cargo "+$NIGHTLY" build -q -Zbuild-std=core --target "$target" \
        --manifest-path "$work/scratch/Cargo.toml" --target-dir "$work/target" 2>/dev/null
    mkdir -p "$sysroot/lib/rustlib/$target/lib" || exit 1
    find "$work/target/$target" \( -name 'libcore-*.rlib' -o -name 'libcompiler_builtins-*.rlib' \) \
        -exec cp {} "$sysroot/lib/rustlib/$target/lib/" \;
    [ "$(find "$sysroot/lib/rustlib/$target" -name '*.rlib' | wc -l)" -eq 2 ] ||
        { echo "no stable core for $target was built"; exit 1; }
done

# 1. The build script, as cargo compiles it (for the host, with the stable toolchain).
"$stable" --edition 2021 --crate-type bin --crate-name build_script_build -o "$work/build-script" \
    "$root/build.rs" || exit 1

# decide TARGET RUSTC [VAR=VALUE...]: runs the build script as cargo would for TARGET and
# RUSTC; prints its outcome: "asks nothing", "probes: no cfg", "probes: cfg(...)" or
# "stops: MESSAGE" (its stderr, one line).
decide() {
    local target=$1 rustc=$2 arch out
    shift 2
    arch=$("$stable" --print cfg --target "$target" | sed -n 's/^target_arch="\(.*\)"$/\1/p')
    mkdir -p "$work/out/$target" || return 1
    out=$(env -i PATH="$PATH" HOME="$HOME" CARGO_CFG_TARGET_ARCH="$arch" TARGET="$target" \
        RUSTC="$rustc" OUT_DIR="$work/out/$target" "$@" "$work/build-script" 2>"$work/stderr")
    if [ $? -ne 0 ]; then
        [ -z "$out" ] || echo "(stdout not empty: $out)"
        echo "stops: $(tr '\n' ' ' <"$work/stderr")"
    elif ! grep -q '^cargo:rerun-if-env-changed=RUSTC$' <<<"$out"; then
        grep -q '^cargo:rustc-cfg=' <<<"$out" && echo "(a cfg without a probe)"
        echo "asks nothing"
    elif grep -q '^cargo:rustc-cfg=munmap_asm_experimental_arch$' <<<"$out"; then
        echo "probes: cfg(munmap_asm_experimental_arch)"
    else
        echo "probes: no cfg"
    fi
}

# row TARGET COMPILER EXPECTED [VAR=VALUE...]: one row of the table. COMPILER starts with
# stable, nightly or msrv, and goes on to say what VAR=VALUE add; EXPECTED is a grep -E
# pattern the whole outcome must match.
row() {
    local target=$1 compiler=$2 expected=$3 rustc outcome
    shift 3
    case $compiler in
    stable*) rustc=$stable ;;
    nightly*) rustc=$nightly ;;
    msrv*) rustc=$msrv ;;
    esac
    outcome=$(decide "$target" "$rustc" "$@")
    printf '| %s | %s | %s |\n' "$target" "$compiler" "${outcome% }"
    grep -qxE "$expected" <<<"$outcome" || fail "expected: $expected"
}

nowhere=(RUSTC_WRAPPER=/nonexistent CARGO_ENCODED_RUSTFLAGS=--nonexistent)
# build.rs's message for stable mips, with a core: its two lines.
mips1='munmap: cannot use asm! on mips with this compiler, which says: error\[E0658\]: inline '
mips1+='assembly is not stable yet on this architecture'
mips2='munmap builds on mips with a nightly Rust, for which it turns on asm_experimental_arch '
mips2+='\(rust-lang/rust#93335\)'
echo "| target | compiler | build.rs |"
echo "|---|---|---|"
for target in x86_64-unknown-linux-gnu i686-unknown-linux-gnu armv7-unknown-linux-gnueabihf \
    aarch64-unknown-linux-gnu riscv32gc-unknown-linux-gnu riscv64gc-unknown-linux-gnu; do
    row "$target" 'stable; RUSTC_WRAPPER, RUSTFLAGS point nowhere' 'asks nothing' "${nowhere[@]}"
done
forced=CARGO_CFG_MUNMAP_FORCE_ASM_PROBE=
row x86_64-unknown-linux-gnu 'stable, --cfg munmap_force_asm_probe' 'probes: no cfg' "$forced"
row x86_64-unknown-linux-gnu 'nightly, --cfg munmap_force_asm_probe' 'probes: no cfg' "$forced"
row x86_64-unknown-linux-gnu 'msrv, --cfg munmap_force_asm_probe' 'probes: no cfg' "$forced"
for target in powerpc-unknown-linux-gnu powerpc64le-unknown-linux-gnu s390x-unknown-linux-gnu; do
    row "$target" stable 'probes: no cfg'
done
row powerpc-unknown-linux-gnu nightly 'probes: no cfg'
row loongarch64-unknown-linux-gnu nightly 'probes: no cfg'
row powerpc-unknown-linux-gnu msrv \
    'stops: .*on powerpc with this compiler.* with Rust 1\.95 or later, or a nightly Rust .*'
row loongarch64-unknown-linux-gnu msrv \
    'stops: .*on loongarch64 with this compiler.* with Rust 1\.72 or later, or a nightly Rust .*'
for target in mips-unknown-linux-gnu mipsisa32r6-unknown-linux-gnu \
    mips64el-unknown-linux-gnuabi64 mipsisa64r6-unknown-linux-gnuabi64 sparc-unknown-linux-gnu \
    sparc64-unknown-linux-gnu m68k-unknown-linux-gnu hexagon-unknown-linux-musl \
    csky-unknown-linux-gnuabiv2; do
    row "$target" nightly 'probes: cfg\(munmap_asm_experimental_arch\)'
done
with_core=CARGO_ENCODED_RUSTFLAGS=--sysroot=$sysroot
row mips-unknown-linux-gnu 'stable, a core for mips' "stops: $mips1 $mips2 " "$with_core"
row mips-unknown-linux-gnu 'stable, a core for mips, RUSTC_BOOTSTRAP=1' 'probes: cfg\(munmap_asm_experimental_arch\)' \
    "$with_core" RUSTC_BOOTSTRAP=1
row mips-unknown-linux-gnu stable "stops: .*error\[E0463\]: can't find crate for \`core\`.*"
row mips-unknown-linux-gnu msrv 'stops: .*on mips with this compiler.* with a nightly Rust.*'
# The flags reach the probe: a sysroot without a core turns stable powerpc's yes into a stop.
row powerpc-unknown-linux-gnu 'stable, --sysroot=/nonexistent in RUSTFLAGS' \
    "stops: .*can't find crate for \`core\`.*" CARGO_ENCODED_RUSTFLAGS=--sysroot=/nonexistent
# So does the wrapper: it runs each probe, here by logging it and running rustc.
printf '#!/bin/sh\necho "$@" >>"%s"\nexec "$@"\n' "$work/wrapper.log" >"$work/wrapper"
chmod +x "$work/wrapper" && : >"$work/wrapper.log"
row mips-unknown-linux-gnu 'nightly, through RUSTC_WRAPPER' 'probes: cfg\(munmap_asm_experimental_arch\)' \
    RUSTC_WRAPPER="$work/wrapper"
[ "$(grep -c -- '--target mips-unknown-linux-gnu' "$work/wrapper.log")" -eq 3 ] ||
    fail "RUSTC_WRAPPER ran $(wc -l <"$work/wrapper.log") probes, not 3"

# No process from the build script on x86_64: strace sees its own execve and nothing else that
# starts a process.
out=$(strace -f -qq -o "$work/strace.log" -e trace=execve,execveat,fork,vfork,clone,clone3 \
    env -i CARGO_CFG_TARGET_ARCH=x86_64 "$work/build-script") || fail "strace failed"
[ "$out" = "$(printf '%s\n' cargo:rerun-if-changed=build.rs \
    'cargo:rustc-check-cfg=cfg(munmap_asm_experimental_arch)' \
    'cargo:rustc-check-cfg=cfg(munmap_force_asm_probe)')" ] ||
    fail "x86_64 with nothing but CARGO_CFG_TARGET_ARCH: $out"
calls=$(grep -v '^[0-9]* +++ exited' "$work/strace.log" | grep -c .)
# Two lines: env's execve of the build script and the build script's own (env execs it).
[ "$calls" -eq 2 ] && [ "$(grep -c 'execve(' "$work/strace.log")" -eq 2 ] &&
    echo "x86_64: the build script starts no process (strace: its execve and nothing else)" ||
    fail "x86_64: the build script started a process: $(cat "$work/strace.log")"

# 2. Cargo, stable, a core for mips, then one for loongarch64.
e2e=$work/crate
"$root/ci/lib-copy.sh" "$e2e" || exit 1
cp "$root/Cargo.lock" "$e2e/" || exit 1
build() { # TARGET
    RUSTFLAGS="--sysroot=$sysroot" cargo build --offline --lib --target "$1" \
        --manifest-path "$e2e/Cargo.toml" --target-dir "$work/target-e2e" 2>&1
}
output=$(
    unset RUSTC_BOOTSTRAP
    build mips-unknown-linux-gnu
)
code=$?
echo "$output"
if [ $code -ne 0 ] && grep -q 'failed to run custom build command for `munmap' <<<"$output" &&
    grep -qE "^  $mips1$" <<<"$output" && grep -qE "^  $mips2$" <<<"$output" &&
    [ "$(grep -c '^error' <<<"$output")" -eq 1 ]; then
    echo "cargo, stable, a core for mips: stops at build.rs with its message, one error"
else
    fail "cargo, stable, a core for mips: expected build.rs's message and one error"
fi
RUSTC_BOOTSTRAP=1 build mips-unknown-linux-gnu >"$work/bootstrap.log" &&
    echo "cargo, stable with RUSTC_BOOTSTRAP=1, a core for mips: builds" ||
    { cat "$work/bootstrap.log"; fail "RUSTC_BOOTSTRAP=1 did not build the crate"; }
# loongarch64: asm! is stable there since 1.72; the crate builds with no feature turned on.
if output=$(
    unset RUSTC_BOOTSTRAP
    build loongarch64-unknown-linux-gnu
); then
    said=$(find "$work/target-e2e/loongarch64-unknown-linux-gnu" -path '*/munmap-*/output' \
        -exec cat {} +)
    if grep -q '^cargo:rerun-if-env-changed=RUSTC$' <<<"$said" &&
        ! grep -q '^cargo:rustc-cfg=' <<<"$said"; then
        echo "cargo, stable, a core for loongarch64: builds; build.rs probed and set no cfg"
    else
        fail "cargo, stable, loongarch64: build.rs said: $said"
    fi
else
    echo "$output"
    fail "cargo, stable, a core for loongarch64: does not build"
fi
exit $status
