#!/usr/bin/env bash
# ci/suite.sh: the test suite's binaries, built, run one by one, and judged from their output.
#
#   ci/suite.sh build TARGET [--static] [CARGO-ARG...]
#                                            builds the suite for TARGET (cargo test --no-run,
#                                            --features std, and the arguments, --release say)
#                                            and prints its test binaries, one per line; with
#                                            --static, linked static (+crt-static), in a target
#                                            directory of its own: what runs under qemu-user
#                                            and on real kernels (ci/kernel.sh), one build
#   ci/suite.sh run TARGET [CARGO-ARG...] [-- RUNNER...]
#                                            builds it, runs each binary (with RUNNER in front)
#                                            in the crate's root, as cargo test would, and the
#                                            doc tests natively (unless --test picks binaries),
#                                            then judges the output
# MUNMAP_SUITE_CRATE names another copy of the crate to build (ci/mutants.sh's mutants).
#   ci/suite.sh judge LOG                    judges output in the form below (a real kernel's
#                                            console, ci/kernel.sh, has it too)
#
# Each binary's output stands between "==> BINARY" and "<== BINARY STATUS LISTED", STATUS its
# exit status and LISTED the number of tests its --list gives. The judge prints, for each, the
# verdict, "FAILED <binary>: <why>" when it exited other than 0, ended without its closing
# "test result:" line (a test that ends the whole process, as exit_group from a thread does,
# ends it early with that thread's status, 0 maybe), or reported fewer tests (passed + failed +
# ignored) than --list has; and exits 1 if any binary failed. ci/test.sh counts the binaries'
# "test result:" lines and the FAILED ones.
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=ci/targets.sh
. "$root/ci/targets.sh"
crate=${MUNMAP_SUITE_CRATE:-$root}
# Run alone too, not only from ci/test.sh: each target's C cross compiler links its binaries.
export_linkers

# build TARGET [--static] [CARGO-ARG...]: the test binaries, one per line.
build() {
    local target=$1 cargo
    shift
    if [ "${1:-}" = --static ]; then
        shift
        export RUSTFLAGS="-C target-feature=+crt-static"
        CARGO_TARGET_DIR=$(ci_target_dir suite-static)
        export CARGO_TARGET_DIR
    fi
    read -r -a cargo < <(cargo_for "$target")
    # shellcheck disable=SC2046 # build_env's VAR=VALUE words
    (cd "$crate" && env $(build_env "$target") "${cargo[@]}" test --no-run --features std \
        --target "$target" --message-format=json-render-diagnostics "$@") |
        grep '"profile":{[^}]*"test":true' | sed -n 's/.*"executable":"\([^"]*\)".*/\1/p'
}

# name BINARY: the binary's name without cargo's hash (semantics-0123456789abcdef: semantics).
name() {
    basename "$1" | sed -E 's/-[0-9a-f]{16}$//'
}

# run TARGET [CARGO-ARG...] [-- RUNNER...]
run() {
    local target=$1 arguments=() runner=() binaries binary listed status
    shift
    while [ $# -gt 0 ] && [ "$1" != -- ]; do arguments+=("$1") && shift; done
    [ "${1:-}" != -- ] || { shift && runner=("$@"); }
    binaries=$(build "$target" "${arguments[@]}") || return 1
    [ -n "$binaries" ] || { echo "FAILED: no test binaries were built for $target" && return 1; }
    cd "$crate" || return 1
    for binary in $binaries; do
        listed=$("${runner[@]}" "$binary" --list 2>/dev/null |
            sed -nE 's/^([0-9]+) tests?, [0-9]+ benchmarks?$/\1/p')
        echo "==> $(name "$binary")"
        "${runner[@]}" "$binary" --show-output 2>&1
        status=$?
        echo "<== $(name "$binary") $status ${listed:-unknown}"
    done
    # The doc tests, natively (they take the host's compiler and no runner).
    if [ ${#runner[@]} -eq 0 ] && [ "$target" = "$(rustc -vV | sed -n 's/^host: //p')" ] &&
        [[ " ${arguments[*]} " != *" --test "* ]]; then
        echo "==> doc-tests"
        cargo test -q --doc --features std "${arguments[@]}" -- --show-output 2>&1
        echo "<== doc-tests $? any"
    fi
}

# judge: reads the output on stdin, passes it through, and ends with the verdicts.
judge() {
    awk '
        /^==> / { current = $2; result = ""; next }
        /^<== / {
            name = $2; status = $3; listed = $4
            why = ""
            if (result == "") why = "no closing \"test result:\" line: it stopped early"
            else if (status != 0) why = "exit status " status
            else if (listed != "any" && (listed == "unknown" || reported < listed))
                why = "reported " reported " tests, but --list has " listed
            if (why == "") verdicts = verdicts "\nok " name ": " reported " tests"
            else { verdicts = verdicts "\nFAILED " name ": " why; failed++ }
            binaries++
            current = ""
            next
        }
        current != "" && /^test result:/ {
            result = $0
            reported = 0
            for (i = 1; i < NF; i++) if ($(i + 1) ~ /^(passed|failed|ignored)/) reported += $i
        }
        { print }
        END {
            print substr(verdicts, 2)
            if (binaries == 0) { print "FAILED: no test binary ran"; exit 1 }
            exit failed > 0
        }'
}

case ${1:-} in
build) shift && build "$@" ;;
run) shift && run "$@" | judge ;;
judge) judge <"$2" ;;
*) echo "usage: ci/suite.sh build|run|judge ..." >&2 && exit 2 ;;
esac
