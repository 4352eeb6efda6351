#!/usr/bin/env bash
# ci/freestanding.sh TARGET native|qemu [BINARY]
# Builds the freestanding program (tests/freestanding: no libc, own _start, rust-lld) for TARGET
# (or takes BINARY, a build of it: ci/mutants.sh's against a mutant of the crate) and proves it
# from the outside: it runs, natively or under TARGET's qemu-user, under a tracer (strace -f
# natively, qemu -strace under emulation), and
#   1. exits 0: every check in the program passed (a failed one is its exit status);
#   2. the trace holds exactly the munmap calls the program reports making, with the same
#      arguments and results, in order;
#   3. the program ends in munmap_and_exit's three calls, the trace's last three: rt_sigprocmask
#      blocking every signal (SIG_BLOCK, no old set; strace shows the set, ~[] for all of them,
#      and its size; qemu the set's address, whose bytes in the program's file are all ones, and
#      fails the call for a wrong size), the munmap, and exit(0) (the thread, not exit_group);
#   4. run as `exit 77`, it ends in the same three calls and exit(77), with status 77; as
#      `exit-keep-sigmask 78`, in munmap and exit(78), no rt_sigprocmask, with status 78: the
#      status reaches the kernel.
# Natively it also runs under strace -c: the mmap and munmap counts are the program's own, and
# every page it mapped was unmapped.
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=ci/targets.sh
. "$root/ci/targets.sh"

target=$1
mode=$2
out=$root/target/freestanding/$target-$mode
mkdir -p "$out"

fail() {
    echo "freestanding $target $mode: $*" >&2
    exit 1
}

if [ -n "${3:-}" ]; then
    binary=$3
else
    binary=$(freestanding_build "$target") || fail "build failed"
fi
echo "freestanding $target: $(stat -c %s "$binary") bytes, stripped"

# traced NAME ARGUMENT...: one run under the tracer, the program's stdout (its own record of the
# calls it made) in $out/NAME.program, the trace (the tracer passes the exit status on) in
# $out/NAME.trace; sets $status.
traced() {
    local name=$1
    shift
    if [ "$mode" = native ]; then
        command -v strace >/dev/null || fail "strace not found: apt-get install strace"
        strace -f -o "$out/$name.trace" -e trace=munmap,exit,exit_group,rt_sigprocmask \
            "$binary" "$@" >"$out/$name.program"
    else
        "$(qemu_for "$target")" -strace "$binary" "$@" >"$out/$name.program" 2>"$out/$name.trace"
    fi
    status=$?
}
[ "$mode" = native ] || qemu_for "$target" >/dev/null || fail "no qemu-user for $target"
# strace names the errno (-1 EINVAL (Invalid argument)), qemu numbers it (-1 errno=22 (...)).
if [ "$mode" = native ]; then result_field='\1'; else result_field='errno=\2'; fi

traced run
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
normalize_trace <"$out/run.trace" >"$out/trace.calls"
normalize_program <"$out/run.program" >"$out/program.calls"

calls=$(wc -l <"$out/program.calls")
[ "$calls" -gt 0 ] && [ "$calls" -eq "$(grep -c '^munmap(' "$out/run.program")" ] &&
    ! grep -vqE '^(munmap|mmap)\(' "$out/run.program" ||
    fail "the program's log is not what this script reads: $out/run.program"
diff -u "$out/program.calls" "$out/trace.calls" >"$out/calls.diff" ||
    fail "the trace differs from the program's own record (- program, + trace):
$(head -n 20 "$out/calls.diff")"

# ends NAME STATUS BLOCKS: the trace of run NAME ends in (rt_sigprocmask blocking every signal,
# when BLOCKS is 1,) munmap and exit(STATUS), with no exit_group anywhere; prints its last lines.
blocked='^([0-9]+ +)?rt_sigprocmask\(SIG_BLOCK, ?(~\[\], NULL, [0-9]+\) += 0|0x[0-9a-f]+,NULL\) = 0)$'
ends() {
    local name=$1 expected=$2 blocks=$3 last
    mapfile -t last < <(grep -E '^([0-9]+ +)?(rt_sigprocmask|munmap|exit)' "$out/$name.trace" |
        tail -n $((2 + blocks)))
    if [ "$blocks" = 1 ]; then
        [[ ${last[0]:-} =~ $blocked ]] ||
            fail "$name: the trace does not end in rt_sigprocmask(SIG_BLOCK, <every signal>, NULL) = 0, munmap, exit($expected): $(printf '%s | ' "${last[@]}")"
    elif grep -q 'rt_sigprocmask' "$out/$name.trace"; then
        fail "$name: rt_sigprocmask in the trace of munmap_and_exit_keep_sigmask"
    fi
    [[ ${last[blocks]:-} =~ ^([0-9]+\ +)?munmap\( ]] &&
        [[ ${last[blocks + 1]:-} =~ ^([0-9]+\ +)?exit\($expected\) ]] ||
        fail "$name: the trace does not end in munmap, exit($expected): $(printf '%s | ' "${last[@]}")"
    ! grep -qE 'exit_group' "$out/$name.trace" || fail "$name: exit_group in the trace: expected exit"
    echo "freestanding $target $mode, $name: ends in $(printf '%s; ' "${last[@]}")"
}
ends run 0 1

# Under qemu, whose trace shows the set's address only: its bytes in the program's file (a
# static executable; the set is read-only data of the asm, or of the code on powerpc, mips and
# sparc) must all be ones, as many as the kernel's sigset_t (16 bytes on mips, else 8). On x86,
# which pushes the set on the stack, strace shows it natively.
set_is_full() {
    local name=$1 address size offset set_bytes
    [ "$mode" = qemu ] || return 0
    address=$(grep -E "$blocked" "$out/$name.trace" | tail -n 1 |
        sed -nE 's/.*SIG_BLOCK,0x([0-9a-f]+),.*/\1/p')
    case $(target_cfg "$target" target_arch) in
    mips*) size=16 ;;
    *) size=8 ;;
    esac
    # The LOAD segment that holds it: its offset, address and size in the file.
    offset=''
    while read -r kind off va _ filesz _; do
        [ "$kind" = LOAD ] && ((16#$address >= va && 16#$address < va + filesz)) &&
            offset=$((off + 16#$address - va))
    done < <(readelf -lW "$binary")
    if [ -z "$offset" ]; then
        [ "$(target_cfg "$target" target_arch)" = x86 ] ||
            fail "$name: the set's address 0x$address is in no segment of the program's file"
        echo "freestanding $target $mode, $name: the set is on the stack (x86): strace shows it" \
            "natively"
    else
        set_bytes=$(od -An -tx1 -v -j "$offset" -N "$size" "$binary" | tr -d ' \n')
        [ "$set_bytes" = "$(printf 'ff%.0s' $(seq "$size"))" ] ||
            fail "$name: the set at 0x$address holds $set_bytes, not every signal"
        echo "freestanding $target $mode, $name: the set at 0x$address holds $size bytes of ones"
    fi
}
set_is_full run

# The status reaches the kernel, with and without the signal block.
traced exit exit 77
[ "$status" -eq 77 ] || fail "exit 77: exit status $status"
ends exit 77 1
set_is_full exit
traced keep exit-keep-sigmask 78
[ "$status" -eq 78 ] || fail "exit-keep-sigmask 78: exit status $status"
ends keep 78 0

echo "freestanding $target $mode: ok, $calls munmap calls match the trace"
[ "$mode" = native ] || exit 0

# The leak check the munmap reference page describes, natively: strace -c counts the mmap and
# munmap calls (and failed ones) from the outside, and they must be the program's own counts;
# and by the program's own log, every page it mapped, a successful munmap removed again.
strace -f -c -e trace=mmap,munmap -o "$out/summary.log" "$binary" >"$out/run.program" ||
    fail "the run under strace -c failed"
counted() { # SYSCALL COLUMN: calls (4) or errors (5) in strace -c's table, 0 when empty
    awk -v call="$1" -v column="$2" '$NF == call { n = (NF == 6 || column == 4) ? $column : 0 }
        END { print n + 0 }' "$out/summary.log"
}
own_mmap=$(grep -c '^mmap(' "$out/run.program")
own_munmap=$(grep -c '^munmap(' "$out/run.program")
own_failed=$(grep -c '^munmap(.* = -1 ' "$out/run.program")
counts="mmap $(counted mmap 4)/$own_mmap, munmap $(counted munmap 4)/$own_munmap, failed munmap $(counted munmap 5)/$own_failed"
[ "$(counted mmap 4)" -eq "$own_mmap" ] && [ "$(counted munmap 4)" -eq "$own_munmap" ] &&
    [ "$(counted munmap 5)" -eq "$own_failed" ] ||
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
    s/^munmap\(0x([0-9a-f]+), ([0-9]+)\) = (0|-1).*/munmap \1 \2 \3/p' "$out/run.program")
[ ${#mapped[@]} -eq 0 ] || fail "${#mapped[@]} mapped pages were never unmapped"
echo "freestanding $target: strace -c agrees with the program's log ($counts, traced/logged);" \
    "every page mapped was unmapped"
