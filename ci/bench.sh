#!/usr/bin/env bash
# ci/bench.sh: the figures of benches/README.md, natively on x86_64 and i686.
#   1. benches/benches/interleaved.rs: every variant once per round, in rotating order;
#      medians of the per-round ratios (to ours, and to libc).
#   2. user-space instructions per call, counted by callgrind (deterministic): 1000 calls of
#      each variant on the empty-range workload, collected only inside the variant's function,
#      in both of the shapes callers have: reading the number, and `_is_err` (only whether the
#      call failed).
# The benchmarks are the workspace member munmap-benches (benches/Cargo.toml). Criterion's own
# report: cargo bench -p munmap-benches --bench munmap [--target i686-unknown-linux-gnu].
# Installs valgrind if missing (as root; otherwise says how).
set -uo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=ci/targets.sh
. ci/targets.sh

if ! command -v valgrind >/dev/null; then
    [ "$(id -u)" -eq 0 ] || { echo "valgrind not found: apt-get install valgrind" >&2; exit 1; }
    apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q valgrind || exit 1
fi
export_linkers
I686_LOADER=(/usr/i686-linux-gnu/lib/ld-linux.so.2 --library-path /usr/i686-linux-gnu/lib)
CALLS=1000
BENCH=(cargo bench -q -p munmap-benches --bench interleaved)

for target in "${BENCH_TARGETS[@]}"; do
    loader=()
    [[ $target == i686-* ]] && loader=("${I686_LOADER[@]}")
    var=CARGO_TARGET_$(cargo_env_name "$target")_RUNNER
    echo "== $target: cargo bench -p munmap-benches --bench interleaved"
    runner=()
    [ ${#loader[@]} -eq 0 ] || runner=("$var=${loader[*]}")
    env "${runner[@]}" "${BENCH[@]}" --target "$target" || exit 1

    echo "== $target: user-space instructions per call (callgrind, $CALLS calls, empty range)"
    variants=(ours libc rustix syscalls ours_is_err libc_is_err rustix_is_err syscalls_is_err
        floor_getppid)
    [[ $target == i686-* ]] && variants=(ours ours_vsyscall "${variants[@]:1}")
    for variant in "${variants[@]}"; do
        runner="valgrind --tool=callgrind --callgrind-out-file=/dev/null"
        runner+=" --toggle-collect=bench_${variant%_getppid} ${loader[*]}"
        log=$(env "$var=$runner" "${BENCH[@]}" --target "$target" -- \
            count empty_range "$variant" "$CALLS" 2>&1)
        collected=$(echo "$log" | sed -n 's/^==[0-9]*== Collected : \([0-9]*\)$/\1/p')
        if [ -n "$collected" ] && echo "$log" | grep -q '^count: '; then
            printf '%-16s %6s instructions/call   (%s)\n' "$variant" \
                "$(awk -v c="$collected" -v n="$CALLS" 'BEGIN { printf "%.1f", c / n }')" \
                "$(echo "$log" | sed -n 's/^count: .*; //p')"
        else
            printf '%-16s %6s   (%s)\n' "$variant" n/a \
                "$(echo "$log" | grep -m1 -E 'signal|error' || echo 'no count')"
        fi
    done
done
