#!/usr/bin/env bash
# ci/survey.sh: builds the library for every Linux and Android target the pinned nightly knows
# (wasm aside) but the rustup targets of ci/targets.sh, which ci/test.sh's clippy steps lint,
# with `core` from source and clippy -D warnings (cargo clippy -Zbuild-std=core; on mips,
# sparc, m68k, hexagon and csky, build.rs turns on asm_experimental_arch), two targets at a
# time; prints each target the crate refuses with the first error, and "N/M build". It fails if
# a target is refused that should build, or builds that should be refused (REFUSED below).
# With MUNMAP_TARGETS set (globs), only the targets that match.
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=ci/targets.sh
. "$root/ci/targets.sh"
cd "$root" || exit 1

# The targets the crate refuses, as globs, and why.
declare -A REFUSED=(
    ['aarch64*_ilp32']="aarch64 ILP32, which no mainline kernel serves"
)

# why_refused TARGET: the reason TARGET is expected to be refused, or nothing.
why_refused() {
    local pattern
    for pattern in "${!REFUSED[@]}"; do
        # shellcheck disable=SC2254
        case $1 in $pattern) echo "${REFUSED[$pattern]}" && return ;; esac
    done
}

# The targets rustup has a standard library for are linted by ci/test.sh's clippy steps, with
# rustup's standard library and stable clippy, on the library and more: the survey takes the
# others.
mapfile -t linted < <(MUNMAP_TARGETS='' targets std=rustup)
mapfile -t all < <(rustc "+$NIGHTLY" --print target-list | grep -E 'linux|android' |
    grep -v wasm | grep -vxF -f <(printf '%s\n' "${linted[@]}") |
    while read -r target; do selected "$target" && echo "$target"; done)
work=$root/target/survey
mkdir -p "$work"

# check LANE TARGET: one target, in its lane's target directory, in the environment its build
# needs (build_env); prints "TARGET ok" or "TARGET refused: <first error>".
check() {
    local output
    # shellcheck disable=SC2046 # build_env's VAR=VALUE words
    if output=$(env $(build_env "$2") cargo "+$NIGHTLY" clippy -q --lib -p munmap \
        -Zbuild-std=core --target "$2" --target-dir "$work/lane-$1" -- -D warnings 2>&1); then
        echo "$2 ok"
    else
        echo "$2 refused: $(grep -m1 -E '^error' <<<"$output")"
    fi
}
export -f check build_env
export work NIGHTLY

printf '%s\n' "${all[@]}" | awk '{ print NR % 2, $0 }' |
    xargs -P 2 -L 1 bash -c 'check "$0" "$1"' >"$work/results"

built=0
failures=0
while read -r target verdict; do
    expected=$(why_refused "$target")
    if [ "$verdict" = ok ]; then
        built=$((built + 1))
        [ -z "$expected" ] || { echo "FAILED $target builds, but should be refused: $expected" &&
            failures=$((failures + 1)); }
    else
        echo "$target ${verdict#refused: }"
        [ -n "$expected" ] || { echo "FAILED $target is refused, but should build" &&
            failures=$((failures + 1)); }
    fi
done < <(sort "$work/results")
echo "$built/${#all[@]} build, and the ${#linted[@]} rustup targets in ci/test.sh's clippy steps"
[ $failures -eq 0 ] && echo "PASSED survey: $built/${#all[@]} Linux and Android targets build," \
    "the $((${#all[@]} - built)) refused ones as expected"
exit $((failures > 0))
