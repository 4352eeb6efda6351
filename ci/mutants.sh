#!/usr/bin/env bash
# ci/mutants.sh [ARCH...]: every instruction of every asm! block earns its place. Each mutant
# below is a small wrong change to one architecture file (arch/ARCH.rs), of a class a slip of
# the pen makes: the thread's exit becomes the process's (exit_group), the exit status is lost,
# rt_sigprocmask's old set is not NULL (it gets the status), the set's address, contents or size
# or `how` are wrong, two numbers are swapped, a clobber is dropped, the result (or its error
# flag) is ignored. For each, on each of the file's runners (RUNNERS), the crate's own tests
# must kill it:
#   native, qemu  the freestanding program, built against the mutant, under ci/freestanding.sh
#                 (its checks, its trace, its exit status; natively strace, else qemu -strace);
#   suite         natively, the suite's thread_exit, registers and errors tests (a release);
#   kernel        the freestanding program on a real kernel (ci/kernel.sh boots it with the
#                 program in its initramfs; the mutants that drop a clobber or ignore the
#                 result or its error flag go there: what the kernel's registers decide).
# A mutant that survives where UNOBSERVABLE does not list it with a reason fails, and so does a
# listed one that is killed there after all (the list follows what is seen), one whose edit no
# longer applies (the code moved), and one that does not build.
# The mutants' builds live in the cache, one cargo workspace per target; a mutant whose sources
# did not change is not rebuilt. Prints a table: mutant, runner, verdict, and what killed it.
# With ARCH arguments, only those files' mutants.
#   ci/mutants.sh --kernel-verdicts TARGET CONSOLE: the verdicts of the kernel runner, from a
#   console ci/kernel.sh saved (it runs this); appends them to the verdicts and checks them.
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=ci/targets.sh
. "$root/ci/targets.sh"
work=$CI_CACHE/mutants

# The runners of each architecture file: TARGET:native|qemu|suite|kernel.
declare -A RUNNERS=(
    [x86_64]="x86_64-unknown-linux-gnu:native x86_64-unknown-linux-gnu:suite"
    [x86]="i686-unknown-linux-gnu:native i686-unknown-linux-gnu:suite"
    [aarch64]="aarch64-unknown-linux-gnu:qemu"
    [arm]="armv7-unknown-linux-gnueabihf:qemu"
    [riscv]="riscv64gc-unknown-linux-gnu:qemu"
    [loongarch64]="loongarch64-unknown-linux-gnu:qemu"
    [powerpc]="powerpc64le-unknown-linux-gnu:qemu powerpc64le-unknown-linux-gnu:kernel"
    [s390x]="s390x-unknown-linux-gnu:qemu"
    [mips]="mipsel-unknown-linux-gnu:qemu mips64el-unknown-linux-gnuabi64:qemu mipsel-unknown-linux-gnu:kernel mips64el-unknown-linux-gnuabi64:kernel"
    [sparc]="sparc64-unknown-linux-gnu:qemu sparc-unknown-linux-gnu:qemu"
    [hexagon]="hexagon-unknown-linux-musl:qemu"
    [m68k]=""
    [csky]=""
)

# Where a class cannot be seen, and why: "ARCH MUTANT-GLOB RUNNER-GLOB|reason". Every other
# (mutant, runner) must be killed.
UNOBSERVABLE=(
    "m68k * *|nothing compiled for m68k runs here (ci/README.md, Targets): its mutants are only applied"
    "csky * *|qemu-user has no csky and Debian 12 no csky kernel: its mutants are only applied"
    "x86 vsyscall-entry-any-register *:native|the freestanding program makes no call through the vDSO; the suite's registers test does"
    "x86* how-setmask *:suite|SIG_SETMASK with every signal sets the mask SIG_BLOCK with every signal sets: the same behaviour, which the trace of the freestanding runner tells apart"
    "powerpc clobber-* *:qemu|qemu-user writes no register of the trap but r3 and cr0"
    "powerpc clobber-r0 *:kernel|the compiler keeps no value in r0 (0 in an address) across the trap, so no check sees it"
    "powerpc clobber-cr0 *:kernel|the compiler keeps no condition in cr0 across the trap here; the asm reads cr0.SO, the error flag, itself"
    "powerpc clobber-ctr *:kernel|the compiler keeps no value in ctr across the trap"
    "powerpc clobber-xer *:kernel|the compiler keeps no value in xer across the trap"
    "mips clobber-[$]3 mipsel-unknown-linux-gnu:kernel|the o32 kernel saves \$3 and \$25 on entry and restores them on return (SAVE_SOME and RESTORE_SOME, arch/mips/include/asm/stackframe.h); glibc lists \$3 as a second result"
    "mips clobber-[$]25 mipsel-unknown-linux-gnu:kernel|as for \$3"
    "mips clobber-[$]3 mips64el-unknown-linux-gnuabi64:kernel|the 64-bit kernel saves \$3, \$8, \$9 and \$25 on entry and restores them on return (SAVE_SOME and RESTORE_SOME: on a 64-bit kernel \$8 and \$9, n64's fifth and sixth arguments, too)"
    "mips clobber-[$][89] mips64el-unknown-linux-gnuabi64:kernel|as for \$3 on this kernel"
    "mips clobber-[$]25 mips64el-unknown-linux-gnuabi64:kernel|as for \$3 on this kernel"
    "mips clobber-[$]3 *:qemu|qemu-user writes no register of the trap but \$2 and \$7"
    "mips clobber-[$]8 *:qemu|as for \$3"
    "mips clobber-[$]9 *:qemu|as for \$3"
    "mips clobber-[$]1[0-5] *:qemu|as for \$3"
    "mips clobber-[$]2[45] *:qemu|as for \$3"
    "loongarch64 clobber-* *:qemu|qemu-user writes none of \$t0 to \$t8, and no loongarch64 kernel boots here"
)

# The mutants: "ARCH NAME [g] :: FROM :: TO". FROM is a list of parts, each a literal (or a
# regex after re:), joined by " ~ " (only white space between) or " ~~ " (anything between);
# TO the same number of parts joined the same way, each a literal or "=" (the part as it was).
# The first match is changed (with g, every match: sparc's two blocks).
MUTANTS=$(
    cat <<'LIST'
x86_64 exit-group :: in("r11d") EXIT, :: in("r11d") EXIT + 171,
x86_64 exit-group-keep :: in("r8") u64::from(EXIT), :: in("r8") u64::from(EXIT + 171),
x86_64 status-lost :: "mov edi, r12d", :: "xor edi, edi",
x86_64 status-lost-keep :: "mov edi, edx", :: "xor edi, edi",
x86_64 oldset :: "xor edx, edx", :: "mov edx, r12d",
x86_64 set-null :: "lea rsi, [rip + 3f]", :: "xor esi, esi",
x86_64 set-empty :: "3: .quad -1", :: "3: .quad 0",
x86_64 set-size :: in("r10") 8u64, :: in("r10") 4u64,
x86_64 how-unblock :: "xor edi, edi", :: "mov edi, 1",
x86_64 how-setmask :: "xor edi, edi", :: "mov edi, 2",
x86_64 swap-munmap-exit :: in("ecx") SYSCALL.nr, ~ in("r11d") EXIT, :: in("ecx") EXIT, ~ in("r11d") SYSCALL.nr,
x86_64 swap-sigprocmask-munmap :: in("rax") u64::from(RT_SIGPROCMASK), ~~ in("ecx") SYSCALL.nr, :: in("rax") u64::from(SYSCALL.nr), ~~ in("ecx") RT_SIGPROCMASK,
x86_64 swap-keep :: in("rax") u64::from(SYSCALL.nr), ~~ in("r8") u64::from(EXIT), :: in("rax") u64::from(EXIT), ~~ in("r8") u64::from(SYSCALL.nr),
x86_64 result-ignored :: Errno::from_negated64(ret) :: { let _ = ret; Ok(()) }
x86_64 clobber-rcx :: lateout("rcx") _, ::
x86_64 clobber-r11 :: lateout("r11") _, ::
x86 exit-group :: "mov eax, 1", ~ "mov ebx, edx", ~ "int 0x80", ~ in("eax") addr as usize, :: "mov eax, 252", ~ = ~ = ~ =
x86 exit-group-keep :: "mov ebx, {addr}", ~ "int 0x80", ~ "mov eax, 1", :: = ~ = ~ "mov eax, 252",
x86 status-lost :: "mov ebx, edx", ~ "int 0x80", ~ in("eax") addr as usize, :: "xor ebx, ebx", ~ = ~ =
x86 status-lost-keep :: "mov eax, 1", ~ "mov ebx, edx", ~ "int 0x80", ~ addr = in(reg) :: = ~ "xor ebx, ebx", ~ = ~ =
x86 oldset :: "xor edx, edx", :: "mov edx, [esp + 8]",
x86 set-null :: "mov ecx, esp", :: "xor ecx, ecx",
x86 set-empty :: "push -1", ~ "push -1", :: "push 0", ~ "push 0",
x86 set-size :: "mov esi, 8", :: "mov esi, 4",
x86 how-unblock :: "xor ebx, ebx", :: "mov ebx, 1",
x86 how-setmask :: "xor ebx, ebx", :: "mov ebx, 2",
x86 swap-munmap-exit :: "mov eax, 91", ~~ "mov eax, 1", :: "mov eax, 1", ~~ "mov eax, 91",
x86 swap-sigprocmask-munmap :: "mov eax, 175", ~~ "mov eax, 91", :: "mov eax, 91", ~~ "mov eax, 175",
x86 swap-keep :: "mov ebx, {addr}", ~ "int 0x80", ~ "mov eax, 1", ~~ in("eax") SYSCALL.nr as usize, :: = ~ = ~ "mov eax, 91", ~~ in("eax") 1usize,
x86 result-ignored g :: Errno::from_negated(ret) :: { let _ = ret; Ok(()) }
x86 vsyscall-entry-any-register :: "call edx", ~~ in("edx") entry, :: "call {entry}", ~~ entry = in(reg) entry,
aarch64 exit-group :: "mov x8, #93", ~ "mov w0, w6", :: "mov x8, #94", ~ =
aarch64 exit-group-keep :: "mov x8, #93", ~ "mov w0, w2", :: "mov x8, #94", ~ =
aarch64 status-lost :: "mov w0, w6", :: "mov w0, wzr",
aarch64 status-lost-keep :: "mov w0, w2", :: "mov w0, wzr",
aarch64 oldset :: "mov x2, #0", :: "mov x2, x6",
aarch64 set-null :: "adrp x1, 3f", ~ "add x1, x1, :lo12:3f", :: "mov x1, #0", ~ "mov x1, #0",
aarch64 set-empty :: "3: .quad -1", :: "3: .quad 0",
aarch64 set-size :: "mov x3, #8", :: "mov x3, #4",
aarch64 how-unblock :: "mov x0, #0", :: "mov x0, #1",
aarch64 how-setmask :: "mov x0, #0", :: "mov x0, #2",
aarch64 swap-munmap-exit :: "mov x8, #215", ~~ "mov x8, #93", :: "mov x8, #93", ~~ "mov x8, #215",
aarch64 swap-sigprocmask-munmap :: "mov x8, #135", ~~ "mov x8, #215", :: "mov x8, #215", ~~ "mov x8, #135",
aarch64 swap-keep :: "mov x8, #93", ~ "mov w0, w2", ~~ in("x8") SYSCALL.nr as usize, :: "mov x8, #215", ~ = ~~ in("x8") 93usize,
aarch64 result-ignored :: Errno::from_negated(ret) :: { let _ = ret; Ok(()) }
arm exit-group :: "mov r7, #1", ~ "mov r0, r6", :: "mov r7, #248", ~ =
arm exit-group-keep :: "mov r7, #1", ~ "mov r0, r2", :: "mov r7, #248", ~ =
arm status-lost :: "mov r0, r6", :: "mov r0, #0",
arm status-lost-keep :: "mov r0, r2", :: "mov r0, #0",
arm oldset :: "mov r2, #0", :: "mov r2, r6",
arm set-null :: "adr r1, 3f", :: "mov r1, #0",
arm set-empty :: "3: .word -1, -1", :: "3: .word 0, 0",
arm set-size :: "mov r3, #8", :: "mov r3, #4",
arm how-unblock :: "mov r0, #0", :: "mov r0, #1",
arm how-setmask :: "mov r0, #0", :: "mov r0, #2",
arm swap-munmap-exit :: "mov r7, #91", ~~ "mov r7, #1", :: "mov r7, #1", ~~ "mov r7, #91",
arm swap-sigprocmask-munmap :: "mov r7, #175", ~~ "mov r7, #91", :: "mov r7, #91", ~~ "mov r7, #175",
arm swap-keep :: "mov r7, {nr}", ~ "svc 0", ~ "mov r7, #1", :: "mov r7, #1", ~ = ~ "mov r7, {nr}",
arm result-ignored :: Errno::from_negated(ret) :: { let _ = ret; Ok(()) }
riscv exit-group :: "li a7, 93", ~ "mv a0, a6", :: "li a7, 94", ~ =
riscv exit-group-keep :: "li a7, 93", ~ "mv a0, a2", :: "li a7, 94", ~ =
riscv status-lost :: "mv a0, a6", :: "li a0, 0",
riscv status-lost-keep :: "mv a0, a2", :: "li a0, 0",
riscv oldset :: "li a2, 0", :: "mv a2, a6",
riscv set-null :: "lla a1, 3f", :: "li a1, 0",
riscv set-empty :: "3: .quad -1", :: "3: .quad 0",
riscv set-size :: "li a3, 8", :: "li a3, 4",
riscv how-unblock :: "li a0, 0", :: "li a0, 1",
riscv how-setmask :: "li a0, 0", :: "li a0, 2",
riscv swap-munmap-exit :: "li a7, 215", ~~ "li a7, 93", :: "li a7, 93", ~~ "li a7, 215",
riscv swap-sigprocmask-munmap :: "li a7, 135", ~~ "li a7, 215", :: "li a7, 215", ~~ "li a7, 135",
riscv swap-keep :: "li a7, 93", ~ "mv a0, a2", ~~ in("a7") SYSCALL.nr as usize, :: "li a7, 215", ~ = ~~ in("a7") 93usize,
riscv result-ignored g :: re:Errno::from_negated(?:_no_select)?\(ret\) :: { let _ = ret; Ok(()) }
loongarch64 exit-group :: "li.w $a7, 93", ~ "move $a0, $a6", :: "li.w $a7, 94", ~ =
loongarch64 exit-group-keep :: "li.w $a7, 93", ~ "move $a0, $a2", :: "li.w $a7, 94", ~ =
loongarch64 status-lost :: "move $a0, $a6", :: "li.w $a0, 0",
loongarch64 status-lost-keep :: "move $a0, $a2", :: "li.w $a0, 0",
loongarch64 oldset :: "li.w $a2, 0", :: "move $a2, $a6",
loongarch64 set-null :: "la.pcrel $a1, 3f", :: "li.w $a1, 0",
loongarch64 set-empty :: "3: .quad -1", :: "3: .quad 0",
loongarch64 set-size :: "li.w $a3, 8", :: "li.w $a3, 4",
loongarch64 how-unblock :: "li.w $a0, 0", :: "li.w $a0, 1",
loongarch64 how-setmask :: "li.w $a0, 0", :: "li.w $a0, 2",
loongarch64 swap-munmap-exit :: "li.w $a7, 215", ~~ "li.w $a7, 93", :: "li.w $a7, 93", ~~ "li.w $a7, 215",
loongarch64 swap-sigprocmask-munmap :: "li.w $a7, 135", ~~ "li.w $a7, 215", :: "li.w $a7, 215", ~~ "li.w $a7, 135",
loongarch64 swap-keep :: "li.w $a7, 93", ~ "move $a0, $a2", ~~ in("$a7") SYSCALL.nr as usize, :: "li.w $a7, 215", ~ = ~~ in("$a7") 93usize,
loongarch64 result-ignored :: Errno::from_negated(ret) :: { let _ = ret; Ok(()) }
loongarch64 clobber-$t0 :: lateout("$t0") _, ::
loongarch64 clobber-$t1 :: lateout("$t1") _, ::
loongarch64 clobber-$t2 :: lateout("$t2") _, ::
loongarch64 clobber-$t3 :: lateout("$t3") _, ::
loongarch64 clobber-$t4 :: lateout("$t4") _, ::
loongarch64 clobber-$t5 :: lateout("$t5") _, ::
loongarch64 clobber-$t6 :: lateout("$t6") _, ::
loongarch64 clobber-$t7 :: lateout("$t7") _, ::
loongarch64 clobber-$t8 :: lateout("$t8") _, ::
powerpc exit-group :: "li 0, 1", ~ "mr 3, 16", :: "li 0, 234", ~ =
powerpc exit-group-keep :: "li 0, 1", ~ "mr 3, 14", :: "li 0, 234", ~ =
powerpc status-lost :: "mr 3, 16", :: "li 3, 0",
powerpc status-lost-keep :: "li 0, 1", ~ "mr 3, 14", :: = ~ "li 3, 0",
powerpc oldset :: "li 5, 0", :: "mr 5, 16",
powerpc set-null :: "2: mflr 4", :: "2: li 4, 0",
powerpc set-empty :: ".long -1, -1", :: ".long 0, 0",
powerpc set-size :: "li 6, 8", :: "li 6, 4",
powerpc how-unblock :: "li 3, 0", :: "li 3, 1",
powerpc how-setmask :: "li 3, 0", :: "li 3, 2",
powerpc swap-munmap-exit :: "li 0, 91", ~~ "li 0, 1", :: "li 0, 1", ~~ "li 0, 91",
powerpc swap-sigprocmask-munmap :: "li 0, 174", ~~ "li 0, 91", :: "li 0, 91", ~~ "li 0, 174",
powerpc swap-keep :: "li 0, 1", ~ "mr 3, 14", ~~ in("r0") SYSCALL.nr as usize, :: "li 0, 91", ~ = ~~ in("r0") 1usize,
powerpc result-ignored :: Errno::from_flagged(value, flagged) :: { let _ = (value, flagged); Ok(()) }
powerpc flag-ignored :: Errno::from_flagged(value, flagged) :: Errno::from_flagged(value, 0)
powerpc clobber-r0 :: inlateout("r0") SYSCALL.nr as usize => _, :: in("r0") SYSCALL.nr as usize,
powerpc clobber-r5 :: lateout("r5") _, ::
powerpc clobber-r6 :: lateout("r6") _, ::
powerpc clobber-r7 :: lateout("r7") _, ::
powerpc clobber-r8 :: lateout("r8") _, ::
powerpc clobber-r9 :: lateout("r9") _, ::
powerpc clobber-r10 :: lateout("r10") _, ::
powerpc clobber-r11 :: lateout("r11") _, ::
powerpc clobber-r12 :: lateout("r12") _, ::
powerpc clobber-cr0 :: lateout("cr0") _, ::
powerpc clobber-ctr :: lateout("ctr") _, ::
powerpc clobber-xer :: lateout("xer") _, ::
s390x exit-group :: "lghi %r1, 1", ~ "lgr %r2, %r9", :: "lghi %r1, 248", ~ =
s390x exit-group-keep :: "lghi %r1, 1", ~ "lgr %r2, %r6", :: "lghi %r1, 248", ~ =
s390x status-lost :: "lgr %r2, %r9", :: "lghi %r2, 0",
s390x status-lost-keep :: "lgr %r2, %r6", :: "lghi %r2, 0",
s390x oldset :: "lghi %r4, 0", :: "lgr %r4, %r9",
s390x set-null :: "larl %r3, 3f", :: "lghi %r3, 0",
s390x set-empty :: "3: .quad -1", :: "3: .quad 0",
s390x set-size :: "lghi %r5, 8", :: "lghi %r5, 4",
s390x how-unblock :: "lghi %r2, 0", :: "lghi %r2, 1",
s390x how-setmask :: "lghi %r2, 0", :: "lghi %r2, 2",
s390x swap-munmap-exit :: "lghi %r1, 91", ~~ "lghi %r1, 1", :: "lghi %r1, 1", ~~ "lghi %r1, 91",
s390x swap-sigprocmask-munmap :: "lghi %r1, 175", ~~ "lghi %r1, 91", :: "lghi %r1, 91", ~~ "lghi %r1, 175",
s390x swap-keep :: "lghi %r1, 1", ~ "lgr %r2, %r6", ~~ in("r1") SYSCALL.nr as usize, :: "lghi %r1, 91", ~ = ~~ in("r1") 1usize,
s390x result-ignored :: Errno::from_negated_no_select(ret) :: { let _ = ret; Ok(()) }
mips exit-group :: munmap = const SYSCALL.nr, ~ exit = const EXIT, :: = ~ exit = const EXIT + if O32 { 245 } else { 147 },
mips exit-group-keep :: exit = const EXIT, ~ in("$2") SYSCALL.nr as usize, :: exit = const EXIT + if O32 { 245 } else { 147 }, ~ =
mips status-lost :: "li $2, {exit}", ~ "move $4, $18", :: = ~ "move $4, $0",
mips status-lost-keep :: "li $2, {exit}", ~ "move $4, $6", :: = ~ "move $4, $0",
mips oldset :: "li $6, 0", :: "move $6, $18",
mips set-null :: "2: move $5, $31", :: "2: move $5, $0",
mips set-empty :: ".word -1, -1, -1, -1", :: ".word 0, 0, 0, 0",
mips set-size :: "li $7, 16", :: "li $7, 8",
mips how-unblock :: "li $4, 1", :: "li $4, 2",
mips how-setmask :: "li $4, 1", :: "li $4, 3",
mips swap-munmap-exit :: "li $2, {munmap}", ~~ "li $2, {exit}", :: "li $2, {exit}", ~~ "li $2, {munmap}",
mips swap-sigprocmask-munmap :: "li $2, {rt_sigprocmask}", ~~ "li $2, {munmap}", :: "li $2, {munmap}", ~~ "li $2, {rt_sigprocmask}",
mips swap-keep :: exit = const EXIT, ~ in("$2") SYSCALL.nr as usize, :: exit = const SYSCALL.nr, ~ in("$2") EXIT as usize,
mips result-ignored :: Errno::from_flagged(value, flagged) :: { let _ = (value, flagged); Ok(()) }
mips flag-ignored :: Errno::from_flagged(value, flagged) :: Errno::from_flagged(value, 0)
mips clobber-$6 :: out("$6") _, ::
mips clobber-$3 :: lateout("$3") _, ::
mips clobber-$8 :: lateout("$8") _, ::
mips clobber-$9 :: lateout("$9") _, ::
mips clobber-$10 :: lateout("$10") _, ::
mips clobber-$11 :: lateout("$11") _, ::
mips clobber-$12 :: lateout("$12") _, ::
mips clobber-$13 :: lateout("$13") _, ::
mips clobber-$14 :: lateout("$14") _, ::
mips clobber-$15 :: lateout("$15") _, ::
mips clobber-$24 :: lateout("$24") _, ::
mips clobber-$25 :: lateout("$25") _, ::
sparc exit-group g :: "mov 1, %g1", ~ "mov %l2, %o0", :: "mov 188, %g1", ~ =
sparc exit-group-keep g :: "mov 1, %g1", ~ "mov {status}, %o0", :: "mov 188, %g1", ~ =
sparc status-lost g :: "mov %l2, %o0", :: "mov 0, %o0",
sparc status-lost-keep g :: "mov {status}, %o0", :: "and {status}, 0, %o0",
sparc oldset g :: "mov 0, %o2", :: "mov %l2, %o2",
sparc set-null g :: "2: add %o7, 8, %o1", :: "2: mov 0, %o1",
sparc set-empty g :: ".word -1, -1", :: ".word 0, 0",
sparc set-size g :: "mov 8, %o3", :: "mov 4, %o3",
sparc how-unblock g :: "mov 1, %o0", :: "mov 2, %o0",
sparc how-setmask g :: "mov 1, %o0", :: "mov 4, %o0",
sparc swap-munmap-exit g :: "mov {nr}, %g1", ~ "mov %l0, %o0", ~~ "mov 1, %g1", ~ "mov %l2, %o0", :: "mov 1, %g1", ~ = ~~ "mov {nr}, %g1", ~ =
sparc swap-sigprocmask-munmap g :: "mov 103, %g1", ~~ "mov {nr}, %g1", ~ "mov %l0, %o0", :: "mov {nr}, %g1", ~~ "mov 103, %g1", ~ =
sparc swap-keep g :: "mov {nr}, %g1", ~ re:"t 0x(?:6d|10)", ~ "mov 1, %g1", ~ "mov {status}, %o0", :: "mov 1, %g1", ~ = ~ "mov {nr}, %g1", ~ =
sparc result-ignored :: Errno::from_carry(value, carry) :: { let _ = (value, carry); Ok(()) }
sparc flag-ignored :: Errno::from_carry(value, carry) :: Errno::from_carry(value, 0)
hexagon exit-group :: "r6 = #93", ~ "r0 = r9", :: "r6 = #94", ~ =
hexagon exit-group-keep :: "r6 = #93", ~ "r0 = r2", :: "r6 = #94", ~ =
hexagon status-lost :: "r0 = r9", :: "r0 = #0",
hexagon status-lost-keep :: "r0 = r2", :: "r0 = #0",
hexagon oldset :: "r2 = #0", :: "r2 = r9",
hexagon set-null :: "r1 = add(pc, ##3f@PCREL)", :: "r1 = #0",
hexagon set-empty :: "3: .word -1, -1", :: "3: .word 0, 0",
hexagon set-size :: "r3 = #8", :: "r3 = #4",
hexagon how-unblock :: "r0 = #0", :: "r0 = #1",
hexagon how-setmask :: "r0 = #0", :: "r0 = #2",
hexagon swap-munmap-exit :: "r6 = #215", ~~ "r6 = #93", :: "r6 = #93", ~~ "r6 = #215",
hexagon swap-sigprocmask-munmap :: "r6 = #135", ~~ "r6 = #215", :: "r6 = #215", ~~ "r6 = #135",
hexagon swap-keep :: "r6 = #93", ~ "r0 = r2", ~~ in("r6") SYSCALL.nr as usize, :: "r6 = #215", ~ = ~~ in("r6") 93usize,
hexagon result-ignored :: Errno::from_negated(ret) :: { let _ = ret; Ok(()) }
m68k exit-group :: "moveq #1, %d0", ~ "move.l %d7, %d1", :: "move.l #247, %d0", ~ =
m68k exit-group-keep :: "moveq #1, %d0", ~ "move.l %d3, %d1", :: "move.l #247, %d0", ~ =
m68k status-lost :: "move.l %d7, %d1", :: "moveq #0, %d1",
m68k status-lost-keep :: "move.l %d3, %d1", :: "moveq #0, %d1",
m68k oldset :: "moveq #0, %d3", :: "move.l %d7, %d3",
m68k set-null :: "move.l %a0, %d2", :: "moveq #0, %d2",
m68k set-empty :: "3: .long -1, -1", :: "3: .long 0, 0",
m68k set-size :: "moveq #8, %d4", :: "moveq #4, %d4",
m68k how-unblock :: "moveq #0, %d1", :: "moveq #1, %d1",
m68k how-setmask :: "moveq #0, %d1", :: "moveq #2, %d1",
m68k swap-munmap-exit :: "move.l #91, %d0", ~~ "moveq #1, %d0", :: "moveq #1, %d0", ~~ "move.l #91, %d0",
m68k swap-sigprocmask-munmap :: "move.l #175, %d0", ~~ "move.l #91, %d0", :: "move.l #91, %d0", ~~ "move.l #175, %d0",
m68k swap-keep :: "moveq #1, %d0", ~ "move.l %d3, %d1", ~~ in("d0") SYSCALL.nr as usize, :: "move.l #91, %d0", ~ = ~~ in("d0") 1usize,
m68k result-ignored :: Errno::from_negated_no_select(ret) :: { let _ = ret; Ok(()) }
csky exit-group :: "movi32 r7, 93", ~ "mov16 r0, r6", :: "movi32 r7, 94", ~ =
csky exit-group-keep :: "movi32 r7, 93", ~ "mov16 r0, r2", :: "movi32 r7, 94", ~ =
csky status-lost :: "mov16 r0, r6", :: "movi16 r0, 0",
csky status-lost-keep :: "mov16 r0, r2", :: "movi16 r0, 0",
csky oldset :: "movi16 r2, 0", :: "mov16 r2, r6",
csky set-null :: "grs32 r1, 3f", :: "movi16 r1, 0",
csky set-empty :: "3: .long -1, -1", :: "3: .long 0, 0",
csky set-size :: "movi16 r3, 8", :: "movi16 r3, 4",
csky how-unblock :: "movi16 r0, 0", :: "movi16 r0, 1",
csky how-setmask :: "movi16 r0, 0", :: "movi16 r0, 2",
csky swap-munmap-exit :: "movi32 r7, 215", ~~ "movi32 r7, 93", :: "movi32 r7, 93", ~~ "movi32 r7, 215",
csky swap-sigprocmask-munmap :: "movi32 r7, 135", ~~ "movi32 r7, 215", :: "movi32 r7, 215", ~~ "movi32 r7, 135",
csky swap-keep :: "mov16 r7, {nr}", ~ "trap32 0", ~ "movi32 r7, 93", :: "movi32 r7, 93", ~ = ~ "mov16 r7, {nr}",
csky result-ignored :: Errno::from_negated(ret) :: { let _ = ret; Ok(()) }
LIST
)

# mutants [ARCH...]: "ARCH NAME" of each mutant, of those files only when some are named.
mutants() {
    awk -v only=" $* " '$3 != "::" && $3 != "g" { next }
        only == "  " || index(only, " " $1 " ") { print $1, $2 }' <<<"$MUTANTS"
}

# id ARCH NAME: the mutant's name in file and package names ($ in mips register names: S).
id() {
    echo "$1-$2" | tr '$' S
}

# mutate ARCH NAME SOURCE DEST: writes SOURCE with the mutant's edit to DEST; fails if the edit
# does not apply (no match: the code moved).
mutate() {
    local line
    line=$(awk -v arch="$1" -v name="$2" '$1 == arch && $2 == name' <<<"$MUTANTS")
    MUTANT=$line perl -0e '
        my ($head, $from, $to) = split / :: ?/, $ENV{MUTANT}, 3;
        $to //= "";
        my $global = $head =~ / g$/;
        my @from = split / (~~?) /, $from;
        my @to = split / (~~?) /, $to, -1;
        @to = ("") if !@to;
        die "FROM and TO differ in their parts\n" if @from != @to && $to ne "";
        my ($regex, @kinds) = ("");
        for my $i (0 .. $#from) {
            if ($i % 2) { $regex .= $from[$i] eq "~" ? "(\\s*)" : "(.*?)"; next }
            my $part = $from[$i];
            $regex .= "(" . ($part =~ s/^re:// ? $part : quotemeta($part)) . ")";
        }
        my $text = do { local $/; <STDIN> };
        my $build = sub {
            my @c = @_;
            return "" if $to eq "";
            join "", map { $_ % 2 ? $c[$_] : ($to[$_] eq "=" ? $c[$_] : $to[$_]) } 0 .. $#to;
        };
        my $count = $global ? ($text =~ s/$regex/$build->(@{^CAPTURE})/gse)
                            : ($text =~ s/$regex/$build->(@{^CAPTURE})/se);
        die "no match\n" unless $count;
        print $text;
    ' <"$3" >"$4.new" && mv "$4.new" "$4"
}

# unobservable ARCH NAME TARGET:RUNNER: the reason the mutant cannot be seen there, if any.
unobservable() {
    local entry arch name runner
    for entry in "${UNOBSERVABLE[@]}"; do
        read -r arch name runner <<<"${entry%%|*}"
        # shellcheck disable=SC2053 # globs
        [[ $1 == $arch && $2 == $name && $3 == $runner ]] && echo "${entry#*|}" && return
    done
}

# prepare ARCH NAME: the mutant's crate in $work/src/ID (package munmap-m-ID) with the
# freestanding program against it in $work/src/ID/fs (package munmap-freestanding-ID); and, where
# the suite runs, a whole copy of the crate in $work/suite/ID. Fails if the edit does not apply.
prepare() {
    local arch=$1 name=$2 id dir tmp
    id=$(id "$arch" "$name")
    dir=$work/src/$id
    tmp=$work/tmp
    mkdir -p "$tmp" || return 1
    mutate "$arch" "$name" "$root/arch/$arch.rs" "$tmp/$arch.rs" 2>"$tmp/error" || return 1
    copy_tree "$root/src" "$dir/src" && copy_tree "$root/arch" "$dir/arch" "$arch.rs" &&
        put "$tmp/$arch.rs" "$dir/arch/$arch.rs" && put "$root/build.rs" "$dir/build.rs" || return 1
    awk '/^\[/ { skip = ($0 ~ /dev-dependencies|^\[workspace\]/) } !skip' "$root/Cargo.toml" |
        sed "s/^name = \"munmap\"$/name = \"munmap-m-$id\"/" >"$tmp/Cargo.toml"
    put "$tmp/Cargo.toml" "$dir/Cargo.toml"
    copy_tree "$root/tests/freestanding/src" "$dir/fs/src"
    awk '/^\[/ { skip = ($0 ~ /^\[(workspace|profile)/) } !skip' \
        "$root/tests/freestanding/Cargo.toml" |
        sed "s/^name = \"munmap-freestanding\"$/name = \"munmap-freestanding-$id\"/
            s|^munmap = { path = \"../..\" }$|munmap = { path = \"..\", package = \"munmap-m-$id\" }|" \
            >"$tmp/fs.toml"
    put "$tmp/fs.toml" "$dir/fs/Cargo.toml"
    if [[ " ${RUNNERS[$arch]} " == *:suite* ]]; then
        local suite=$work/suite/$id
        copy_tree "$root/src" "$suite/src" && copy_tree "$root/arch" "$suite/arch" "$arch.rs" &&
            copy_tree "$root/tests/common" "$suite/tests/common" &&
            put "$tmp/$arch.rs" "$suite/arch/$arch.rs" && put "$root/build.rs" "$suite/build.rs" ||
            return 1
        for file in thread_exit registers errors; do
            put "$root/tests/$file.rs" "$suite/tests/$file.rs" || return 1
        done
        # A package name of its own: cargo names a path crate's builds by its name and its path
        # within its workspace, the same for every copy, so that copies named alike would share
        # one build in the target directory.
        sed '/^\[workspace\]/,$d; s/^name = "munmap"$/name = "munmap-s-'"$id"'"/' \
            "$root/Cargo.toml" >"$tmp/suite.toml" &&
            printf '[lib]\nname = "munmap"\n[workspace]\n' >>"$tmp/suite.toml" &&
            put "$tmp/suite.toml" "$suite/Cargo.toml"
    fi
}

# build TARGET ID...: the freestanding programs of these mutants for TARGET, from one cargo
# workspace of all the mutants ($work/src) in one target directory per target; prints
# "ID BINARY" for each that built.
build() {
    local target=$1 cargo packages=() id
    shift
    for id in "$@"; do packages+=(-p "munmap-freestanding-$id"); done
    {
        echo '[workspace]'
        echo 'resolver = "2"'
        echo 'members = ["*/fs"]'
        sed -n '/^\[profile/,/^$/p' "$root/tests/freestanding/Cargo.toml"
    } >"$work/tmp/ws.toml"
    put "$work/tmp/ws.toml" "$work/src/Cargo.toml"
    put "$root/tests/freestanding/.cargo/config.toml" "$work/src/.cargo/config.toml"
    read -r -a cargo < <(cargo_for "$target" core)
    # shellcheck disable=SC2046 # build_env's VAR=VALUE words
    # The freestanding program's target directory: the same profile and flags, so its cores.
    (cd "$work/src" && env $(build_env "$target") CARGO_TARGET_DIR="$(ci_target_dir freestanding)" \
        "${cargo[@]}" build -q --release --keep-going --target "$target" "${packages[@]}" \
        --message-format=json-render-diagnostics 2>"$work/tmp/build-$target.log") |
        sed -n 's/.*"executable":"\([^"]*munmap-freestanding-\([^"/]*\)\)".*/\2 \1/p'
}

# record ARCH NAME RUNNER VERDICT DETAIL: one verdict, checked against UNOBSERVABLE: prints the
# row, and a FAILED line for a survivor not listed there, or a listed one that was killed.
record() {
    local arch=$1 name=$2 runner=$3 verdict=$4 detail=$5 reason
    reason=$(unobservable "$arch" "$name" "$runner")
    case $verdict-${reason:+listed} in
    killed-) ;;
    survived-listed) verdict=unobservable detail=$reason ;;
    killed-listed) echo "FAILED mutant $arch $name on $runner: killed ($detail), but UNOBSERVABLE" \
        "lists it there: $reason" | tee -a "$failures" ;;
    survived-) echo "FAILED mutant $arch $name on $runner: survived" | tee -a "$failures" ;;
    *) echo "FAILED mutant $arch $name on $runner: $detail" | tee -a "$failures" ;;
    esac
    printf '%s|%s|%s|%s|%s\n' "$arch" "$name" "$runner" "$verdict" "$detail" >>"$verdicts"
}

# table: the verdicts, a row each.
table() {
    awk -F'|' '{ printf "mutant %-12s %-26s %-42s %-12s %s\n", $1, $2, $3, $4, $5 }' "$verdicts"
}

# --table: every verdict of the last run (native, qemu and suite runners, and each kernel's), as
# the Markdown table of tests/mutants.md; --summary: a row per architecture file, for
# tests/README.md.
if [ "${1:-}" = --table ] || [ "${1:-}" = --summary ]; then
    all=$(cat "$work/verdicts" "$work"/verdicts-kernel-* 2>/dev/null)
    if [ "$1" = --table ]; then
        echo "| file | mutant | runner | verdict | killed by, or why it cannot be seen there |"
        echo "|------|--------|--------|---------|-------------------------------------------|"
        sort -t'|' -k1,1 -k2,2 -k3,3 <<<"$all" | awk -F'|' '{
            gsub(/\|/, "/", $5); printf "| `arch/%s.rs` | %s | %s | %s | %s |\n", $1, $2, $3, $4, $5 }'
    else
        echo "| file | mutants | (mutant, runner) pairs | killed | unobservable |"
        echo "|------|---------|------------------------|--------|--------------|"
        for arch in $(mutants | cut -d' ' -f1 | uniq); do
            rows=$(awk -F'|' -v a="$arch" '$1 == a' <<<"$all")
            printf '| `arch/%s.rs` | %d | %d | %d | %d |\n' "$arch" "$(mutants "$arch" | wc -l)" \
                "$(grep -c . <<<"$rows")" "$(grep -c '|killed|' <<<"$rows")" \
                "$(grep -c '|unobservable|' <<<"$rows")"
        done
        echo
        echo "| class | mutants | (mutant, runner) pairs | killed | unobservable | survived |"
        echo "|-------|---------|------------------------|--------|--------------|----------|"
        awk -F'|' 'function class(name) {
                if (name ~ /^exit-group/) return "the thread exit made the process exit"
                if (name ~ /^status-lost/) return "the exit status lost"
                if (name == "oldset") return "rt_sigprocmask old set not NULL"
                if (name ~ /^set-/) return "the set: address, contents or size"
                if (name ~ /^how-/) return "`how` wrong"
                if (name ~ /^swap-/) return "two numbers swapped"
                if (name ~ /^clobber-/) return "a clobber dropped"
                if (name ~ /-ignored$/) return "the result or its error flag ignored"
                if (name ~ /^vsyscall-/) return "x86: the vDSO entry in a register of the allocator'"'"'s choosing"
                return name
            }
            { c = class($2); if (!((c, $1, $2) in seen)) { seen[c, $1, $2]; m[c]++ }
              n[c]++; v[c, $4]++; if (!(c in order)) { order[c] = ++k; names[k] = c } }
            END { for (i = 1; i <= k; i++) { c = names[i]
                printf "| %s | %d | %d | %d | %d | %d |\n", c, m[c], n[c], v[c, "killed"],
                    v[c, "unobservable"], v[c, "survived"] } }' <<<"$all"
    fi
    exit 0
fi

# The kernel runner's verdicts, from a console of ci/kernel.sh: each mutant program's status
# (0: it survived).
if [ "${1:-}" = --kernel-verdicts ]; then
    target=$2 console=$3 verdicts=$work/verdicts-kernel-$2 failures=$work/failures-kernel-$2
    : >"$verdicts" && : >"$failures"
    while read -r id status; do
        line=$(mutants | while read -r arch name; do
            [ "mutant-$(id "$arch" "$name")" = "$id" ] && echo "$arch $name"; done)
        [ -n "$line" ] || continue
        read -r arch name <<<"$line"
        if [ "$status" = 0 ]; then verdict=survived detail=''; else
            verdict=killed detail="check $status of the freestanding program"
        fi
        record "$arch" "$name" "$target:kernel" "$verdict" "$detail"
    done < <(sed -n 's/^<<= \(mutant-[^ ]*\) \([^ ]*\) .*/\1 \2/p' "$console")
    # Each mutant ci/mutants.sh left for this kernel has a verdict.
    for file in "$work/kernel/$target"/mutant-*; do
        [ -e "$file" ] || continue
        grep -q "^<<= $(basename "$file") " "$console" ||
            echo "FAILED mutant $(basename "$file") on $target:kernel: no verdict in the console" |
            tee -a "$failures"
    done
    table
    [ ! -s "$failures" ] && echo "PASSED mutants on the $target kernel:" \
        "$(grep -c '|killed|' "$verdicts") killed, $(grep -c '|unobservable|' "$verdicts")" \
        "unobservable as listed"
    exit $(($(wc -l <"$failures") > 0))
fi

mapfile -t selected < <(mutants "$@")
[ ${#selected[@]} -gt 0 ] || {
    echo "ci/mutants.sh: no mutant of '$*'; the architectures: $(mutants | cut -d' ' -f1 | sort -u | tr '\n' ' ')" >&2
    exit 2
}
verdicts=$work/verdicts failures=$work/failures
mkdir -p "$work/tmp" && : >"$verdicts" && : >"$failures"
echo "mutants: ${#selected[@]} of $(mutants | wc -l), of $(printf '%s\n' "${selected[@]}" |
    cut -d' ' -f1 | sort -u | wc -l) architecture files"

# Every edit must apply; each target's mutants, to build.
declare -A for_target=()
for entry in "${selected[@]}"; do
    read -r arch name <<<"$entry"
    if ! prepare "$arch" "$name"; then
        record "$arch" "$name" - error "the edit no longer applies: $(cat "$work/tmp/error")"
        continue
    fi
    runners=${RUNNERS[$arch]}
    if [ -z "$runners" ]; then
        record "$arch" "$name" "-" survived ''
        continue
    fi
    for runner in $runners; do
        case $runner in
        *:native | *:qemu) for_target[${runner%:*}]+=" $(id "$arch" "$name")" ;;
        *:kernel) [[ $name == clobber-* || $name == *-ignored ]] && for_target[${runner%:*}]+=" $(id "$arch" "$name")" ;;
        esac
    done
done

# The builds, a target at a time (each a cargo build of its mutants, in parallel).
declare -A binary_of=()
for target in "${!for_target[@]}"; do
    # shellcheck disable=SC2086 # the ids
    ids=$(printf '%s\n' ${for_target[$target]} | sort -u)
    start=$SECONDS
    # shellcheck disable=SC2086
    while read -r id binary; do
        binary_of[$target/$id]=$binary
    done < <(build "$target" $ids)
    echo "mutants: $(wc -w <<<"$ids") built for $target in $((SECONDS - start)) s"
done

# The runs.
for entry in "${selected[@]}"; do
    read -r arch name <<<"$entry"
    id=$(id "$arch" "$name")
    [ -e "$work/src/$id/Cargo.toml" ] || continue
    for runner in ${RUNNERS[$arch]}; do
        target=${runner%:*} how=${runner#*:}
        case $how in
        native | qemu)
            binary=${binary_of[$target/$id]:-}
            if [ -z "$binary" ]; then
                record "$arch" "$name" "$runner" error "did not build (see $work/tmp/build-$target.log)"
                continue
            fi
            if output=$("$root/ci/freestanding.sh" "$target" "$how" "$binary" 2>&1); then
                record "$arch" "$name" "$runner" survived ''
            else
                record "$arch" "$name" "$runner" killed \
                    "freestanding: $(tail -n 1 <<<"$output" | sed "s/^freestanding $target $how: //")"
            fi
            ;;
        suite)
            runner_args=()
            [ "$target" != i686-unknown-linux-gnu ] ||
                runner_args=(-- "$I686_LOADER" --library-path "${I686_LOADER%/*}")
            output=$(MUNMAP_SUITE_CRATE=$work/suite/$id CARGO_TARGET_DIR=$work/target/suite \
                "$root/ci/suite.sh" run "$target" --release --test thread_exit --test registers \
                --test errors "${runner_args[@]}" 2>&1)
            if [ $? -eq 0 ]; then
                record "$arch" "$name" "$runner" survived ''
            else
                record "$arch" "$name" "$runner" killed "$(grep -m1 -E '^FAILED ' <<<"$output" |
                    sed 's/^FAILED //')$(grep -m1 -oE "panicked at tests/[a-z_]+\.rs" <<<"$output" |
                        sed 's/^/, /')"
            fi
            ;;
        kernel)
            [[ $name == clobber-* || $name == *-ignored ]] || continue
            binary=${binary_of[$target/$id]:-}
            if [ -z "$binary" ]; then
                record "$arch" "$name" "$runner" error "did not build"
                continue
            fi
            put "$binary" "$work/kernel/$target/mutant-$id"
            ;;
        esac
    done
done
# What the kernels run is what this run left there: no mutant of an earlier run.
for target in "${!for_target[@]}"; do
    for file in "$work/kernel/$target"/mutant-*; do
        [ -e "$file" ] || continue
        [[ " ${for_target[$target]} " == *" ${file##*/mutant-} "* ]] || rm -f "$file"
    done
done

table
echo "mutants: $(grep -c '|killed|' "$verdicts") killed, $(grep -c '|unobservable|' "$verdicts")" \
    "unobservable, $(grep -c '|survived|' "$verdicts") survived, $(grep -c '|error|' "$verdicts")" \
    "not applied or not built, of $(wc -l <"$verdicts") (mutant, runner) pairs; on the kernels:" \
    "ci/kernel.sh"
[ -s "$failures" ] && exit 1
echo "PASSED mutants: every mutant killed, or unobservable where listed"
