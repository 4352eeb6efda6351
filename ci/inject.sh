#!/usr/bin/env bash
# ci/inject.sh TARGET: strace as an independent judge of munmap's decode, natively (x86_64 and
# i686). The freestanding program's `inject` mode maps a page and makes exactly one munmap call;
# strace skips that call and makes it return what it is told (-e inject=munmap:...):
#   1. every errno from 1 to 4095 comes back as exactly that number, with the name strace gives
#      it (or none where strace has none, but for two names newer than strace 6.1) and the
#      message strace prints for it (glibc's; for a number without a glibc message, "Unknown
#      error N"), and Errno::from_raw gives it back;
#   2. forged success values come back as the error 4095, since nothing was unmapped (the
#      decode saturates a result outside munmap's contract), and a forged 0 as success.
# Prints "PASSED <what>" per part, for ci/test.sh to count.
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
target=$1
# shellcheck source=ci/targets.sh
. "$root/ci/targets.sh"
binary=$(freestanding_build "$target") || exit 1
work=$root/target/inject/$target
mkdir -p "$work"
command -v strace >/dev/null || { echo "strace not found: apt-get install strace" >&2 && exit 1; }

# inject SPEC: the program's munmap line and strace's, for one injection, as
# "SPEC|program|strace".
inject() {
    strace -qq -o "$work/trace-$1" -e trace=munmap -e "inject=munmap:$1" "$binary" inject \
        >"$work/program-$1" || echo "exit status $? for $1" >>"$work/program-$1"
    echo "$1|$(grep '^munmap(' "$work/program-$1")|$(grep 'INJECTED' "$work/trace-$1")"
    rm -f "$work/trace-$1" "$work/program-$1"
}
export -f inject
export work binary

# Every injection, two at a time: their results, by SPEC.
declare -A result=()
while IFS='|' read -r spec program traced; do
    result[$spec]="$program|$traced"
done < <({ seq -f 'error=%g' 1 4095; printf 'retval=%s\n' 1 5 4095 4096 65536 2147483647 0; } |
    xargs -P 2 -I{} bash -c 'inject {}')

failures=0
fail() {
    echo "FAILED $*" >&2
    failures=$((failures + 1))
}

# Names include/linux/errno.h has and strace 6.1 does not know yet.
declare -A NEWER_THAN_STRACE=([519]=ENOPARAM [531]=ENOGRACE)

for errno in $(seq 1 4095); do
    IFS='|' read -r program traced <<<"${result[error=$errno]}"
    # strace: "= -1 EINVAL (Invalid argument) (INJECTED)", or "= -1 (errno 4000) (INJECTED)";
    # for the kernel's restart codes (512 to 516), "= ? ERESTARTSYS (<strace's own words>)",
    # where glibc has no message.
    if [[ $traced =~ \=\ (-1|\?)\ (E[A-Z0-9_]+)\ \((.*)\)\ \(INJECTED\)$ ]]; then
        message=${BASH_REMATCH[3]}
        [ "${BASH_REMATCH[1]}" = "?" ] && message="Unknown error $errno"
        expected="= -1 ${BASH_REMATCH[2]} errno=$errno ($message)"
    elif [[ $traced =~ \=\ -1\ \(errno\ $errno\)\ \(INJECTED\)$ ]]; then
        expected="= -1 ${NEWER_THAN_STRACE[$errno]:-?} errno=$errno (Unknown error $errno)"
    else
        fail "errno $errno: strace printed \"$traced\""
        continue
    fi
    [ "${program#*) }" = "$expected" ] || fail "errno $errno: \"$program\", expected \"$expected\""
done
[ $failures -eq 0 ] && echo "PASSED $target: errnos 1 to 4095 injected, each decoded as strace reports it"

before=$failures
for value in 1 5 4095 4096 65536 2147483647; do
    IFS='|' read -r program traced <<<"${result[retval=$value]}"
    [[ $traced == *"= $value (INJECTED)" ]] || fail "retval=$value: strace printed \"$traced\""
    expected="= -1 ? errno=4095 (Unknown error 4095)"
    [ "${program#*) }" = "$expected" ] || fail "retval=$value: \"$program\", expected \"$expected\""
done
IFS='|' read -r program traced <<<"${result[retval=0]}"
[ "${program#*) }" = "= 0" ] || fail "retval=0: \"$program\", expected success"
[ $failures -eq "$before" ] &&
    echo "PASSED $target: forged success values 1 to 2^31-1 decode as 4095, a forged 0 as success"
exit $((failures > 0))
