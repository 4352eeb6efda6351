#!/usr/bin/env bash
# ci/freestanding.sh TARGET native|qemu
# Builds the freestanding program (tests/freestanding: no libc, own _start, rust-lld) for TARGET
# and proves it from the outside: it runs once, natively or under TARGET's qemu-user, under a
# tracer (strace -f natively, qemu -strace under emulation), and
#   1. exits 0: every check in the program passed;
#   2. the trace holds exactly the munmap calls the program reports making, with the same
#      arguments and results, in order;
#   3. the program ends in munmap_and_exit's three calls, the trace's last three: rt_sigprocmask
#      blocking every signal (strace shows the set, ~[] for all of them, and its size; qemu the
#      set's address, and fails the call for a wrong size), the munmap, and exit(0) (the thread,
#      not exit_group).
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=ci/targets.sh
. "$root/ci/targets.sh"
cd "$root/tests/freestanding"

target=$1
mode=$2
out=target/$target/trace-$mode
mkdir -p "$out"

fail() {
    echo "freestanding $target $mode: $*" >&2
    exit 1
}

read -r -a cargo < <(cargo_for "$target" core)
read -r -a environment < <(build_env "$target")
env "${environment[@]}" "${cargo[@]}" build -q --release --target "$target" || fail "build failed"
binary=target/$target/release/munmap-freestanding
echo "freestanding $target: $(stat -c %s "$binary") bytes, stripped"

# One run, under the tracer: the program's stdout is its own record of the calls it made, and
# the tracer (which passes on the exit status) records them from the outside.
if [ "$mode" = native ]; then
    command -v strace >/dev/null || fail "strace not found: apt-get install strace"
    strace -f -o "$out/trace.log" -e trace=munmap,exit,exit_group,rt_sigprocmask "$binary" \
        >"$out/program.log"
    status=$?
    result_field='\1' # strace names the errno: -1 EINVAL (Invalid argument)
else
    qemu=$(qemu_for "$target") || fail "no qemu-user for $target"
    "$qemu" -strace "$binary" >"$out/program.log" 2>"$out/trace.log"
    status=$?
    result_field='errno=\2' # qemu numbers it: -1 errno=22 (Invalid argument)
fi
[ "$status" -eq 0 ] || fail "exit status $status: check $status failed (see src/main.rs)"

# One line per munmap: "munmap <hex address> <length> <0 | -1 name-or-number>".
# qemu prints a length of ~0 as -1; ~0 depends on the target's pointer width, which rustc knows.
case $(rustc --print cfg --target "$target" | sed -n 's/^target_pointer_width="\(.*\)"$/\1/p') in
32) max=4294967295 ;;
64) max=18446744073709551615 ;;
*) fail "unknown pointer width" ;;
esac
normalize_trace() {
    sed -nE 's/^([0-9]+ +|\[pid +[0-9]+\] )?munmap\(0x0*([0-9a-f]+), ?(-?[0-9]+)\) *= (0|-1 [^ ]+).*/munmap \2 \3 \4/p' |
        sed -E "s/^(munmap [0-9a-f]+) -1 /\1 $max /"
}
normalize_program() {
    sed -nE "s/^munmap\(0x([0-9a-f]+), ([0-9]+)\) = (0|-1 ([A-Z0-9]+) errno=([0-9]+)) \(.*\)$/munmap \1 \2 \3/p
        s/^munmap\(0x([0-9a-f]+), ([0-9]+)\) = 0$/munmap \1 \2 0/p" |
        sed -E "s/ -1 ([A-Z0-9]+) errno=([0-9]+)$/ -1 $result_field/"
}
normalize_trace <"$out/trace.log" >"$out/trace.calls"
normalize_program <"$out/program.log" >"$out/program.calls"

calls=$(wc -l <"$out/program.calls")
[ "$calls" -gt 0 ] && [ "$calls" -eq "$(grep -c '^munmap(' "$out/program.log")" ] &&
    ! grep -vqE '^(munmap|mmap)\(' "$out/program.log" ||
    fail "the program's log is not what this script reads: $out/program.log"
diff -u "$out/program.calls" "$out/trace.calls" ||
    fail "the trace differs from the program's own record (above: - program, + trace)"
blocked='^([0-9]+ +)?rt_sigprocmask\(SIG_BLOCK, ?(~\[\], NULL, [0-9]+\) += 0|0x[0-9a-f]+,NULL\) = 0)$'
mapfile -t last < <(grep -E '^([0-9]+ +)?(rt_sigprocmask|munmap|exit)' "$out/trace.log" | tail -n 3)
[[ ${last[0]:-} =~ $blocked ]] && [[ ${last[1]:-} =~ ^([0-9]+\ +)?munmap\( ]] &&
    [[ ${last[2]:-} =~ ^([0-9]+\ +)?exit\(0\) ]] ||
    fail "the trace does not end in rt_sigprocmask(SIG_BLOCK, <every signal>) = 0, munmap, exit(0): $(printf '%s | ' "${last[@]}")"
! grep -qE 'exit_group' "$out/trace.log" || fail "exit_group in the trace: expected exit"
echo "freestanding $target $mode: ends in ${last[0]}; ${last[2]}"
echo "freestanding $target $mode: ok, $calls munmap calls match the trace"
cat "$out/trace.calls"
[ "$mode" = native ] || exit 0

# The leak check the munmap reference page describes, natively: strace -c counts the mmap and
# munmap calls (and failed ones) from the outside, and they must be the program's own counts;
# and by the program's own log, every page it mapped, a successful munmap removed again.
strace -f -c -e trace=mmap,munmap -o "$out/summary.log" "$binary" >"$out/program.log" ||
    fail "the run under strace -c failed"
traced() { # SYSCALL COLUMN: calls (4) or errors (5) in strace -c's table, 0 when empty
    awk -v call="$1" -v column="$2" '$NF == call { n = (NF == 6 || column == 4) ? $column : 0 }
        END { print n + 0 }' "$out/summary.log"
}
own_mmap=$(grep -c '^mmap(' "$out/program.log")
own_munmap=$(grep -c '^munmap(' "$out/program.log")
own_failed=$(grep -c '^munmap(.* = -1 ' "$out/program.log")
counts="mmap $(traced mmap 4)/$own_mmap, munmap $(traced munmap 4)/$own_munmap, failed munmap $(traced munmap 5)/$own_failed"
[ "$(traced mmap 4)" -eq "$own_mmap" ] && [ "$(traced munmap 4)" -eq "$own_munmap" ] &&
    [ "$(traced munmap 5)" -eq "$own_failed" ] ||
    fail "strace -c and the program's log disagree (traced/logged): $counts"
page=$(getconf PAGESIZE)
declare -A mapped=()
while read -r call addr len result; do
    [ "$result" = 0 ] || continue # a failed munmap removed nothing
    first=$((16#$addr / page))
    last=$(((16#$addr + len + page - 1) / page))
    for ((p = first; p < last; p++)); do
        if [ "$call" = mmap ]; then mapped[$p]=1; else unset "mapped[$p]"; fi
    done
done < <(sed -nE 's/^mmap\(NULL, ([0-9]+)\) = 0x([0-9a-f]+)$/mmap \2 \1 0/p
    s/^munmap\(0x([0-9a-f]+), ([0-9]+)\) = (0|-1).*/munmap \1 \2 \3/p' "$out/program.log")
[ ${#mapped[@]} -eq 0 ] || fail "${#mapped[@]} mapped pages were never unmapped"
echo "freestanding $target: strace -c agrees with the program's log ($counts, traced/logged);" \
    "every page mapped was unmapped"
