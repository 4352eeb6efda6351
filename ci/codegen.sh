#!/usr/bin/env bash
# ci/codegen.sh [--self-test]
# Proves "zero overhead" on every target: builds ci/codegen/probe.rs (an out-of-line function
# that calls munmap and returns its Result) against this crate in release mode, disassembles it
# and checks that its body is the minimal sequence:
#   - exactly one trap instruction, and a return as the last instruction (or, on mips and
#     sparc, followed only by its delay slot);
#   - no call, jump or branch;
#   - no memory access, except where the calling convention forces one (i686 and m68k load
#     their two arguments from the stack; m68k keeps the callee-saved d2, munmap's second
#     argument register, on it);
#   - at most the minimal instruction count: load the number, the trap, the decode, the
#     return. The decode (src/errno.rs) negates the result and, without a branch, saturates
#     anything outside munmap's contract to 4095: 6 instructions, one more where the value is
#     copied first (x86) or 4095 is not an immediate (riscv, loongarch: 2 to build; arm before
#     ARMv7, which has no movw or bfc: 2 more); powerpc reads cr0.SO (mfcr, rlwinm) and decodes
#     the (value, flag) pair in 8; x32 checks that the 64-bit result fits 32 bits (4). Plus
#     what the calling convention adds: i686 loads its 2 arguments and swaps ebx in and out; arm
#     swaps the number into r7 and back (3 moves), since r7 is the frame pointer in Thumb mode;
#     x32 zero-extends the length. mips decodes its (value, a3) pair in 8 and keeps $1 in $6
#     across the trap (2 moves; n64 adds a sign extension); sparc opens a register window
#     (save, 2 argument moves; ret and restore), reads the carry (sparc64: clears a register,
#     movcs; sparc: addx) and decodes it in 10; csky swaps r7 as arm does. The limit of each
#     target is in rules().
# It also disassembles probe_munmap_and_exit and checks that it is:
#   - exactly three traps (rt_sigprocmask, munmap, exit), the last the end of the function;
#   - no call, jump or branch, but on powerpc, mips and sparc the branch-and-link that reads the
#     PC (bcl 20,31; bal; call), which jumps over the signal set placed right after it (and its
#     delay slot): the disassembler's "instructions" there are the set's words, and are skipped;
#   - no memory access after the munmap trap, and before it only what the ABI or prologue needs
#     (i686 and m68k load their arguments from the stack; i686 pushes the set and status, having
#     no PC-relative addressing; csky's prologue saves r15 and r28 and loads its global base);
#   - at most its limit: the instructions that load rt_sigprocmask's four arguments and number,
#     move addr, len and status to registers the traps keep, and then munmap's and exit's.
# --self-test runs the same check on a copy of the crate with a range pre-check added to
# munmap, and succeeds only if the check rejects that copy on every target.
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=ci/targets.sh
. "$root/ci/targets.sh"
objdump=$(rustc --print sysroot)/lib/rustlib/$(rustc -vV | sed -n 's/^host: //p')/bin/llvm-objdump
[ -x "$objdump" ] || { echo "llvm-objdump not found: rustup component add llvm-tools" >&2; exit 1; }

# rules TARGET: sets, from the target's architecture, trap, ret and branch (regexes on a whole
# instruction or its mnemonic), loads (mnemonics that access memory; for x86 and s390x, any
# instruction with an operand in parentheses but lea and la, which only add), memory (the one
# access the ABI forces, or empty) and limit; and for probe_munmap_and_exit, pcread (the
# branch-and-link that reads the PC, or empty), words (the signal set's words after it and its
# delay slot), before (the accesses allowed before the munmap trap, or empty) and exit_limit.
rules() {
    memory='' delay=0 pcread='' words=0 before=''
    local arch width
    arch=$(target_cfg "$1" target_arch)
    width=$(target_cfg "$1" target_pointer_width)
    case $arch-$width in
    x86_64-64 | x86_64-32)
        trap='^syscall$' ret='^retq$' branch='^(call|jmp|j[a-z]+|loop)' limit=10 loads='()'
        exit_limit=20
        [ "$width" = 64 ] || limit=16
        ;;
    x86-32)
        trap='^int \$0x80$' ret='^retl$' branch='^(call|jmp|j[a-z]+|loop)' limit=14 loads='()'
        memory='^movl (0x)?(4|8)\(%esp\), %e[a-z]+$'
        before='^(movl (0x)?[0-9a-f]+\(%esp\), %e[a-z]+|pushl (%edx|\$-0x1))$' exit_limit=23
        ;;
    aarch64-64)
        trap='^svc #0$' ret='^ret$' branch='^(b|bl|br|blr|b\..*|cbn?z|tbn?z)$' limit=9
        exit_limit=17
        ;;
    arm-32)
        trap='^svc #(0x)?0$' ret='^bx lr$' limit=12 loads='^(ldr|str|ldm|stm|push|pop|vldr|vstr)'
        target_cfg "$1" target_feature | grep -qx v7 || limit=13
        branch='^((b|bl|blx|bx)(eq|ne|cs|hs|cc|lo|mi|pl|vs|vc|hi|ls|ge|lt|gt|le|al)?(\.[wn])?|cbn?z)$'
        exit_limit=16
        ;;
    riscv*)
        trap='^ecall$' ret='^ret$' branch='^(j|jal|jalr|call|tail|b[a-z]+)$' limit=11
        exit_limit=17
        ;;
    loongarch64-64)
        trap='^syscall 0$' ret='^ret$' branch='^(b|bl|jirl|b[a-z]+)$' limit=10 exit_limit=17
        ;;
    powerpc*)
        trap='^sc$' ret='^blr$' branch='^(b|bl|bctrl?|b[a-z]+)$' limit=13
        pcread='^bcl 20, 31, ' words=2 exit_limit=17
        [ "$width" = 32 ] || exit_limit=18
        ;;
    s390x-64)
        trap='^svc 0$' ret='^br %r14$' branch='^(brasl|brc|j[a-z]*|bras|basr|bcr)$' limit=9
        loads='()' exit_limit=17
        ;;
    mips-32 | mips32r6-32 | mips64-64 | mips64r6-64)
        trap='^syscall$' ret='^jrc? \$ra$' branch='^(j|jal|jalr|jr|jrc|b[a-z]*)$' delay=1
        limit=13 pcread='^bal ' words=4 exit_limit=17
        [ "$width" = 32 ] || limit=14 exit_limit=18
        ;;
    sparc64-64 | sparc-32)
        trap='^ta (%icc, )?(109|16)$' ret='^(retl|ret)$' delay=1
        branch='^(call|jmp|jmpl|b[a-z]*|br[a-z]*|fb[a-z]*)(,[a-z]+)*$'
        limit=19 pcread='^call ' words=2 exit_limit=21
        [ "$arch" = sparc64 ] || limit=18
        ;;
    m68k-32)
        trap='^trap #0$' ret='^rts$' branch='^(bsr|jsr|jmp|b[a-z]+|db[a-z]+)(\.[bwl])?$' limit=17
        loads='()'
        memory='^(move\.l \((8|12),%sp\), %d[12]|movem\.l %d2, \(0,%sp\)|movem\.l \(0,%sp\), %d2)$'
        # The lea of the signal set, a PC-relative 32-bit displacement, is 8 bytes that
        # llvm-objdump shows as four "<unknown>" lines: it counts four here.
        before='^move\.l \((8|12|16),%sp\), %(d0|d1|a1)$' exit_limit=24
        ;;
    hexagon-32)
        trap='^trap0\(#0x1\)$' ret='^jumpr r31$' branch='^(call|callr|jump|jumpr)$' limit=8
        exit_limit=16
        ;;
    csky-32)
        trap='^trap32 0$' ret='^(rts(16|32)?|jmp(16|32) r15)$' limit=13
        branch='^(br|bt|bf|bez|bnez|bhz|blsz|blz|bhsz|bsr|jmp|jsr|jmpi|jsri)(16|32)?$'
        before='^(st32\.w r(28|15), \(r14, 0x[0-9a-f]+\)|lrw r28, .*)$' exit_limit=20
        ;;
    *) return 1 ;;
    esac
    # Loads and stores of the load-store architectures.
    [ -n "${loads:-}" ] || loads='^(ld|st|l[bhwd]u?$|s[bhwd]$|lw[az]|std?u?$|stw|sth|stb|lbz|lhz|lha|lwz|ldx)'
}

# build_probe CRATE_DIR TARGET OUT: the probe's object code, as an rlib, at OUT/probe.rlib.
build_probe() {
    local crate=$1 target=$2 out=$3 cargo
    mkdir -p "$out/src"
    cp "$root/ci/codegen/probe.rs" "$out/src/lib.rs"
    cat >"$out/Cargo.toml" <<TOML
[package]
name = "probe"
version = "0.0.0"
edition = "2021"
[dependencies]
munmap = { path = "$crate" }
[profile.release]
opt-level = 3
[workspace]
TOML
    read -r -a cargo < <(cargo_for "$target" core)
    # Where cargo leaves the rlib differs between its versions: take the path it reports. The
    # target directory is the target's, shared by the probes of every copy of the crate, so that
    # a core built from source is built once.
    local rlib
    rlib=$("${cargo[@]}" build -q --release --manifest-path "$out/Cargo.toml" --target "$target" \
        --target-dir "$root/target/codegen/$target" --message-format=json |
        grep -o '"[^"]*/libprobe[^"/]*\.rlib"' | tail -n 1 | tr -d '"') &&
        [ -n "$rlib" ] && cp "$rlib" "$out/probe.rlib"
}

# disassemble RLIB FUNCTION OUT: FUNCTION's instructions, one per line, without addresses,
# comments or symbol annotations.
disassemble() {
    "$objdump" -d --no-show-raw-insn --section=".text.$2" "$1" 2>/dev/null |
        awk '/^ +[0-9a-f]+:/ { sub(/^ +[0-9a-f]+:[ \t]+/, ""); gsub(/[{}]/, ""); gsub(/[ \t]+/, " "); sub(/ *\/\/.*$/, ""); sub(/ # .*$/, ""); sub(/ <[^>]*>$/, ""); sub(/^ /, ""); sub(/ $/, ""); print }' \
            >"$3"
}

# check_target CRATE_DIR TARGET: prints the disassembly and the verdict. Returns 1 on a
# violation, 2 when the probe could not be built.
check_target() {
    local crate=$1 target=$2 out
    out=$root/target/codegen/$target/$(basename "$crate")
    build_probe "$crate" "$target" "$out" || return 2
    disassemble "$out/probe.rlib" probe_munmap "$out/probe.s"
    echo "-- $target: probe_munmap"
    sed 's/^/    /' "$out/probe.s"
    local trap ret branch memory limit loads delay pcread words before exit_limit
    rules "$target" || { echo "   no rules for $target" && return 1; }
    check_munmap "$out/probe.s" || return 1
    disassemble "$out/probe.rlib" probe_munmap_and_exit "$out/probe_exit.s"
    echo "-- $target: probe_munmap_and_exit"
    sed 's/^/    /' "$out/probe_exit.s"
    check_munmap_and_exit "$out/probe_exit.s"
}

# check_munmap FILE: the verdict on probe_munmap's instructions, with the target's rules.
check_munmap() {
    awk -v trap="$trap" -v ret="$ret" -v branch="$branch" -v memory="$memory" -v limit="$limit" \
        -v loads="$loads" -v delay="$delay" '
        {
            n++
            before_last = last
            last = $0
            if ($0 ~ trap) traps++
            mnemonic = $1
            if ($0 !~ ret && mnemonic ~ branch) bad = bad "\n    branch: " $0
            if (loads == "()") accesses = $0 ~ /\(/ && mnemonic !~ /^(lea[lqw]?|la|lay)$/
            else accesses = mnemonic ~ loads
            if (accesses && (memory == "" || $0 !~ memory)) bad = bad "\n    memory access: " $0
        }
        END {
            if (traps != 1) bad = bad "\n    " traps + 0 " trap instructions, expected exactly 1"
            returns = last ~ ret || (delay && before_last ~ ret)
            if (!returns) bad = bad "\n    last instruction is \"" last "\", expected a return"
            if (n > limit) bad = bad "\n    " n " instructions, more than the minimal " limit
            if (bad != "") { print "   FAIL" bad; exit 1 }
            print "   ok: " n " instructions (limit " limit "), 1 trap, no branch, no memory access beyond the ABI'"'"'s"
        }' "$1"
}

# check_munmap_and_exit FILE: the verdict on probe_munmap_and_exit's instructions, up to its
# third trap (what follows is the compiler's trap for unreachable code, or the set's data).
check_munmap_and_exit() {
    awk -v trap="$trap" -v branch="$branch" -v loads="$loads" -v before="$before" \
        -v pcread="$pcread" -v delay="$delay" -v words="$words" -v limit="$exit_limit" '
        done { next }
        skip > 0 { skip--; next }
        {
            n++
            mnemonic = $1
            reads_pc = pcread != "" && $0 ~ pcread
            if (mnemonic ~ branch && !reads_pc) bad = bad "\n    branch: " $0
            if (loads == "()") accesses = $0 ~ /\(/ && mnemonic !~ /^(lea[lqw]?|la|lay)$/
            else accesses = mnemonic ~ loads
            if (accesses && traps >= 2) bad = bad "\n    memory access after the munmap trap: " $0
            else if (accesses && (before == "" || $0 !~ before)) bad = bad "\n    memory access: " $0
            if ($0 ~ trap && ++traps == 3) done = 1
            if (reads_pc) { pcreads++; pending = delay + 1 }
            if (pending > 0 && --pending == 0) skip = words
        }
        END {
            if (traps != 3) bad = bad "\n    " traps + 0 " trap instructions, expected 3"
            if (pcreads + 0 != (pcread != "")) bad = bad "\n    " pcreads + 0 " reads of the PC, expected " (pcread != "")
            if (n > limit) bad = bad "\n    " n " instructions, more than the minimal " limit
            if (bad != "") { print "   FAIL" bad; exit 1 }
            print "   ok: " n " instructions (limit " limit "), 3 traps, no branch" (pcread != "" ? " but the PC read" : "") ", no memory access after the munmap trap"
        }' "$1"
}

mapfile -t TARGETS < <(targets)

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
    [ $failed -eq 0 ] && echo "self-test: the check rejects the pre-checked munmap on all ${#TARGETS[@]} targets"
    exit $failed
fi

status=0
for target in "${TARGETS[@]}"; do
    check_target "$root" "$target" || status=1
done
exit $status
