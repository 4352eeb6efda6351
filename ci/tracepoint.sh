#!/usr/bin/env bash
# ci/tracepoint.sh TARGET: the kernel's own view of munmap, natively, as root. Runs the
# freestanding program (tests/freestanding) with the syscalls:sys_enter_munmap and
# sys_exit_munmap events enabled for its pid alone, in a tracefs instance of its own (removed
# afterwards, whatever happens), and checks that every munmap the program logs is recorded, in
# order, with the same addr, len and result, and that nothing else is recorded for that pid.
#
# For i686 the 64-bit kernel takes the calls through its compat entry, which those two events do
# not see: trace_get_syscall_nr in kernel/trace/trace_syscalls.c skips a compat system call
# where the architecture defines ARCH_TRACE_IGNORE_COMPAT_SYSCALLS, as x86 does
# (arch/x86/include/asm/ftrace.h, whose comment sends the user to the raw tracepoints). So for
# i686 they must record nothing, and raw_syscalls:sys_enter and sys_exit, filtered to munmap's
# 32-bit number (91), must record every call as above.
#
# Where tracefs cannot be mounted or the events are missing, it says so with a SKIPPED line.
# Prints "PASSED <what>" per check, for ci/test.sh to count.
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=ci/targets.sh
. "$root/ci/targets.sh"
target=$1
tracefs=/sys/kernel/tracing
skip() {
    echo "SKIPPED tracepoint $target: $*"
    exit 0
}
fail() {
    echo "FAILED tracepoint $target: $*" >&2
    exit 1
}

[ "$(id -u)" -eq 0 ] || skip "enabling trace events needs root"
mountpoint -q "$tracefs" || mount -t tracefs nodev "$tracefs" 2>/dev/null ||
    skip "tracefs cannot be mounted at $tracefs"
for event in syscalls/sys_enter_munmap syscalls/sys_exit_munmap raw_syscalls/sys_enter \
    raw_syscalls/sys_exit; do
    [ -d "$tracefs/events/$event" ] || skip "the kernel has no $event event"
done

binary=$(freestanding_build "$target") || fail "the freestanding program did not build"
out=$root/target/tracepoint/$target
mkdir -p "$out"

instance=$tracefs/instances/munmap-tracepoint-$$
mkdir "$instance" || skip "no tracefs instance could be made"
trap 'echo 0 >"$instance/tracing_on"; rmdir "$instance"' EXIT

# munmap's 32-bit number on i686: the raw events record the compat call by it.
compat=$([ "$(target_cfg "$target" target_pointer_width)" = 32 ] && echo 91)
# The subshell sets its own pid as the only one traced, enables the events and becomes the
# program (exec keeps the pid): what is recorded is the program's.
(
    echo "$BASHPID" >"$instance/set_event_pid"
    echo 1 >"$instance/events/syscalls/sys_enter_munmap/enable"
    echo 1 >"$instance/events/syscalls/sys_exit_munmap/enable"
    if [ -n "$compat" ]; then
        echo "id == $compat" >"$instance/events/raw_syscalls/sys_enter/filter"
        echo "id == $compat" >"$instance/events/raw_syscalls/sys_exit/filter"
        echo 1 >"$instance/events/raw_syscalls/sys_enter/enable"
        echo 1 >"$instance/events/raw_syscalls/sys_exit/enable"
    fi
    exec "$binary" >"$out/program.log"
) || fail "the program exited with $?"
echo 0 >"$instance/tracing_on"
grep -v '^#' "$instance/trace" >"$out/trace.log"

# One line per call: "munmap <hex addr> <hex len> <result, decimal>".
sed -nE 's/^munmap\(0x([0-9a-f]+), ([0-9]+)\) = (0|-1 [A-Z0-9?]+ errno=([0-9]+)).*/\1 \2 \4/p' \
    "$out/program.log" | while read -r addr len errno; do
    printf 'munmap %x %x %d\n' "0x$addr" "$len" "-${errno:-0}"
done >"$out/program.calls"
[ -s "$out/program.calls" ] || fail "the program logged no munmap call"

# The syscalls:* records: "sys_munmap(addr: 0x..., len: 0x...)" then "sys_munmap -> 0x...".
# The raw_syscalls:* records: "sys_enter: NR 91 (addr, len, ...)" then "sys_exit: NR 91 = ret".
records() { # EVENTS
    awk -v events="$1" '
        events == "syscalls" && match($0, /sys_munmap\(addr: (0x)?[0-9a-f]+, len: (0x)?[0-9a-f]+\)/) {
            split(substr($0, RSTART, RLENGTH), f, /[(:, )]+/)
            addr = f[3]; len = f[5]; sub(/^0x/, "", addr); sub(/^0x/, "", len)
        }
        events == "syscalls" && match($0, /sys_munmap -> 0x[0-9a-f]+/) {
            ret = substr($0, RSTART + 16, RLENGTH - 16)
            print "munmap", addr, len, ret
        }
        events == "raw" && match($0, /sys_enter: NR [0-9]+ \([0-9a-f]+, [0-9a-f]+,/) {
            split(substr($0, RSTART, RLENGTH), f, /[(, ]+/)
            addr = f[4]; len = f[5]
        }
        events == "raw" && match($0, /sys_exit: NR [0-9]+ = -?[0-9]+/) {
            n = split(substr($0, RSTART, RLENGTH), f, / /)
            print "munmap", addr, len, "=" f[n]
        }' "$out/trace.log"
}
# The 64-bit result as a signed decimal, as the program logs it.
signed() {
    while read -r call addr len ret; do
        case $ret in
        =*) ret=${ret#=} ;;
        *) ret=$(( 16#$ret )) ;; # bash arithmetic is 64-bit: 0xffffffffffffffea is -22
        esac
        printf '%s %x %x %d\n' "$call" "0x$addr" "0x$len" "$ret"
    done
}

if [ -z "$compat" ]; then
    records syscalls | signed >"$out/trace.calls"
    others=$(grep -cvE 'sys_munmap(\(| ->)' "$out/trace.log")
    what="syscalls:sys_enter_munmap and sys_exit_munmap"
else
    munmap_events=$(grep -cE 'sys_munmap(\(| ->)' "$out/trace.log")
    [ "$munmap_events" -eq 0 ] ||
        fail "sys_enter_munmap recorded $munmap_events lines for a 32-bit process"
    echo "PASSED tracepoint $target: syscalls:sys_enter_munmap and sys_exit_munmap record" \
        "nothing for a 32-bit process (the compat entry)"
    records raw | signed >"$out/trace.calls"
    others=$(grep -cvE "sys_(enter|exit): NR $compat " "$out/trace.log")
    what="raw_syscalls:sys_enter and sys_exit for NR $compat"
fi
echo "-- the program's log, then the kernel's records ($what):"
paste -d '|' "$out/program.calls" "$out/trace.calls" | sed 's/|/   |   /'
diff -u "$out/program.calls" "$out/trace.calls" ||
    fail "the kernel's records differ from the program's log (above: - program, + kernel)"
[ "$others" -eq 0 ] || fail "$others other records for the program's pid"
echo "PASSED tracepoint $target: $(wc -l <"$out/program.calls") munmap calls, each recorded by" \
    "$what with the program's addr, len and result, in order, and nothing else"
