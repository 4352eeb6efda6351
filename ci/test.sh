#!/usr/bin/env bash
# The whole test suite, on every architecture, from a fresh Debian/Ubuntu machine:
#   - installs what is missing: qemu-user, the i686 and aarch64 cross linkers and C libraries
#     (apt), the rustup targets, clippy, rustfmt and the MSRV toolchain;
#   - checks rustfmt, clippy -D warnings (per target) and rustdoc -D warnings;
#   - runs the tests natively on x86_64 and i686 (this kernel runs 32-bit code), and under
#     qemu-user on x86_64, i686 and aarch64;
#   - builds the freestanding program (tests/freestanding) for each target, runs it natively
#     and under qemu-user, and checks its munmap calls against strace / qemu -strace;
#   - disassembles a probe calling munmap on every target and checks it is the minimal trap
#     (ci/codegen.sh), and that this check rejects a munmap with a pre-check added;
#   - builds the library with the MSRV toolchain for every target;
#   - prints a summary table and exits non-zero if anything failed.
# Tests that cannot run under an emulator print "SKIPPED <test>: <reason>" (shown by
# --show-output); they are counted.
set -uo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(qemu-user gcc-aarch64-linux-gnu libc6-dev-arm64-cross gcc-i686-linux-gnu
    libc6-dev-i386-cross strace)
TARGETS=(x86_64-unknown-linux-gnu i686-unknown-linux-gnu aarch64-unknown-linux-gnu)
I686_LOADER=/usr/i686-linux-gnu/lib/ld-linux.so.2
MSRV=$(sed -n 's/^rust-version = "\(.*\)"$/\1/p' Cargo.toml)
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
    # Never gcc-multilib: it conflicts with the cross compilers and removes them.
    echo "== installing ${missing[*]}"
    "${sudo[@]}" apt-get update -q &&
        DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -q --no-install-recommends \
            "${missing[@]}" || die "apt-get install ${missing[*]} failed"
}

install_rust_parts() {
    command -v rustup >/dev/null || die "rustup not found: install it from rustup.rs"
    echo "== rustup: targets, clippy, rustfmt, llvm-tools, toolchain $MSRV"
    rustup component add clippy rustfmt llvm-tools &&
        rustup target add "${TARGETS[@]}" &&
        rustup toolchain install "$MSRV" --profile minimal &&
        rustup target add --toolchain "$MSRV" "${TARGETS[@]}" ||
        die "rustup could not install the targets or toolchain $MSRV"
}

check_tools() {
    local tool
    for tool in qemu-x86_64 qemu-i386 qemu-aarch64 i686-linux-gnu-gcc aarch64-linux-gnu-gcc \
        strace "$I686_LOADER"; do
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

# run_tests TARGET RUNNER-LABEL [RUNNER...]: cargo test for TARGET, its binaries run by RUNNER.
run_tests() {
    local target=$1 label=$2
    shift 2
    local runner=() log=$LOGS/test-$target-$label.log
    [ $# -eq 0 ] || runner=("CARGO_TARGET_$(echo "$target" | tr 'a-z-' 'A-Z_')_RUNNER=$*")
    echo "== tests: $target, $label"
    env "${runner[@]}" cargo test --target "$target" --features std -- --show-output 2>&1 |
        tee "$log"
    local status=${PIPESTATUS[0]} passed failed skipped
    read -r passed failed < <(awk '/^test result:/ {
        for (i = 1; i < NF; i++) {
            if ($(i + 1) ~ /^passed/) p += $i
            if ($(i + 1) ~ /^failed/) f += $i
        }
    } END { print p + 0, f + 0 }' "$log")
    skipped=$(grep -c '^SKIPPED ' "$log")
    passed=$((passed - skipped))
    # A build error or a crashed test binary prints no failed count: count it as one failure.
    [ "$status" -eq 0 ] || [ "$failed" -gt 0 ] || failed=1
    record "test $target" "$label" "$passed" "$failed" "$skipped"
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
        for target in "${TARGETS[@]}"; do
            cargo "+$MSRV" build -q --offline --target "$target" &&
                cargo "+$MSRV" build -q --offline --target "$target" --features std || exit 1
        done
    )
}

print_summary() {
    local total_passed=0 total_failed=0 total_skipped=0 row name runner passed failed skipped
    echo
    printf '%-48s %-14s %7s %7s %8s\n' step runner passed failed skipped
    for row in "${ROWS[@]}"; do
        IFS='|' read -r name runner passed failed skipped <<<"$row"
        printf '%-48s %-14s %7s %7s %8s\n' "$name" "$runner" "$passed" "$failed" "$skipped"
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

export CARGO_TARGET_I686_UNKNOWN_LINUX_GNU_LINKER=i686-linux-gnu-gcc
export CARGO_TARGET_AARCH64_UNKNOWN_LINUX_GNU_LINKER=aarch64-linux-gnu-gcc

FREESTANDING=tests/freestanding
check rustfmt cargo fmt --all -- --check
check "rustfmt freestanding" cargo fmt --manifest-path "$FREESTANDING/Cargo.toml" -- --check
for target in "${TARGETS[@]}"; do
    check "clippy $target" cargo clippy -q --target "$target" --all-targets --features std -- \
        -D warnings
    check "clippy freestanding $target" \
        sh -c "cd $FREESTANDING && cargo clippy -q --target $target -- -D warnings"
done
check rustdoc env RUSTDOCFLAGS="-D warnings" cargo doc -q --no-deps --features std

run_tests x86_64-unknown-linux-gnu native
run_tests i686-unknown-linux-gnu native "$I686_LOADER" --library-path /usr/i686-linux-gnu/lib
run_tests x86_64-unknown-linux-gnu qemu-x86_64 qemu-x86_64
run_tests i686-unknown-linux-gnu qemu-i386 qemu-i386 -L /usr/i686-linux-gnu
run_tests aarch64-unknown-linux-gnu qemu-aarch64 qemu-aarch64 -L /usr/aarch64-linux-gnu

# Zero overhead: the disassembled probe is the bare trap on every target, and the check rejects
# a munmap with a pre-check added.
check "codegen: probe is the minimal trap (3 targets)" ci/codegen.sh
check "codegen: self-test rejects a pre-check" ci/codegen.sh --self-test

# The freestanding program (no libc, own _start), run and traced: see ci/freestanding.sh.
check "freestanding x86_64, native" ci/freestanding.sh x86_64-unknown-linux-gnu
check "freestanding i686, native" ci/freestanding.sh i686-unknown-linux-gnu
check "freestanding x86_64, qemu-x86_64" ci/freestanding.sh x86_64-unknown-linux-gnu qemu-x86_64
check "freestanding i686, qemu-i386" ci/freestanding.sh i686-unknown-linux-gnu qemu-i386
check "freestanding aarch64, qemu-aarch64" \
    ci/freestanding.sh aarch64-unknown-linux-gnu qemu-aarch64

check "msrv $MSRV build (3 targets)" msrv_build

print_summary
exit $FAILED
