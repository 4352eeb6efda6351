#!/usr/bin/env bash
# ci/test.sh [TARGET-GLOB...]: the whole test suite, on every target, from a fresh Debian/Ubuntu
# machine. ci/targets.sh lists the targets and how each is tested. It
#   - installs what is missing: ci/targets.sh's APT_PACKAGES (the host's C compiler, qemu-user,
#     strace, uapi headers, each suite target's C cross compiler and C library; each with its
#     reason there); the rustup targets, clippy, rustfmt, llvm-tools, rust-src (for the stable
#     rustc's mips core in ci/stable-refusal.sh), the MSRV toolchain and a pinned nightly with
#     rust-src and miri;
#   - checks rustfmt; clippy -D warnings (on the library for every target, in the survey; on
#     its tests and examples where rustup has the standard library; on the freestanding program
#     where it runs); rustdoc -D warnings, also as docs.rs builds the documentation;
#   - runs the test suite natively and under qemu-user where ci/targets.sh says, with the
#     standard library from rustup or built from source by the pinned nightly;
#   - runs the decodes against the contract over every 32-bit register value natively on i686
#     and the boundaries and 10^8 random values on x86_64, in a release build;
#   - injects every errno, and forged success values, into a real munmap call with strace and
#     checks the decode against strace's report, natively (ci/inject.sh);
#   - builds seccomp filters with libseccomp and runs munmap under them, and checks every
#     (arch, nr) pair libseccomp knows against its own, natively (tests/libseccomp);
#   - checks the freestanding program's munmap calls against the kernel's sys_enter_munmap and
#     sys_exit_munmap tracepoints, natively, as root (ci/tracepoint.sh);
#   - runs what makes sense under Miri (ci/miri.sh);
#   - runs every example, each checking what it shows, natively and under qemu-aarch64;
#   - checks what `cargo package` ships, and builds the crate from that tarball;
#   - disassembles a probe calling munmap on every target and checks it is the minimal trap
#     (ci/codegen.sh), and that this check rejects a munmap with a pre-check added;
#   - runs the freestanding program (tests/freestanding: no libc, its own _start) natively or
#     under qemu-user, checking its munmap calls against strace / qemu -strace, and natively its
#     mmap and munmap counts against strace -c (ci/freestanding.sh);
#   - builds the library with the MSRV toolchain, and with its rustc-dep-of-std feature (as a
#     crate under a custom std builds it);
#   - runs build.rs for each branch with real compilers (stable, MSRV, nightly): its decision
#     table, that it starts no process on x86_64, and that a stable rustc with a core for mips
#     stops at it with one message that says why (ci/stable-refusal.sh);
#   - builds the library, with clippy, for every Linux and Android target rustc knows
#     (ci/survey.sh);
#   - checks that the READMEs' tables and the crate's documentation list what ci/targets.sh and
#     the arch files say (ci/docs-check.sh);
#   - prints a summary table and exits non-zero if anything failed.
# With TARGET-GLOBs (such as 'x86_64*' 'mips*'), the steps for targets run only for the targets
# that match, the survey included: a quick run while working on some targets.
# Tests that cannot run under an emulator print "SKIPPED <test>: <reason>" (shown by
# --show-output); they are counted. A skip whose reason is a missing package, "(apt-get install
# PKG)", is counted as a failure that names PKG: this script installs every package a step needs
# (ci/targets.sh's APT_PACKAGES), so such a skip is a package missing from that list.
set -uo pipefail
cd "$(dirname "$0")/.."
[ $# -eq 0 ] || export MUNMAP_TARGETS="$*"
# shellcheck source=ci/install.sh
. ci/install.sh

LOGS=target/ci-logs

die() {
    echo "ci/test.sh: $*" >&2
    exit 1
}

# Results, one row per step: name, runner, passed, failed, skipped, seconds (since STARTED,
# which each step sets when it starts).
ROWS=()
FAILED=0
STARTED=$SECONDS
# A step that runs tests and takes longer than this is stopped and counted as failed: a hung
# test binary (qemu-i386 once hung in the first pthread_create, see qemu_runner) fails its step
# instead of the whole run. It is well above any step's time (the summary's last column).
STEP_LIMIT=1200

record() {
    ROWS+=("$1|$2|$3|$4|$5|$((SECONDS - STARTED))")
    [ "$4" = 0 ] || FAILED=1
}

# check NAME COMMAND...: a step that passes or fails as a whole.
check() {
    local name=$1
    shift
    echo "== $name: $*"
    STARTED=$SECONDS
    if "$@"; then record "$name" - 1 0 0; else record "$name" - 0 1 0; fi
}

# run_logged NAME RUNNER-LABEL LOG COMMAND...: runs a command that runs tests, into LOG, and
# records the tests it reports: cargo test's "test result:" lines, "PASSED <what>" lines (checks
# of ci/ scripts), "FAILED <what>" lines (a test binary that stopped early, say: ci/suite.sh)
# and "SKIPPED <test>: <reason>" lines (counted as skipped, not passed).
run_logged() {
    local name=$1 label=$2 log=$3
    shift 3
    echo "== $name, $label: $*"
    STARTED=$SECONDS
    {
        timeout -k 30 "$STEP_LIMIT" "$@" 2>&1
        code=$?
        [ $code -ne 124 ] || echo "FAILED: stopped after $STEP_LIMIT s (STEP_LIMIT)"
        exit $code
    } | tee "$log"
    local status=${PIPESTATUS[0]} passed failed skipped
    read -r passed failed < <(awk '/^test result:/ {
        for (i = 1; i < NF; i++) {
            if ($(i + 1) ~ /^passed/) p += $i
            if ($(i + 1) ~ /^failed/) f += $i
        }
    } /^PASSED / { p++ } /^FAILED / { f++ } END { print p + 0, f + 0 }' "$log")
    skipped=$(grep -c '^SKIPPED ' "$log")
    passed=$((passed - skipped))
    # A build error or a crashed test binary prints no failed count: count it as one failure.
    [ "$status" -eq 0 ] || [ "$failed" -gt 0 ] || failed=1
    # A skip for want of a package this script should have installed is a failure.
    local unmet
    unmet=$(grep -c '^SKIPPED .*(apt-get install [^)]*)' "$log")
    if [ "$unmet" -gt 0 ]; then
        sed -n 's/^SKIPPED .*(apt-get install \([^)]*\)).*/\1/p' "$log" | sort -u |
            sed 's/^/FAILED: a test skipped for want of /; s/$/, which ci\/targets.sh'"'"'s APT_PACKAGES must install/'
        skipped=$((skipped - unmet)) failed=$((failed + unmet))
    fi
    record "$name" "$label" "$passed" "$failed" "$skipped"
}

# run_tests TARGET RUNNER-LABEL [--static] [--release] [-- RUNNER...]: the suite for TARGET,
# each test binary run by RUNNER and judged by ci/suite.sh.
run_tests() {
    local target=$1 label=$2 profile=''
    shift 2
    [[ " $* " != *" --release "* ]] || profile=' (release)'
    run_logged "test $target$profile" "$label" "$LOGS/test-$target-$label${profile:+-release}.log" \
        ci/suite.sh run "$target" "$@"
}

# msrv_build: the library alone, as a dependent crate on the MSRV toolchain builds it. The
# dev-dependencies are removed (they need newer Rust and are never built by dependents), and
# cfg-if is vendored because Cargo before 1.68 only reads the registry as a git clone.
msrv_build() {
    local dir=target/msrv
    ci/lib-copy.sh "$dir" && mkdir -p "$dir/.cargo" || return 1
    (
        export CARGO_TARGET_DIR
        CARGO_TARGET_DIR=$(ci_target_dir msrv)
        cd "$dir" &&
            cargo generate-lockfile -q --offline &&
            cargo vendor vendor 2>/dev/null >.cargo/config.toml || exit 1
        for target in "${MSRV_TARGETS[@]}"; do
            for features in '' std rustc-dep-of-std; do
                cargo "+$MSRV" build -q --offline --target "$target" --features "$features" ||
                    exit 1
            done
        done
    )
}

# dep_of_std_build: with rustc-dep-of-std, `core` is rustc-std-workspace-core's, for the crate
# and for cfg-if (and only with it), and the library builds that way with warnings denied
# (msrv_build builds it so with the MSRV). Inside std's own build, where the std workspace
# patches in its rustc-std-workspace-core, there is no `core` in the sysroot yet: build.rs's
# no_core probe is for that (ci/stable-refusal.sh runs it with no core in the sysroot). Under
# -Zbuild-std, cargo does not patch it in for a crate outside std, so cfg-if sees two cores.
dep_of_std_build() {
    local users
    # Who depends on rustc-std-workspace-core, directly (depth 1): munmap and cfg-if.
    users=$(cargo tree -q -p munmap -e normal --features rustc-dep-of-std \
        -i rustc-std-workspace-core --prefix depth | sed -n 's/^1\([^ ]*\) .*/\1/p' | sort | xargs)
    echo "with rustc-dep-of-std, rustc-std-workspace-core is core for: $users"
    [ "$users" = "cfg-if munmap" ] || return 1
    ! cargo tree -q -p munmap -e normal -i rustc-std-workspace-core >/dev/null 2>&1 ||
        { echo "rustc-std-workspace-core without the feature"; return 1; }
    RUSTFLAGS="-D warnings" cargo build -q --lib --features rustc-dep-of-std \
        --target-dir "$(ci_target_dir dep-of-std)"
}

# package_check: what `cargo package` ships holds the library and its build script, the
# README, the changelog and both licences, and nothing of ci/, the benchmarks, Cross.toml or
# the freestanding, Miri and libseccomp crates; then `cargo package` builds the crate from that
# tarball.
package_check() {
    local list file
    list=$(cargo package --list --allow-dirty) || return 1
    echo "$list"
    for file in Cargo.toml build.rs src/lib.rs arch/x86_64.rs README.md CHANGELOG.md LICENSE-MIT \
        LICENSE-APACHE; do
        grep -qx "$file" <<<"$list" || { echo "the package lacks $file" && return 1; }
    done
    if grep -E '^(ci|\.ci|benches|tests/(freestanding|miri-dependent|libseccomp))/|^Cross\.toml$' \
        <<<"$list"; then
        echo "the package holds the files above, which no user needs" && return 1
    fi
    cargo package -q --allow-dirty
}

print_summary() {
    local total_passed=0 total_failed=0 total_skipped=0 row name runner passed failed skipped
    local seconds
    echo
    printf '%-52s %-16s %7s %7s %8s %6s\n' step runner passed failed skipped s
    for row in "${ROWS[@]}"; do
        IFS='|' read -r name runner passed failed skipped seconds <<<"$row"
        printf '%-52s %-16s %7s %7s %8s %6s\n' "$name" "$runner" "$passed" "$failed" "$skipped" \
            "$seconds"
        total_passed=$((total_passed + passed))
        total_failed=$((total_failed + failed))
        total_skipped=$((total_skipped + skipped))
    done
    echo
    grep -h "^SKIPPED " "$LOGS"/test-*.log | sort || true
    echo
    echo "total: $total_passed passed, $total_failed failed, $total_skipped skipped"
}

echo "== the cache: $CI_CACHE (MUNMAP_CI_CACHE=off keeps it in the clone; deleting it costs only time)"
mkdir -p "$CI_CACHE" || die "cannot make the cache directory $CI_CACHE"
# One run at a time uses the cache.
exec 9>"$CI_CACHE/lock"
flock -n 9 || { echo "== waiting for another ci/test.sh run that holds $CI_CACHE/lock" && flock 9; }
# Cargo names the builds of a path crate by its path within its workspace and trusts them while
# no source file is newer, so two clones share the cache's builds: when this clone is not the
# one that ran last, its files are made newer than any build, and cargo rebuilds what it builds
# from them (the standard library from source, which no clone holds, stays).
if [ "$(cat "$CI_CACHE/clone" 2>/dev/null)" != "$CI_ROOT" ]; then
    git ls-files -z --cached --others --exclude-standard | xargs -0 touch -c
    echo "$CI_ROOT" >"$CI_CACHE/clone"
fi
install
check_tools
mkdir -p "$LOGS" && rm -f "$LOGS"/*.log
export_linkers
export CARGO_TARGET_DIR
CARGO_TARGET_DIR=$(ci_target_dir main)

# The install step itself, against stand-ins that fail as a network does.
run_logged "install: apt-get, rustup, cargo failing, against stand-ins" - \
    "$LOGS/test-install-check.log" ci/install-check.sh

FREESTANDING=tests/freestanding
MIRI_DEPENDENT=tests/miri-dependent
LIBSECCOMP=tests/libseccomp
check rustfmt cargo fmt --all -- --check
check "rustfmt freestanding" cargo fmt --manifest-path "$FREESTANDING/Cargo.toml" -- --check
check "rustfmt miri-dependent" cargo fmt --manifest-path "$MIRI_DEPENDENT/Cargo.toml" -- --check
check "rustfmt libseccomp" cargo fmt --manifest-path "$LIBSECCOMP/Cargo.toml" -- --check
check "rustfmt kernel init" cargo fmt --manifest-path ci/kernel/Cargo.toml -- --check
check "rustfmt origin storm" cargo fmt --manifest-path ci/consumers/origin/storm/Cargo.toml -- --check
check "rustfmt dlmalloc fuzz driver" rustfmt --edition 2021 --check ci/consumers/dlmalloc/fuzz/src/lib.rs
check "clippy kernel init" sh -c "cd ci/kernel && CARGO_TARGET_DIR=$(ci_target_dir kernel-init) cargo clippy -q --release -- -D warnings"
check "clippy miri-dependent" \
    sh -c "cd $MIRI_DEPENDENT && CARGO_TARGET_DIR=$(ci_target_dir miri-dependent) cargo clippy -q --all-targets -- -D warnings"
# The judges' targets: natively, where the suite and the freestanding program run (x86_64, i686).
JUDGE_TARGETS=$(targets suite='native*' freestanding='native*')
for target in $JUDGE_TARGETS; do
    check "clippy libseccomp $target" sh -c \
        "cd $LIBSECCOMP && CARGO_TARGET_DIR=$(ci_target_dir libseccomp) cargo clippy -q --all-targets --target $target -- -D warnings"
done
# clippy on the crate with its tests and examples where the suite runs, with the benchmarks too
# where they run (BENCH_TARGETS); on the library and examples where rustup has the standard
# library but the suite cannot run (the tests and benchmarks use C library items, e.g. glibc's
# errno location, that bionic lacks); on the library for every other target in the survey below; and
# on the freestanding program where it runs (--release: its build then reuses the core built
# here).
for target in $(targets std=rustup suite='[nq]*'); do
    packages=(-p munmap)
    [[ " ${BENCH_TARGETS[*]} " == *" $target "* ]] && packages=(--workspace)
    check "clippy $target" cargo clippy -q "${packages[@]}" --target "$target" --all-targets \
        --features std -- -D warnings
done
for target in $(targets std=rustup suite=-); do
    check "clippy $target (library, examples)" cargo clippy -q -p munmap --target "$target" \
        --lib --examples --features std -- -D warnings
done
for target in $(targets freestanding='[nq]*'); do
    read -r -a cargo < <(cargo_for "$target" core)
    # cargo [+toolchain] clippy [-Zbuild-std=core]: -Z flags follow an external subcommand.
    clippy="${cargo[*]:0:2} clippy ${cargo[*]:2} -q --release --target $target -- -D warnings"
    check "clippy freestanding $target" \
        sh -c "cd $FREESTANDING && env CARGO_TARGET_DIR=$(ci_target_dir freestanding) $(build_env "$target") $clippy"
done
check rustdoc env RUSTDOCFLAGS="-D warnings" cargo doc -q --no-deps --features std
for target in "${DOCS_RS_TARGETS[@]}"; do
    check "rustdoc $target, as docs.rs builds it" env RUSTDOCFLAGS="--cfg docsrs -D warnings" \
        cargo "+$NIGHTLY" doc -q --no-deps --features std --target "$target"
done

# The test suite, natively (i686 through the C library's loader, which this 64-bit machine
# has only as the cross compiler's) and under qemu-user with the target's C library.
# Both unoptimised and as a release, where the register allocator keeps more values across
# the traps.
for target in $(targets suite='native*'); do
    runner=()
    [ "$target" != i686-unknown-linux-gnu ] ||
        runner=(-- "$I686_LOADER" --library-path "${I686_LOADER%/*}")
    run_tests "$target" native "${runner[@]}"
    run_tests "$target" native --release "${runner[@]}"
done
# Under qemu-user: a release, linked static, the very binaries ci/kernel.sh boots real kernels
# with below.
for target in $(targets suite='*qemu'); do
    # shellcheck disable=SC2046 # the runner's words
    run_tests "$target" "$(qemu_for "$target")" --static --release -- $(qemu_runner "$target")
done

# strace as the judge of the decode: every errno, and forged success values, injected into a
# real munmap call of the freestanding program (ci/inject.sh), natively.
for target in $JUDGE_TARGETS; do
    run_logged "inject $target" strace "$LOGS/test-inject-$target.log" ci/inject.sh "$target"
done

# libseccomp as judge: filters built with it, and its numbers for every pair it knows
# (tests/libseccomp), natively; i686's test binary runs with the i386 libseccomp.
for target in $JUDGE_TARGETS; do
    run_logged "libseccomp $target" native "$LOGS/test-libseccomp-$target.log" sh -c \
        "cd $LIBSECCOMP && CARGO_TARGET_DIR=$(ci_target_dir libseccomp) cargo test -q --target $target -- --show-output"
done

# The kernel's own view: the freestanding program under the sys_enter_munmap and
# sys_exit_munmap tracepoints (ci/tracepoint.sh), natively, as root.
for target in $JUDGE_TARGETS; do
    run_logged "tracepoint $target" tracefs "$LOGS/test-tracepoint-$target.log" \
        ci/tracepoint.sh "$target"
done

# Miri: the tests that make sense under it, a dependent crate's, and what Miri must refuse.
run_logged "miri x86_64-unknown-linux-gnu" miri "$LOGS/test-miri.log" ci/miri.sh

# The examples, each checking what it shows: natively and under qemu-aarch64.
AARCH64_RUNNER="CARGO_TARGET_$(cargo_env_name aarch64-unknown-linux-gnu)_RUNNER="
AARCH64_RUNNER+=$(qemu_runner aarch64-unknown-linux-gnu)
for example in examples/*.rs; do
    example=$(basename "$example" .rs)
    check "example $example, native" cargo run -q --example "$example"
    check "example $example, qemu-aarch64" env "$AARCH64_RUNNER" \
        cargo run -q --target aarch64-unknown-linux-gnu --example "$example"
done

check "package: cargo package --list, then a build from the tarball" package_check

# Zero overhead: the disassembled probe is the bare trap on every target, and the check rejects
# a munmap with a pre-check added.
check "codegen: probe is the minimal trap ($(targets | wc -l) targets)" ci/codegen.sh
check "codegen: self-test rejects a pre-check" ci/codegen.sh --self-test

# The freestanding program (no libc, own _start), run and traced: see ci/freestanding.sh.
for target in $(targets freestanding='native*'); do
    check "freestanding $target" ci/freestanding.sh "$target" native
done
for target in $(targets freestanding='*qemu'); do
    check "freestanding $target, $(qemu_for "$target")" ci/freestanding.sh "$target" qemu
done

# The asm's mutants, each of which the freestanding program, the suite or a real kernel must
# kill (ci/mutants.sh); it leaves the clobber and result mutants for the kernels below.
run_logged "mutants: every mutant of every arch file" - "$LOGS/test-mutants.log" ci/mutants.sh

# The suite, the freestanding program and those mutants on real kernels under qemu-system
# (ci/kernel.sh): the initramfs of each, then the boots, two at a time, then each console.
KERNEL_TARGETS=$(kernel_targets)
if [ -n "$KERNEL_TARGETS" ]; then
    # shellcheck disable=SC2086 # the targets
    check "kernel: the kernels and initramfs of $(wc -w <<<"$KERNEL_TARGETS") targets" \
        ci/kernel.sh prepare $KERNEL_TARGETS
    # shellcheck disable=SC2086
    check "kernel: boot them, two at a time" ci/kernel.sh boot $KERNEL_TARGETS
    for target in $KERNEL_TARGETS; do
        run_logged "kernel $target" "linux $KERNEL_ABI" "$LOGS/test-kernel-$target.log" \
            ci/kernel.sh judge "$target"
    done
fi

# Real crates' own test suites, unmodified and switched to this crate, and origin's thread exit
# under a storm of signals (ci/consumers.sh), natively.
run_logged "consumers: real crates' suites, orig and ours" native "$LOGS/test-consumers.log" \
    ci/consumers.sh

check "msrv $MSRV build (${#MSRV_TARGETS[@]} targets)" msrv_build
check "rustc-dep-of-std build" dep_of_std_build

# build.rs, branch by branch; a stable compiler for mips stops with one message naming mips,
# nightly and the tracking issue.
check "build.rs: each branch with stable, MSRV and nightly rustc" ci/stable-refusal.sh

# Every Linux and Android target rustc knows: the ones the crate refuses, and why.
run_logged "survey: every Linux and Android target" - "$LOGS/test-survey.log" ci/survey.sh

check "docs: README tables and crate docs against ci/targets.sh and arch/" ci/docs-check.sh

print_summary
exit $FAILED
