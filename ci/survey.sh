#!/usr/bin/env bash
# ci/survey.sh: builds the library for every Linux and Android target the pinned nightly knows
# (wasm aside), with `core` from source and clippy -D warnings (cargo clippy -Zbuild-std=core; on
# mips, sparc, m68k, hexagon and csky, build.rs turns on asm_experimental_arch), two at a time;
# prints each target the crate refuses with the first error, and "N/M build". It fails if a
# target is refused that should build, or builds that should be refused (REFUSED below).
#
# One build per group: targets whose `rustc --print cfg` agree on everything the crate's code,
# its build script and the compiler's checks of its asm! operands read (target_arch,
# target_pointer_width, target_endian, target_os and every target_feature, crt-static aside)
# compile the crate alike, whatever their C library (target_env) or vendor: the survey builds
# one of each group, and prints every target with its group. A group with one of the rustup
# targets of ci/targets.sh needs no build here: ci/test.sh's clippy steps lint that target, on
# the library and more.
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

# group_key TARGET: what the crate's compilation reads of TARGET, as one word.
group_key() {
    rustc "+$NIGHTLY" --print cfg --target "$1" |
        grep -E '^(target_arch|target_pointer_width|target_endian|target_os|target_feature)=' |
        grep -vx 'target_feature="crt-static"' | sort | md5sum | cut -c1-12
}

mapfile -t linted < <(MUNMAP_TARGETS='' targets std=rustup)
mapfile -t all < <(rustc "+$NIGHTLY" --print target-list | grep -E 'linux|android' |
    grep -v wasm | while read -r target; do selected "$target" && echo "$target"; done)
work=$CI_CACHE/survey
mkdir -p "$work"

# Each target's group, named by its first member, the rustup targets first: "TARGET GROUP".
declare -A group_of=() first=()
for target in "${linted[@]}" "${all[@]}"; do
    [ -z "${group_of[$target]:-}" ] || continue
    key=$(group_key "$target")
    first[$key]=${first[$key]:-$target}
    group_of[$target]=${first[$key]}
done
is_linted() {
    [[ " ${linted[*]} " == *" $1 "* ]]
}

# The builds: one per group, unless a rustup target is in it.
builds=()
for target in "${all[@]}"; do
    group=${group_of[$target]}
    is_linted "$group" || [[ " ${builds[*]} " == *" $group "* ]] || builds+=("$group")
done

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

printf '%s\n' "${builds[@]}" | awk '{ print NR % 2, $0 }' |
    xargs -P 2 -L 1 bash -c 'check "$0" "$1"' >"$work/results"

built=0
failures=0
echo "target, and the group it builds with (the target whose build stands for it):"
for target in $(printf '%s\n' "${all[@]}" | sort); do
    group=${group_of[$target]}
    expected=$(why_refused "$target")
    if is_linted "$group"; then
        verdict=ok how="$group, linted by ci/test.sh's clippy steps"
    else
        verdict=$(sed -n "s/^$group //p" "$work/results")
        how=$group
        [ "$group" != "$target" ] || how="built here"
    fi
    echo "    $target: $how"
    if [ "$verdict" = ok ]; then
        built=$((built + 1))
        [ -z "$expected" ] || { echo "FAILED $target builds, but should be refused: $expected" &&
            failures=$((failures + 1)); }
    else
        echo "$target ${verdict#refused: }"
        [ -n "$expected" ] || { echo "FAILED $target is refused, but should build" &&
            failures=$((failures + 1)); }
    fi
done
groups=$(printf '%s\n' "${group_of[@]}" | sort -u | wc -l)
echo "$built/${#all[@]} build: ${#all[@]} targets in $groups groups, ${#builds[@]} built here," \
    "the others with a rustup target in ci/test.sh's clippy steps"
[ $failures -eq 0 ] && echo "PASSED survey: $built/${#all[@]} Linux and Android targets build," \
    "the $((${#all[@]} - built)) refused ones as expected"
exit $((failures > 0))
