#!/usr/bin/env bash
# ci/codegen.sh [--self-test]
# Proves "zero overhead" on every target: builds ci/codegen/probe.rs (out-of-line functions that
# call munmap) against this crate in release mode, disassembles them and checks that
# probe_munmap, which returns munmap's Result, is the minimal sequence:
#   - exactly one trap instruction, and a return as the last instruction (or, on mips and
#     sparc, followed only by its delay slot);
#   - no call, jump or branch;
#   - no memory access, except where the calling convention forces one (i686 and m68k load
#     their two arguments from the stack; m68k keeps the callee-saved d2, munmap's second
#     argument register, on it);
#   - at most the minimal instruction count: load the number, the trap, the decode, the
#     return. The decode (src/errno.rs; each arch file names its own) saturates anything
#     outside munmap's contract to 4095 without a branch: where the target has a select that
#     LLVM uses, with a comparison (x86_64: neg, cmp, mov, cmov; aarch64: neg, cmp, mov, csneg);
#     where it has none (riscv without Zbb, s390x's z10 baseline, m68k), and for powerpc's and
#     mips's flagged results, with arithmetic (6 to 8 instructions); sparc's carry with
#     comparisons its conditional moves make branch-free. Plus what the calling convention adds:
#     i686 loads its 2 arguments and swaps ebx in and out; arm swaps the number into r7 and back
#     (3 moves), since r7 is the frame pointer in Thumb mode; x32 zero-extends the length;
#     powerpc reads cr0.SO (mfcr, rlwinm); mips keeps $1 in $6 across the trap (2 moves; n64
#     adds a sign extension); sparc opens a register window (save, 2 argument moves; ret and
#     restore) and reads the carry; csky swaps r7 as arm does. The limits are in rules().
# probe_munmap_is_err, the shape most callers have, returns only is_err(): one trap, no branch,
# and where the decode is a select LLVM sees through, it folds to a test and a set of the raw
# result; where it is not, rules() says why (err_why), and the limit is the decode's.
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
# And built unoptimised (opt-level 0, debug assertions and overflow checks, against an
# optimised core, as a user's debug build is), probe_munmap and probe_munmap_and_exit still
# make their traps (one, three) and no call: bootstrap code built that way cannot call through a
# GOT it has not relocated yet.
# --self-test runs the same check on two copies of the crate, each with a mistake the check is
# there to catch, and succeeds only if it rejects both on every target: a range pre-check added
# to munmap (an instruction count and a branch), and the Result built with NonZeroU16::new (a
# call, unoptimised).
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=ci/targets.sh
. "$root/ci/targets.sh"
objdump=$(rustc --print sysroot)/lib/rustlib/$(rustc -vV | sed -n 's/^host: //p')/bin/llvm-objdump
[ -x "$objdump" ] || { echo "llvm-objdump not found: rustup component add llvm-tools" >&2; exit 1; }

# rules TARGET: sets, from the target's architecture, trap, ret and branch (regexes on a whole
# instruction or its mnemonic), loads (mnemonics that access memory; for x86 and s390x, any
# instruction with an operand in parentheses but lea and la, which only add), memory (the one
# access the ABI forces, or empty) and limit; for probe_munmap_is_err, err_limit and err_why
# (why the decode does not fold, or empty); calls (call mnemonics, for the unoptimised build);
# and for probe_munmap_and_exit, pcread (the branch-and-link that reads the PC, or empty),
# words (the signal set's words after it and its delay slot), before (the accesses allowed
# before the munmap trap, or empty) and exit_limit.
rules() {
    memory='' delay=0 pcread='' words=0 before='' err_limit=0 err_why=''
    local arch width
    arch=$(target_cfg "$1" target_arch)
    width=$(target_cfg "$1" target_pointer_width)
    case $arch-$width in
    x86_64-64 | x86_64-32)
        calls='^call'
        trap='^syscall$' ret='^retq$' branch='^(call|jmp|j[a-z]+|loop)' limit=7 loads='()'
        err_limit=5 exit_limit=20
        [ "$width" = 64 ] || limit=8 err_limit=6
        ;;
    x86-32)
        calls='^call'
        trap='^int \$0x80$' ret='^retl$' branch='^(call|jmp|j[a-z]+|loop)' limit=11 loads='()' err_limit=9
        memory='^movl (0x)?(4|8)\(%esp\), %e[a-z]+$'
        before='^(movl (0x)?[0-9a-f]+\(%esp\), %e[a-z]+|pushl (%edx|\$-0x1))$' exit_limit=23
        ;;
    aarch64-64)
        calls='^(bl|blr)$'
        trap='^svc #0$' ret='^ret$' branch='^(b|bl|br|blr|b\..*|cbn?z|tbn?z)$' limit=7
        err_limit=5 exit_limit=17
        ;;
    arm-32)
        calls='^(bl|blx)(eq|ne|cs|hs|cc|lo|mi|pl|vs|vc|hi|ls|ge|lt|gt|le|al)?(\.w)?$'
        trap='^svc #(0x)?0$' ret='^bx lr$' limit=10 loads='^(ldr|str|ldm|stm|push|pop|vldr|vstr)'
        err_limit=8
        # Thumb-2 sets the flag with an `it` first; before ARMv7, 4095 takes two instructions.
        target_cfg "$1" target_feature | grep -qx thumb-mode && limit=11 err_limit=9
        target_cfg "$1" target_feature | grep -qx v7 || limit=11
        branch='^((b|bl|blx|bx)(eq|ne|cs|hs|cc|lo|mi|pl|vs|vc|hi|ls|ge|lt|gt|le|al)?(\.[wn])?|cbn?z)$'
        exit_limit=16
        ;;
    riscv*)
        calls='^(call|tail|jal|jalr)$'
        trap='^ecall$' ret='^ret$' branch='^(j|jal|jalr|call|tail|b[a-z]+)$' limit=7
        err_limit=4 exit_limit=17
        target_cfg "$1" target_feature | grep -qx zbb ||
            limit=11 err_limit=12 err_why="without Zbb no select: the saturation is arithmetic"
        ;;
    loongarch64-64)
        calls='^(bl|jirl)$'
        trap='^syscall 0$' ret='^ret$' branch='^(b|bl|jirl|b[a-z]+)$' limit=9 err_limit=4
        exit_limit=17
        ;;
    powerpc*)
        calls='^(bl|bla|bctrl|bcl)$'
        trap='^sc$' ret='^blr$' branch='^(b|bl|bctrl?|b[a-z]+)$' limit=13
        pcread='^bcl 20, 31, ' words=2 exit_limit=17 err_limit=16
        err_why="the flagged decode is arithmetic (a select form branches on 32-bit powerpc)"
        [ "$width" = 32 ] || exit_limit=18 err_limit=15
        ;;
    s390x-64)
        calls='^(brasl|bras|basr|balr)$'
        trap='^svc 0$' ret='^br %r14$' branch='^(brasl|brc|j[a-z]*|bras|basr|bcr)$' limit=9
        loads='()' exit_limit=17 err_limit=12
        err_why="z10, the baseline, has no load-on-condition: the saturation is arithmetic"
        ;;
    mips-32 | mips32r6-32 | mips64-64 | mips64r6-64)
        calls='^(jal|jalr|bal|jalx|jialc|jalrc|balc)$'
        trap='^syscall$' ret='^jrc? \$ra$' branch='^(j|jal|jalr|jr|jrc|b[a-z]*)$' delay=1
        limit=13 pcread='^bal ' words=4 exit_limit=17 err_limit=14
        err_why="the flagged decode is arithmetic, cheapest for the Result"
        [ "$width" = 32 ] || limit=14 exit_limit=18
        ;;
    sparc64-64 | sparc-32)
        calls='^(call|jmpl)$'
        trap='^ta (%icc, )?(109|16)$' ret='^(retl|ret)$' delay=1
        branch='^(call|jmp|jmpl|b[a-z]*|br[a-z]*|fb[a-z]*)(,[a-z]+)*$'
        limit=16 pcread='^call ' words=2 exit_limit=21 err_limit=23
        err_why="LLVM keeps the carry decode's conditional moves"
        [ "$arch" = sparc64 ] || err_limit=21
        ;;
    m68k-32)
        calls='^(jsr|bsr)(\.[bwl])?$'
        trap='^trap #0$' ret='^rts$' branch='^(bsr|jsr|jmp|b[a-z]+|db[a-z]+)(\.[bwl])?$' limit=17
        loads='()'
        memory='^(move\.l \((8|12),%sp\), %d[12]|movem\.l %d2, \(0,%sp\)|movem\.l \(0,%sp\), %d2)$'
        # The lea of the signal set, a PC-relative 32-bit displacement, is 8 bytes that
        # llvm-objdump shows as four "<unknown>" lines: it counts four here.
        before='^move\.l \((8|12|16),%sp\), %(d0|d1|a1)$' exit_limit=24 err_limit=21
        err_why="m68k has no conditional move: the saturation is arithmetic"
        ;;
    hexagon-32)
        calls='^(call|callr)$'
        trap='^trap0\(#0x1\)$' ret='^jumpr r31$' branch='^(call|callr|jump|jumpr)$' limit=6
        err_limit=4
        exit_limit=16
        ;;
    csky-32)
        calls='^(bsr|jsr)(16|32)?$'
        trap='^trap32 0$' ret='^(rts(16|32)?|jmp(16|32) r15)$' limit=11 err_limit=9
        branch='^(br|bt|bf|bez|bnez|bhz|blsz|blz|bhsz|bsr|jmp|jsr|jmpi|jsri)(16|32)?$'
        before='^(st32\.w r(28|15), \(r14, 0x[0-9a-f]+\)|lrw r28, .*)$' exit_limit=20
        ;;
    *) return 1 ;;
    esac
    # Loads and stores of the load-store architectures.
    [ -n "${loads:-}" ] || loads='^(ld|st|l[bhwd]u?$|s[bhwd]$|lw[az]|std?u?$|stw|sth|stb|lbz|lhz|lha|lwz|ldx)'
}

# build_probe CRATE_DIR TARGET OUT: the probes' object code, as rlibs: OUT/probe.rlib built as
# a release, and OUT/probe-o0.rlib as an unoptimised build compiles the probes and this crate
# (opt-level 0, debug assertions and overflow checks) against an optimised core, as rustup's
# is (the pinned nightly's rustc crashes building core for mipsisa32r6 at opt-level 0, not this
# crate: see build_env). Both share core, built once per target.
build_probe() {
    local crate=$1 target=$2 out=$3 cargo name package
    read -r -a cargo < <(cargo_for "$target" core)
    package=$(sed -n 's/^name = "\(.*\)"$/\1/p' "$crate/Cargo.toml" | head -n 1)
    for name in probe probe_o0; do
        mkdir -p "$out/$name/src"
        cp "$root/ci/codegen/probe.rs" "$out/$name/src/lib.rs"
        cat >"$out/$name/Cargo.toml" <<TOML
[package]
name = "$name"
version = "0.0.0"
edition = "2021"
[dependencies]
munmap = { path = "$crate", package = "$package" }
[profile.release]
opt-level = 3
[workspace]
TOML
        [ "$name" = probe ] || for unit in "$package" probe_o0; do
            printf '[profile.release.package.%s]\n%s\n' "$unit" 'opt-level = 0
debug-assertions = true
overflow-checks = true' >>"$out/$name/Cargo.toml"
        done
        # Where cargo leaves the rlib differs between its versions: take the path it reports. The
        # target directory is the target's, shared by the probes of every copy of the crate, so
        # that a core built from source is built once.
        local rlib
        rlib=$("${cargo[@]}" build -q --release --manifest-path "$out/$name/Cargo.toml" \
            --target "$target" --target-dir "$CI_CACHE/target/codegen/$target" --message-format=json |
            grep -o "\"[^\"]*/lib$name[^\"/]*\\.rlib\"" | tail -n 1 | tr -d '"') &&
            [ -n "$rlib" ] && cp "$rlib" "$out/${name/_/-}.rlib" || return 1
    done
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
    local trap ret branch memory limit loads delay pcread words before exit_limit err_limit err_why
    local calls
    rules "$target" || { echo "   no rules for $target" && return 1; }
    check_munmap "$out/probe.s" || return 1
    disassemble "$out/probe.rlib" probe_munmap_is_err "$out/probe_err.s"
    echo "-- $target: probe_munmap_is_err"
    sed 's/^/    /' "$out/probe_err.s"
    check_is_err "$out/probe_err.s" || return 1
    disassemble "$out/probe.rlib" probe_munmap_and_exit "$out/probe_exit.s"
    echo "-- $target: probe_munmap_and_exit"
    sed 's/^/    /' "$out/probe_exit.s"
    check_munmap_and_exit "$out/probe_exit.s" || return 1
    local function traps
    for function in probe_munmap:1 probe_munmap_and_exit:3; do
        traps=${function#*:} function=${function%:*}
        disassemble "$out/probe-o0.rlib" "$function" "$out/$function-o0.s"
        echo "-- $target: $function, unoptimised (opt-level 0)"
        check_unoptimised "$out/$function-o0.s" "$traps" || return 1
    done
}

# check_is_err FILE: the verdict on probe_munmap_is_err's instructions: one trap, no branch, no
# memory access beyond the ABI's, and at most err_limit instructions: where the decode folds (a
# select LLVM sees through), the trap and what surrounds it as in probe_munmap, then a test and
# a set; where it cannot (err_why), the decode and a test and a set.
check_is_err() {
    awk -v trap="$trap" -v ret="$ret" -v branch="$branch" -v memory="$memory" \
        -v limit="$err_limit" -v loads="$loads" -v why="$err_why" '
        {
            n++
            if ($0 ~ trap) traps++
            mnemonic = $1
            if ($0 !~ ret && mnemonic ~ branch) bad = bad "\n    branch: " $0
            if (loads == "()") accesses = $0 ~ /\(/ && mnemonic !~ /^(lea[lqw]?|la|lay)$/
            else accesses = mnemonic ~ loads
            if (accesses && (memory == "" || $0 !~ memory)) bad = bad "\n    memory access: " $0
        }
        END {
            if (traps != 1) bad = bad "\n    " traps + 0 " trap instructions, expected exactly 1"
            if (n > limit) bad = bad "\n    " n " instructions, more than " limit
            if (bad != "") { print "   FAIL" bad; exit 1 }
            print "   ok: " n " instructions (limit " limit "), " (why == "" ? "the decode folded to a test and a set" : "the decode does not fold: " why)
        }' "$1"
}

# check_unoptimised FILE TRAPS: the verdict on a probe built unoptimised, where branches and
# stack traffic are the compiler's: exactly TRAPS traps and no call (but the branch-and-link
# that reads the PC in munmap_and_exit). For munmap_and_exit (3 traps), up to its last trap:
# after it comes the compiler's code for unreachable code, which on m68k and csky is a call.
check_unoptimised() {
    local exempt=''
    [ "$2" = 3 ] && exempt=$pcread # munmap_and_exit's PC read, and no one else's
    awk -v trap="$trap" -v calls="$calls" -v pcread="$exempt" -v expected="$2" '
        done { next }
        $0 ~ trap && ++traps == 3 { done = 1 }
        $1 ~ calls && !(pcread != "" && $0 ~ pcread) { bad = bad "\n    call: " $0 }
        END {
            if (traps != expected) bad = bad "\n    " traps + 0 " trap instructions, expected " expected
            if (bad != "") { print "   FAIL" bad; exit 1 }
            print "   ok: " NR " instructions, " expected " trap" (expected > 1 ? "s" : "") ", no call"
        }' "$1"
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

# check_all CRATE_DIR: check_target on every target, two at a time (each target has a target
# directory of its own), then each target's report, in order. Leaves check_target's status for
# TARGET in $reports/TARGET.rc.
check_all() {
    local crate=$1 target running=0
    reports=$root/target/codegen-reports/$(basename "$crate")
    rm -rf "$reports" && mkdir -p "$reports" || return 1
    for target in "${TARGETS[@]}"; do
        if [ $running -ge 2 ]; then
            wait -n
            running=$((running - 1))
        fi
        (
            check_target "$crate" "$target" >"$reports/$target.log" 2>&1
            echo $? >"$reports/$target.rc"
        ) &
        running=$((running + 1))
    done
    wait
    for target in "${TARGETS[@]}"; do
        cat "$reports/$target.log"
    done
}

# self_test NAME FILE PERL: a copy of the crate with PERL applied to FILE; fails unless the check
# rejects it on every target.
self_test() {
    local name=$1 file=$2 edit=$3 mutant=$root/target/codegen-mutant/$1 failed=0 target
    "$root/ci/lib-copy.sh" "$mutant" || return 1
    # A package name of its own: cargo names a path crate's builds by its name and its path
    # within its workspace, so that a copy named munmap would share the crate's builds.
    sed -i "s/^name = \"munmap\"$/name = \"munmap-codegen-$name\"/" "$mutant/Cargo.toml"
    cp "$mutant/$file" "$mutant/$file.orig"
    perl -0pi -e "$edit" "$mutant/$file"
    ! cmp -s "$mutant/$file" "$mutant/$file.orig" || { echo "self-test: $name not applied" >&2 && return 1; }
    check_all "$mutant"
    for target in "${TARGETS[@]}"; do
        case $(cat "$reports/$target.rc") in
        1) ;;
        0) echo "self-test: the check passed $name on $target" >&2 && failed=1 ;;
        *) echo "self-test: $name did not build for $target" >&2 && failed=1 ;;
        esac
    done
    [ $failed -eq 0 ] && echo "self-test: the check rejects $name on all ${#TARGETS[@]} targets"
    return $failed
}

if [ "${1:-}" = --self-test ]; then
    # The change a well-meaning contributor might make: validate the range before the trap.
    self_test pre-check src/lib.rs 's/(pub unsafe fn munmap\(addr: \*mut c_void, len: usize\) -> Result<\(\), Errno> \{\n)/$1    if len == 0 || (addr as usize).checked_add(len).is_none() {\n        return Err(Errno::EINVAL);\n    }\n/'
    first=$?
    # The natural way to build the Result, which unoptimised is a call to core.
    self_test nonzero-new src/errno.rs 's/let e = e as u16;\n        if e == 0 \{.*?\n        \}\n    \}/match NonZeroU16::new(e as u16) {\n            None => Ok(()),\n            Some(n) => Err(Errno(n)),\n        }\n    }/s'
    exit $((first | $?))
fi

status=0
check_all "$root"
for target in "${TARGETS[@]}"; do
    [ "$(cat "$reports/$target.rc")" = 0 ] || status=1
done
exit $status
