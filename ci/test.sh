#!/usr/bin/env bash
# The whole test suite, on every architecture, from a fresh Debian/Ubuntu machine:
#   - installs what is missing (ci/targets.sh lists it): qemu-user, strace and the cross
#     compilers and C libraries (apt); the rustup targets, clippy, rustfmt, llvm-tools, the MSRV
#     toolchain and a pinned nightly with rust-src and miri;
#   - checks rustfmt, clippy -D warnings (per target) and rustdoc -D warnings, also as docs.rs
#     builds the documentation (its targets, --cfg docsrs, the pinned nightly);
#   - runs the test suite natively on x86_64 and i686 (a 64-bit kernel runs 32-bit code), and
#     under qemu-user on every target with a standard library (ci/targets.sh: STD_TARGETS);
#   - injects every errno, and forged success values, into a real munmap call with strace and
#     checks the decode against strace's report, natively (ci/inject.sh);
#   - runs what makes sense under Miri (ci/miri.sh);
#   - runs every example, each checking what it shows, natively and under qemu-aarch64;
#   - checks what `cargo package` ships, and builds the crate from that tarball;
#   - disassembles a probe calling munmap on every target and checks it is the minimal trap
#     (ci/codegen.sh), and that this check rejects a munmap with a pre-check added;
#   - builds the freestanding program (tests/freestanding) for each target, runs it natively
#     and under qemu-user, and checks its munmap calls against strace / qemu -strace, and
#     natively its mmap and munmap counts against strace -c;
#   - builds the library with the MSRV toolchain, and for the targets without a prebuilt
#     standard library here with the pinned nightly (CORE_TARGETS);
#   - prints a summary table and exits non-zero if anything failed.
# Tests that cannot run under an emulator print "SKIPPED <test>: <reason>" (shown by
# --show-output); they are counted.
set -uo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=ci/targets.sh
. ci/targets.sh

MSRV=$(sed -n 's/^rust-version = "\(.*\)"$/\1/p' Cargo.toml)
# The targets docs.rs builds: [package.metadata.docs.rs] in Cargo.toml.
read -r -a DOCS_RS_TARGETS < <(sed -n '/^\[package.metadata.docs.rs\]/,/^\[/ {
    s/^targets = \[\(.*\)\]$/\1/p }' Cargo.toml | tr -d '",')
# Where rustup has the MSRV's standard library (its riscv64 one is missing on this mirror).
MSRV_TARGETS=(x86_64-unknown-linux-gnu i686-unknown-linux-gnu aarch64-unknown-linux-gnu
    armv7-unknown-linux-gnueabihf)
I686_LOADER=/usr/i686-linux-gnu/lib/ld-linux.so.2
LOGS=target/ci-logs

die() {
    echo "ci/test.sh: $*" >&2
    exit 1
}

install_apt_packages() {
    local missing=() pkg
    for pkg in "${APT_PACKAGES[@]}"; do
        dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' ||
            missing+=("$pkg")
    done
    [ ${#missing[@]} -eq 0 ] && return
    command -v apt-get >/dev/null ||
        die "missing ${missing[*]}; this script installs them with apt-get (Debian/Ubuntu)"
    local sudo=()
    if [ "$(id -u)" -ne 0 ]; then
        command -v sudo >/dev/null ||
            die "missing ${missing[*]}: run as root, or: apt-get install ${missing[*]}"
        sudo=(sudo)
    fi
    echo "== installing ${missing[*]}"
    "${sudo[@]}" apt-get update -q &&
        DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -q --no-install-recommends \
            "${missing[@]}" || die "apt-get install ${missing[*]} failed"
}

install_rust_parts() {
    command -v rustup >/dev/null || die "rustup not found: install it from rustup.rs"
    echo "== rustup: targets, clippy, rustfmt, llvm-tools, $MSRV, $NIGHTLY with rust-src and miri"
    rustup component add clippy rustfmt llvm-tools &&
        rustup target add "${STD_TARGETS[@]}" &&
        rustup toolchain install "$MSRV" --profile minimal &&
        rustup target add --toolchain "$MSRV" "${MSRV_TARGETS[@]}" &&
        rustup toolchain install "$NIGHTLY" --profile minimal --component rust-src,miri &&
        rustup target add --toolchain "$NIGHTLY" "${DOCS_RS_TARGETS[@]}" ||
        die "rustup could not install the targets or toolchains"
}

check_tools() {
    local tool target
    local tools=(strace "$I686_LOADER")
    for target in "${STD_TARGETS[@]}" "${CORE_TARGETS[@]}"; do
        tools+=("$(qemu_for "$target")")
        gnu_triple "$target" >/dev/null && tools+=("$(gnu_triple "$target")-gcc")
    done
    for tool in "${tools[@]}"; do
        command -v "$tool" >/dev/null ||
            die "$tool not found after installing ${APT_PACKAGES[*]}: install them with apt-get"
    done
}

# Results, one row per step: name, runner, passed, failed, skipped.
ROWS=()
FAILED=0

record() {
    ROWS+=("$1|$2|$3|$4|$5")
    [ "$4" = 0 ] || FAILED=1
}

# check NAME COMMAND...: a step that passes or fails as a whole.
check() {
    local name=$1
    shift
    echo "== $name: $*"
    if "$@"; then record "$name" - 1 0 0; else record "$name" - 0 1 0; fi
}

# run_logged NAME RUNNER-LABEL LOG COMMAND...: runs a command that runs tests, into LOG, and
# records the tests it reports: cargo test's "test result:" lines, "PASSED <what>" lines (checks
# of ci/ scripts) and "SKIPPED <test>: <reason>" lines (counted as skipped, not passed).
run_logged() {
    local name=$1 label=$2 log=$3
    shift 3
    echo "== $name, $label: $*"
    "$@" 2>&1 | tee "$log"
    local status=${PIPESTATUS[0]} passed failed skipped
    read -r passed failed < <(awk '/^test result:/ {
        for (i = 1; i < NF; i++) {
            if ($(i + 1) ~ /^passed/) p += $i
            if ($(i + 1) ~ /^failed/) f += $i
        }
    } /^PASSED / { p++ } END { print p + 0, f + 0 }' "$log")
    skipped=$(grep -c '^SKIPPED ' "$log")
    passed=$((passed - skipped))
    # A build error or a crashed test binary prints no failed count: count it as one failure.
    [ "$status" -eq 0 ] || [ "$failed" -gt 0 ] || failed=1
    record "$name" "$label" "$passed" "$failed" "$skipped"
}

# run_tests TARGET RUNNER-LABEL [RUNNER...]: cargo test for TARGET, its binaries run by RUNNER.
run_tests() {
    local target=$1 label=$2
    shift 2
    local runner=()
    [ $# -eq 0 ] || runner=("CARGO_TARGET_$(cargo_env_name "$target")_RUNNER=$*")
    run_logged "test $target" "$label" "$LOGS/test-$target-$label.log" \
        env "${runner[@]}" cargo test --target "$target" --features std -- --show-output
}

# run_tests_under_qemu TARGET: the suite under TARGET's qemu-user, with its C library.
run_tests_under_qemu() {
    local target=$1 qemu sysroot=()
    qemu=$(qemu_for "$target")
    gnu_triple "$target" >/dev/null && sysroot=(-L "/usr/$(gnu_triple "$target")")
    run_tests "$target" "$qemu" "$qemu" "${sysroot[@]}"
}

# msrv_build: the library alone, as a dependent crate on the MSRV toolchain builds it. The
# dev-dependencies are removed (they need newer Rust and are never built by dependents), and
# cfg-if is vendored because Cargo before 1.68 only reads the registry as a git clone.
msrv_build() {
    local dir=target/msrv
    ci/lib-copy.sh "$dir" && mkdir -p "$dir/.cargo" || return 1
    (
        cd "$dir" &&
            cargo generate-lockfile -q &&
            cargo vendor vendor 2>/dev/null >.cargo/config.toml || exit 1
        for target in "${MSRV_TARGETS[@]}"; do
            cargo "+$MSRV" build -q --offline --target "$target" &&
                cargo "+$MSRV" build -q --offline --target "$target" --features std || exit 1
        done
    )
}

# core_build TARGET: the library for a target without a prebuilt standard library here.
core_build() {
    cargo "+$NIGHTLY" build -q -Zbuild-std=core --target "$1" --target-dir target/core
}

# package_check: what `cargo package` ships holds the library, the README, the changelog and
# both licences, and nothing of ci/, the benchmarks, Cross.toml or the freestanding and Miri
# crates; then `cargo package` builds the crate from that tarball.
package_check() {
    local list file
    list=$(cargo package --list --allow-dirty) || return 1
    echo "$list"
    for file in Cargo.toml src/lib.rs arch/x86_64.rs README.md CHANGELOG.md LICENSE-MIT \
        LICENSE-APACHE; do
        grep -qx "$file" <<<"$list" || { echo "the package lacks $file" && return 1; }
    done
    if grep -E '^(ci|\.ci|benches|tests/freestanding|tests/miri-dependent)/|^Cross\.toml$' \
        <<<"$list"; then
        echo "the package holds the files above, which no user needs" && return 1
    fi
    cargo package -q --allow-dirty
}

print_summary() {
    local total_passed=0 total_failed=0 total_skipped=0 row name runner passed failed skipped
    echo
    printf '%-52s %-16s %7s %7s %8s\n' step runner passed failed skipped
    for row in "${ROWS[@]}"; do
        IFS='|' read -r name runner passed failed skipped <<<"$row"
        printf '%-52s %-16s %7s %7s %8s\n' "$name" "$runner" "$passed" "$failed" "$skipped"
        total_passed=$((total_passed + passed))
        total_failed=$((total_failed + failed))
        total_skipped=$((total_skipped + skipped))
    done
    echo
    grep -h "^SKIPPED " "$LOGS"/test-*.log | sort || true
    echo
    echo "total: $total_passed passed, $total_failed failed, $total_skipped skipped"
}

install_apt_packages
install_rust_parts
check_tools
mkdir -p "$LOGS" && rm -f "$LOGS"/*.log
export_linkers

FREESTANDING=tests/freestanding
MIRI_DEPENDENT=tests/miri-dependent
check rustfmt cargo fmt --all -- --check
check "rustfmt freestanding" cargo fmt --manifest-path "$FREESTANDING/Cargo.toml" -- --check
check "rustfmt miri-dependent" cargo fmt --manifest-path "$MIRI_DEPENDENT/Cargo.toml" -- --check
check "clippy miri-dependent" \
    sh -c "cd $MIRI_DEPENDENT && cargo clippy -q --all-targets -- -D warnings"
for target in "${STD_TARGETS[@]}"; do
    check "clippy $target" cargo clippy -q --workspace --target "$target" --all-targets \
        --features std -- -D warnings
    check "clippy freestanding $target" \
        sh -c "cd $FREESTANDING && cargo clippy -q --target $target -- -D warnings"
done
check rustdoc env RUSTDOCFLAGS="-D warnings" cargo doc -q --no-deps --features std
for target in "${DOCS_RS_TARGETS[@]}"; do
    check "rustdoc $target, as docs.rs builds it" env RUSTDOCFLAGS="--cfg docsrs -D warnings" \
        cargo "+$NIGHTLY" doc -q --no-deps --all-features --target "$target"
done

run_tests x86_64-unknown-linux-gnu native
run_tests i686-unknown-linux-gnu native "$I686_LOADER" --library-path /usr/i686-linux-gnu/lib
for target in "${STD_TARGETS[@]}"; do
    run_tests_under_qemu "$target"
done

# strace as the judge of the decode: every errno, and forged success values, injected into a
# real munmap call of the freestanding program (ci/inject.sh), natively.
for target in x86_64-unknown-linux-gnu i686-unknown-linux-gnu; do
    run_logged "inject $target" strace "$LOGS/test-inject-$target.log" ci/inject.sh "$target"
done

# Miri: the tests that make sense under it, a dependent crate's, and what Miri must refuse.
run_logged "miri x86_64-unknown-linux-gnu" miri "$LOGS/test-miri.log" ci/miri.sh

# The examples, each checking what it shows: natively and under qemu-aarch64.
AARCH64_RUNNER="CARGO_TARGET_$(cargo_env_name aarch64-unknown-linux-gnu)_RUNNER=qemu-aarch64"
AARCH64_RUNNER+=" -L /usr/$(gnu_triple aarch64-unknown-linux-gnu)"
for example in examples/*.rs; do
    example=$(basename "$example" .rs)
    check "example $example, native" cargo run -q --example "$example"
    check "example $example, qemu-aarch64" env "$AARCH64_RUNNER" \
        cargo run -q --target aarch64-unknown-linux-gnu --example "$example"
done

check "package: cargo package --list, then a build from the tarball" package_check

# Zero overhead: the disassembled probe is the bare trap on every target, and the check rejects
# a munmap with a pre-check added.
check "codegen: probe is the minimal trap (all targets)" ci/codegen.sh
check "codegen: self-test rejects a pre-check" ci/codegen.sh --self-test

# The freestanding program (no libc, own _start), run and traced: see ci/freestanding.sh.
# Big-endian powerpc64 is left out: its ELFv1 entry point would need a start-up of its own.
check "freestanding x86_64-unknown-linux-gnu" ci/freestanding.sh x86_64-unknown-linux-gnu native
check "freestanding i686-unknown-linux-gnu" ci/freestanding.sh i686-unknown-linux-gnu native
for target in "${STD_TARGETS[@]}" loongarch64-unknown-linux-gnu riscv32gc-unknown-linux-gnu; do
    check "freestanding $target, $(qemu_for "$target")" ci/freestanding.sh "$target" qemu
done

check "msrv $MSRV build (${#MSRV_TARGETS[@]} targets)" msrv_build
for target in "${CORE_TARGETS[@]}"; do
    check "build $target ($NIGHTLY, -Zbuild-std=core)" core_build "$target"
done

print_summary
exit $FAILED
