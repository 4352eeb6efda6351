#!/usr/bin/env bash
# ci/codegen.sh [CRATE_DIR]
# Proves "zero overhead" on every target: compiles ci/codegen/probe.rs (an out-of-line function
# that calls munmap and returns its Result) against the crate in CRATE_DIR (default: this
# repository) in release mode, disassembles it and checks that its body is the minimal sequence:
#   - exactly one trap instruction (syscall / int $0x80 / svc #0), last instruction a return;
#   - no call, jump or branch: nothing leaves the function;
#   - no memory access, except i686's loads of its two stack arguments;
#   - at most the minimal instruction count: x86_64 and aarch64 4 (number, trap, negate,
#     return); i686 8 (two argument loads, number, ebx swap, trap, swap back, negate, return).
# `ci/codegen.sh --self-test` runs the same check on a copy of the crate with a range pre-check
# added to munmap, and succeeds only if the check fails there on every target.
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
TARGETS=(x86_64-unknown-linux-gnu i686-unknown-linux-gnu aarch64-unknown-linux-gnu)
objdump=$(rustc --print sysroot)/lib/rustlib/$(rustc -vV | sed -n 's/^host: //p')/bin/llvm-objdump
[ -x "$objdump" ] || { echo "llvm-objdump not found: rustup component add llvm-tools" >&2; exit 1; }

# check_target CRATE_DIR TARGET: prints the disassembly and the verdict. Returns 1 on a
# violation, 2 when the probe could not be built.
check_target() {
    local crate=$1 target=$2 out
    out=$root/target/codegen/$(basename "$crate")
    cargo build -q --release --manifest-path "$crate/Cargo.toml" --target "$target" \
        --target-dir "$out" || return 2
    local deps=$out/$target/release/deps
    rustc --edition 2021 --crate-type lib -C opt-level=3 --target "$target" \
        --extern munmap="$out/$target/release/libmunmap.rlib" -L "$deps" \
        --emit obj -o "$out/probe-$target.o" "$root/ci/codegen/probe.rs" || return 2
    "$objdump" -d --no-show-raw-insn --disassemble-symbols=probe_munmap "$out/probe-$target.o" |
        awk '/^[ ]+[0-9a-f]+:/' >"$out/probe-$target.s"
    echo "-- $target: probe_munmap"
    sed 's/^ */    /' "$out/probe-$target.s"
    awk -v target="$target" '
        {
            sub(/^[ ]+[0-9a-f]+:[ \t]+/, "")
            mnemonic = $1
            n++
            last = mnemonic
            if (target ~ /^x86_64/) {
                if (mnemonic == "syscall") traps++
                if ($0 ~ /\(/) bad = bad "\n    memory access: " $0
                if (mnemonic ~ /^(call|jmp|j[a-z]+|loop.*)$/) bad = bad "\n    branch: " $0
            } else if (target ~ /^i686/) {
                if (mnemonic == "int" && $0 ~ /\$(128|0x80)/) traps++
                if ($0 ~ /\(/ && !(mnemonic == "movl" && $0 ~ /^movl[ \t]+(0x)?(4|8)\(%esp\), %e[a-z]+$/))
                    bad = bad "\n    memory access: " $0
                if (mnemonic ~ /^(call|calll|jmp|jmpl|j[a-z]+|loop.*)$/) bad = bad "\n    branch: " $0
            } else {
                if (mnemonic == "svc") traps++
                if (mnemonic ~ /^(ld|st)/) bad = bad "\n    memory access: " $0
                if (mnemonic ~ /^(b|bl|br|blr|b\..*|cbn?z|tbn?z)$/) bad = bad "\n    branch: " $0
            }
        }
        END {
            limit = (target ~ /^i686/) ? 8 : 4
            if (traps != 1) bad = bad "\n    " traps + 0 " trap instructions, expected exactly 1"
            if (last !~ /^ret/) bad = bad "\n    last instruction is " last ", expected a return"
            if (n > limit) bad = bad "\n    " n " instructions, more than the minimal " limit
            if (bad != "") { print "   FAIL" bad; exit 1 }
            print "   ok: " n " instructions (limit " limit "), 1 trap, no branch, no memory beyond arguments"
        }' "$out/probe-$target.s"
}

# check_crate CRATE_DIR: all targets; fails if any fails.
check_crate() {
    local status=0 target
    for target in "${TARGETS[@]}"; do
        check_target "$1" "$target" || status=1
    done
    return $status
}

if [ "${1:-}" = --self-test ]; then
    mutant=$root/target/codegen-mutant/munmap
    "$root/ci/lib-copy.sh" "$mutant" || exit 1
    # The change a well-meaning contributor might make: validate the range before the trap.
    perl -0pi -e 's/(pub unsafe fn munmap\(addr: \*mut c_void, len: usize\) -> Result<\(\), Errno> \{\n)/$1    if len == 0 || (addr as usize).checked_add(len).is_none() {\n        return Err(Errno::EINVAL);\n    }\n/' \
        "$mutant/src/lib.rs"
    grep -q 'checked_add(len)' "$mutant/src/lib.rs" || { echo "self-test: mutation not applied" >&2; exit 1; }
    failed=0
    for target in "${TARGETS[@]}"; do
        check_target "$mutant" "$target"
        case $? in
        1) ;;
        0) echo "self-test: the check passed a munmap with a pre-check on $target" >&2 && failed=1 ;;
        *) echo "self-test: the mutant did not build for $target" >&2 && failed=1 ;;
        esac
    done
    [ $failed -eq 0 ] && echo "self-test: the check rejects the pre-checked munmap on every target"
    exit $failed
fi

check_crate "${1:-$root}"
