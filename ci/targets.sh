#!/usr/bin/env bash
# The targets the ci/ scripts build and test, and how: the one list, sourced by ci/test.sh,
# ci/codegen.sh, ci/freestanding.sh and ci/bench.sh. `ci/targets.sh table` prints it as the
# table of targets in ci/README.md, which ci/test.sh checks against it.
#
# One line per target:
#   std           rustup: a prebuilt standard library from rustup (built with stable Rust)
#                 source: the pinned nightly builds the standard library from source
#                 core:   the pinned nightly builds only `core` from source: no test suite
#   suite         where the whole test suite runs: native, qemu, native+qemu, or -
#   freestanding  where the freestanding program runs under a tracer: native, qemu, or -
#   why           what keeps a target from more, for ci/README.md
# Every target is also built (clippy -D warnings where the std is rustup's) and codegen-checked
# (ci/codegen.sh); ci/survey.sh builds every Linux and Android target rustc knows.
TARGET_TABLE=$(cat <<'TABLE'
x86_64-unknown-linux-gnu             rustup  native       native+qemu  -
i686-unknown-linux-gnu               rustup  native       native+qemu  -
x86_64-unknown-linux-musl            rustup  native       -            the freestanding program needs no libc: x86_64-unknown-linux-gnu runs it
x86_64-unknown-linux-none            core    -            native       a target without libc: no standard library exists for it
x86_64-unknown-linux-gnux32          core    -            -            this kernel has no x32 ABI (CONFIG_X86_X32_ABI is off), qemu-user none, the mirror no x32 std
x86_64-linux-android                 rustup  -            native       no Android NDK (linker, bionic) here for the suite
i686-linux-android                   rustup  -            native       no Android NDK (linker, bionic) here for the suite
aarch64-unknown-linux-gnu            rustup  qemu         qemu         -
aarch64-unknown-linux-musl           rustup  -            -            the crate's code is aarch64-unknown-linux-gnu's, whose suite runs; musl's side of the suite runs on x86_64-unknown-linux-musl
aarch64_be-unknown-linux-gnu         core    -            qemu         tier 3 without a standard library; Debian 12 has no big-endian arm64 C library
aarch64-linux-android                rustup  -            qemu         no Android NDK (linker, bionic) here for the suite
armv7-unknown-linux-gnueabihf        rustup  qemu         qemu         -
thumbv7neon-unknown-linux-gnueabihf  rustup  qemu         qemu         -
armv5te-unknown-linux-gnueabi        source  qemu         qemu         -
arm-unknown-linux-gnueabi            core    -            -            ARMv6, the same code as armv5te's: the mirror has no std for it
armeb-unknown-linux-gnueabi          core    -            qemu         tier 3 without a standard library; Debian 12 has no big-endian arm C library
armv7-linux-androideabi              rustup  -            -            Thumb mode, as thumbv7neon-unknown-linux-gnueabihf; no Android NDK here
arm-linux-androideabi                core    -            -            ARM mode, as armv5te; no Android NDK here, the mirror no std
thumbv7neon-linux-androideabi        core    -            -            Thumb mode, as thumbv7neon-unknown-linux-gnueabihf; no Android NDK here
riscv64gc-unknown-linux-gnu          rustup  qemu         qemu         -
riscv64-linux-android                core    -            -            as riscv64gc-unknown-linux-gnu; no Android NDK here, the mirror no std
riscv32gc-unknown-linux-gnu          core    -            qemu         tier 3 without a standard library; Debian 12 has no riscv32 C library
loongarch64-unknown-linux-gnu        core    -            qemu         the mirror has no std for it; Debian 12 has no loongarch64 C library
powerpc-unknown-linux-gnu            rustup  qemu         qemu         -
powerpc64-unknown-linux-gnu          rustup  qemu         qemu         -
powerpc64le-unknown-linux-gnu        rustup  qemu         qemu         -
s390x-unknown-linux-gnu              rustup  qemu         qemu         -
mips-unknown-linux-gnu               source  qemu         qemu         nightly only (asm_experimental_arch)
mipsel-unknown-linux-gnu             source  qemu         qemu         nightly only (asm_experimental_arch)
mips-unknown-linux-musl              core    -            -            as mips-unknown-linux-gnu (the freestanding program needs no libc); nightly only
mipsel-unknown-linux-musl            core    -            -            as mipsel-unknown-linux-gnu; nightly only
mips-unknown-linux-uclibc            core    -            -            as mips-unknown-linux-gnu; nightly only
mipsel-unknown-linux-uclibc          core    -            -            as mipsel-unknown-linux-gnu; nightly only
mipsisa32r6-unknown-linux-gnu        core    -            qemu         the mirror has no std for it, Debian 12 no r6 C library; nightly only
mipsisa32r6el-unknown-linux-gnu      core    -            qemu         the mirror has no std for it, Debian 12 no r6 C library; nightly only
mips64el-unknown-linux-gnuabi64      source  qemu         qemu         nightly only (asm_experimental_arch)
mips64-unknown-linux-gnuabi64        core    -            qemu         the other byte order of mips64el-unknown-linux-gnuabi64, whose suite runs; nightly only
mips64-unknown-linux-muslabi64       core    -            -            as mips64-unknown-linux-gnuabi64; nightly only
mips64el-unknown-linux-muslabi64     core    -            -            as mips64el-unknown-linux-gnuabi64; nightly only
mips64-openwrt-linux-musl            core    -            -            as mips64-unknown-linux-gnuabi64; nightly only
mipsisa64r6-unknown-linux-gnuabi64   core    -            qemu         the mirror has no std for it, Debian 12 no r6 C library; nightly only
mipsisa64r6el-unknown-linux-gnuabi64 core    -            qemu         the mirror has no std for it, Debian 12 no r6 C library; nightly only
sparc64-unknown-linux-gnu            source  qemu         qemu         nightly only (asm_experimental_arch)
sparc-unknown-linux-gnu              core    -            qemu         the mirror has no std for it, Debian 12 no 32-bit sparc C library; nightly only
m68k-unknown-linux-gnu               core    -            -            LLVM's m68k back end fails to build std (LLVM ERROR: Cannot select) and miscompiles the freestanding program (llvm/llvm-project#213564); nightly only
hexagon-unknown-linux-musl           core    -            qemu         Debian 12 has no hexagon C compiler or C library; nightly only
csky-unknown-linux-gnuabiv2          core    -            -            qemu-user has no csky, Debian 12 no csky toolchain; nightly only
csky-unknown-linux-gnuabiv2hf        core    -            -            as csky-unknown-linux-gnuabiv2; nightly only
TABLE
)
NIGHTLY=nightly-2026-10-30
CI_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
MSRV=$(sed -n 's/^rust-version = "\(.*\)"$/\1/p' "$CI_ROOT/Cargo.toml")
# Where rustup has the MSRV's standard library (its riscv64 one is missing on this mirror).
MSRV_TARGETS=(x86_64-unknown-linux-gnu i686-unknown-linux-gnu aarch64-unknown-linux-gnu
    armv7-unknown-linux-gnueabihf)
# The targets docs.rs builds: [package.metadata.docs.rs] in Cargo.toml.
read -r -a DOCS_RS_TARGETS < <(sed -n '/^\[package.metadata.docs.rs\]/,/^\[/ {
    s/^targets = \[\(.*\)\]$/\1/p }' "$CI_ROOT/Cargo.toml" | tr -d '",')
# i686's loader, which this 64-bit machine has only as the cross compiler's.
I686_LOADER=/usr/i686-linux-gnu/lib/ld-linux.so.2

# The cache: what the steps build or fetch and does not change from run to run (the standard
# libraries and `core`s built from source, per target and toolchain, every cargo target
# directory, downloads), outside the clone, so that a second run, or a run from another clone,
# starts from it. Cargo's fingerprints decide what is rebuilt. MUNMAP_CI_CACHE=off keeps it in
# the clone (target/ci), as a directory it is there; deleting it costs only time.
case ${MUNMAP_CI_CACHE:-} in
off) CI_CACHE=$CI_ROOT/target/ci ;;
'') CI_CACHE=${XDG_CACHE_HOME:-$HOME/.cache}/munmap-ci ;;
*) CI_CACHE=$MUNMAP_CI_CACHE ;;
esac
# ci_target_dir NAME: the cargo target directory of NAME, in the cache.
ci_target_dir() {
    echo "$CI_CACHE/target/$1"
}

# put SOURCE DEST: copies a file, only if it differs (cargo then sees the old mtime: no rebuild).
# The ci/ scripts that keep copies of sources in the cache (mutants, real crates) copy with it.
put() {
    mkdir -p "$(dirname "$2")" && { cmp -s "$1" "$2" || cp "$1" "$2"; }
}

# copy_tree DIR DEST [BUT]: put for every file of DIR but BUT.
copy_tree() {
    local file
    (cd "$1" && find . -type f ! -path "./${3:-/}") | while read -r file; do
        put "$1/$file" "$2/$file"
    done
}

# targets [COLUMN=GLOB...]: the targets whose columns match (std, suite, freestanding), one per
# line, in the table's order; with MUNMAP_TARGETS set (globs, space-separated), only the targets
# that match one of them (ci/test.sh's way to run a subset).
targets() {
    local target std suite freestanding why filter ok value
    while read -r target std suite freestanding why; do
        [ -n "$target" ] || continue
        ok=1
        for filter in "$@"; do
            case ${filter%%=*} in
            std) value=$std ;;
            suite) value=$suite ;;
            freestanding) value=$freestanding ;;
            esac
            # shellcheck disable=SC2254 # the globs are the point
            case $value in ${filter#*=}) ;; *) ok=0 ;; esac
        done
        if [ $ok = 1 ] && selected "$target"; then echo "$target"; fi
    done <<<"$TARGET_TABLE"
}

# selected TARGET: whether TARGET is one of those MUNMAP_TARGETS (globs, space-separated)
# selects; all are when it is empty or unset.
selected() {
    local pattern
    [ -n "${MUNMAP_TARGETS:-}" ] || return 0
    for pattern in $MUNMAP_TARGETS; do
        # shellcheck disable=SC2254 # the globs are the point
        case $1 in $pattern) return 0 ;; esac
    done
    return 1
}

# target_column TARGET NAME: one column of TARGET's line (std, suite, freestanding or why).
target_column() {
    awk -v target="$1" -v name="$2" '$1 == target {
        if (name == "std") print $2; else if (name == "suite") print $3
        else if (name == "freestanding") print $4
        else { $1 = $2 = $3 = $4 = ""; sub(/^ +/, ""); print } }' <<<"$TARGET_TABLE"
}

# target_cfg TARGET KEY: a `--print cfg` value of TARGET (target_arch, target_endian...).
target_cfg() {
    rustc "+$NIGHTLY" --print cfg --target "$1" | sed -n "s/^$2=\"\\(.*\\)\"$/\\1/p"
}

# qemu_for TARGET: the qemu-user binary that runs it.
qemu_for() {
    case $(target_cfg "$1" target_arch)-$(target_cfg "$1" target_endian) in
    x86_64-*) echo qemu-x86_64 ;;
    x86-*) echo qemu-i386 ;;
    aarch64-little) echo qemu-aarch64 ;;
    aarch64-big) echo qemu-aarch64_be ;;
    arm-little) echo qemu-arm ;;
    arm-big) echo qemu-armeb ;;
    riscv64-*) echo qemu-riscv64 ;;
    riscv32-*) echo qemu-riscv32 ;;
    loongarch64-*) echo qemu-loongarch64 ;;
    powerpc-*) echo qemu-ppc ;;
    powerpc64-big) echo qemu-ppc64 ;;
    powerpc64-little) echo qemu-ppc64le ;;
    s390x-*) echo qemu-s390x ;;
    mips-big | mips32r6-big) echo qemu-mips ;;
    mips-little | mips32r6-little) echo qemu-mipsel ;;
    mips64-big | mips64r6-big) echo qemu-mips64 ;;
    mips64-little | mips64r6-little) echo qemu-mips64el ;;
    sparc64-*) echo qemu-sparc64 ;;
    sparc-*) echo qemu-sparc32plus ;;
    m68k-*) echo qemu-m68k ;;
    hexagon-*) echo qemu-hexagon ;;
    *) return 1 ;;
    esac
}

# gnu_triple TARGET: the Debian cross toolchain that links TARGET's test suite (its gcc, and its C
# library under /usr/TRIPLE); none for x86_64, whose host toolchain links it.
gnu_triple() {
    case $1 in
    i686-unknown-linux-gnu) echo i686-linux-gnu ;;
    aarch64-unknown-linux-*) echo aarch64-linux-gnu ;;
    armv7-unknown-linux-gnueabihf | thumbv7neon-unknown-linux-gnueabihf) echo arm-linux-gnueabihf ;;
    armv5te-unknown-linux-gnueabi) echo arm-linux-gnueabi ;;
    riscv64gc-unknown-linux-gnu) echo riscv64-linux-gnu ;;
    powerpc-unknown-linux-gnu) echo powerpc-linux-gnu ;;
    powerpc64-unknown-linux-gnu) echo powerpc64-linux-gnu ;;
    powerpc64le-unknown-linux-gnu) echo powerpc64le-linux-gnu ;;
    s390x-unknown-linux-gnu) echo s390x-linux-gnu ;;
    mips-unknown-linux-gnu) echo mips-linux-gnu ;;
    mipsel-unknown-linux-gnu) echo mipsel-linux-gnu ;;
    mips64el-unknown-linux-gnuabi64) echo mips64el-linux-gnuabi64 ;;
    sparc64-unknown-linux-gnu) echo sparc64-linux-gnu ;;
    *) return 1 ;;
    esac
}

# qemu_runner TARGET: the command that runs TARGET's test binaries under qemu-user: with the
# cross C library as the guest's root (-L) and, for its loader, as the first place to look for
# libraries. The loader also reads the host's /etc/ld.so.cache, which names the host's own
# libraries of that architecture when a multiarch one is installed (libc6:i386 here, which
# libseccomp-dev:i386 brings): qemu-i386 then ran the cross loader with the host's libc.so.6, a
# different build, and every test binary hung in its first pthread_create. LD_LIBRARY_PATH,
# set in the guest only (-E), comes before the cache.
qemu_runner() {
    local qemu triple
    qemu=$(qemu_for "$1") || return 1
    if triple=$(gnu_triple "$1"); then
        echo "$qemu -L /usr/$triple -E LD_LIBRARY_PATH=/usr/$triple/lib"
    else
        echo "$qemu"
    fi
}

# The Debian packages ci/test.sh installs, each with what needs it (ci/test.sh checks that every
# gnu_triple has its gcc, and fails a test that skips for want of a package). Never
# gcc-multilib: it removes the cross compilers.
APT_PACKAGES=(
    # The host's C compiler and C library: rustc links the host's programs with cc, and the
    # benchmarks' criterion builds C (the alloca crate) for BENCH_TARGETS.
    gcc libc6-dev
    # qemu-user runs the suite and the freestanding program of every foreign target; strace
    # traces the freestanding program and injects results into it (ci/freestanding.sh,
    # ci/inject.sh), and sees that build.rs starts no process on x86_64 (ci/stable-refusal.sh).
    qemu-user strace
    # The host's uapi headers: tests/nr_headers.rs checks munmap_and_exit's and munmap's numbers
    # (x86_64, x32, the generic table), the audit values and the generic errno table against them.
    linux-libc-dev
    # Per suite target, its C cross compiler, which links its test binaries (and, for
    # big-endian powerpc64 and 32-bit sparc, the freestanding program), and its C library, with
    # which qemu-user runs the suite and whose uapi headers tests/nr_headers.rs checks that
    # architecture's numbers and errno table against.
    gcc-i686-linux-gnu libc6-dev-i386-cross
    gcc-aarch64-linux-gnu libc6-dev-arm64-cross
    gcc-arm-linux-gnueabihf libc6-dev-armhf-cross
    gcc-arm-linux-gnueabi libc6-dev-armel-cross
    gcc-riscv64-linux-gnu libc6-dev-riscv64-cross
    gcc-powerpc-linux-gnu libc6-dev-powerpc-cross
    gcc-powerpc64-linux-gnu libc6-dev-ppc64-cross
    gcc-powerpc64le-linux-gnu libc6-dev-ppc64el-cross
    gcc-s390x-linux-gnu libc6-dev-s390x-cross
    gcc-mips-linux-gnu libc6-dev-mips-cross
    gcc-mipsel-linux-gnu libc6-dev-mipsel-cross
    gcc-mips64el-linux-gnuabi64 libc6-dev-mips64el-cross
    gcc-sparc64-linux-gnu libc6-dev-sparc64-cross
    # m68k runs nothing here, but tests/nr_headers.rs checks its numbers against its headers.
    libc6-dev-m68k-cross
    # libseccomp, which tests/libseccomp builds filters with, natively on x86_64 and on i686;
    # Debian has no cross package of it, so i686's is multiarch (ci/test.sh adds the i386
    # architecture for it).
    libseccomp-dev libseccomp-dev:i386
    # qemu-system and cpio: ci/kernel.sh boots each KERNEL_TABLE kernel with the suite in an
    # initramfs (s390x's qemu-system is in qemu-system-misc).
    qemu-system-arm qemu-system-x86 qemu-system-ppc qemu-system-misc qemu-system-mips cpio
    # patch: ci/consumers.sh applies its patches to real crates (an optional package in Debian:
    # a minimal machine has none).
    patch
)

# The real kernels ci/kernel.sh boots under qemu-system (TCG: this machine has no KVM), with
# the suite, the freestanding program and its mutants in an initramfs: Debian 12's own, for the
# architectures it ships a kernel for that qemu-system emulates. One line per target:
#   target      the Rust target whose suite runs there (built static)
#   arch        the Debian architecture of the kernel package
#   flavour     the package's flavour: linux-image-$KERNEL_ABI-FLAVOUR:ARCH
#   qemu        the qemu-system binary
#   console     the kernel's console device
#   machine...  qemu-system's machine options
# The version is pinned, so that a run boots the kernel the last one did: 6.1.0-50 (6.1.176-1)
# is the one of Debian 12's point release on the mirror (bookworm main; bookworm-security has it
# too), the one the trials of issue 24 booted. A newer one is taken by changing it here.
KERNEL_ABI=6.1.0-50
KERNEL_VERSION=6.1.176-1
KERNEL_TABLE=$(cat <<'TABLE'
aarch64-unknown-linux-gnu        arm64    arm64        qemu-system-aarch64  ttyAMA0   -M virt -cpu max,pauth-impdef=on -m 1024
armv7-unknown-linux-gnueabihf    armhf    armmp        qemu-system-arm      ttyAMA0   -M virt -cpu cortex-a15 -m 1024
i686-unknown-linux-gnu           i386     686          qemu-system-i386     ttyS0     -cpu max -m 1024
powerpc64le-unknown-linux-gnu    ppc64el  powerpc64le  qemu-system-ppc64    hvc0      -M pseries -cpu power9 -m 1024
s390x-unknown-linux-gnu          s390x    s390x        qemu-system-s390x    ttysclp0  -M s390-ccw-virtio -cpu max -m 1024
mips64el-unknown-linux-gnuabi64  mips64el 5kc-malta    qemu-system-mips64el ttyS0     -M malta -cpu MIPS64R2-generic -m 256
mipsel-unknown-linux-gnu         mipsel   4kc-malta    qemu-system-mipsel   ttyS0     -M malta -m 256
TABLE
)

# kernel_column TARGET NAME: one column of TARGET's line in KERNEL_TABLE (arch, flavour, qemu,
# console, machine), or nothing when no kernel runs it.
kernel_column() {
    awk -v target="$1" -v name="$2" '$1 == target {
        if (name == "arch") print $2; else if (name == "flavour") print $3
        else if (name == "qemu") print $4; else if (name == "console") print $5
        else { $1 = $2 = $3 = $4 = $5 = ""; sub(/^ +/, ""); print } }' <<<"$KERNEL_TABLE"
}

# kernel_targets: the targets of KERNEL_TABLE that MUNMAP_TARGETS selects.
kernel_targets() {
    local target
    for target in $(awk '{ print $1 }' <<<"$KERNEL_TABLE"); do
        if selected "$target"; then echo "$target"; fi
    done
}

# The targets whose benchmarks ci/bench.sh runs (natively), and on which ci/test.sh builds them
# with clippy; the other suite targets' clippy leaves them out, and with them criterion's C.
BENCH_TARGETS=(x86_64-unknown-linux-gnu i686-unknown-linux-gnu)

# cargo_env_name TARGET: the target's part of Cargo's CARGO_TARGET_<TRIPLE>_* variables.
cargo_env_name() {
    echo "$1" | tr 'a-z-' 'A-Z_'
}

# export_linkers: each suite target's C cross compiler links its test binaries.
export_linkers() {
    local target
    for target in $(MUNMAP_TARGETS='' targets); do
        gnu_triple "$target" >/dev/null &&
            export "CARGO_TARGET_$(cargo_env_name "$target")_LINKER=$(gnu_triple "$target")-gcc"
    done
}

# cargo_for TARGET [core]: the cargo command (words, for `read -a`) that builds TARGET: stable
# where rustup has its standard library, else the pinned nightly building the standard library
# (or with `core`, for a no_std build, only core) from source.
cargo_for() {
    case $(target_column "$1" std)-${2:-std} in
    rustup-*) echo cargo ;;
    source-std) echo "cargo +$NIGHTLY -Zbuild-std" ;;
    *) echo "cargo +$NIGHTLY -Zbuild-std=core" ;;
    esac
}

# build_env TARGET: the environment a cargo build for TARGET needs (VAR=VALUE words, maybe
# none). The pinned nightly's rustc crashes (SIGILL in LLVM, rust-lang/rust#162441) on the MIPS
# release 6 targets: building compiler_builtins at opt-level 2, 3 and s (the release profile
# of the freestanding program), and core for mipsisa32r6 at opt-level 0 (the dev profile of the
# survey); opt-level 1 builds.
build_env() {
    case $1 in
    mipsisa32r6*) echo CARGO_PROFILE_DEV_OPT_LEVEL=1 CARGO_PROFILE_RELEASE_OPT_LEVEL=1 ;;
    mipsisa*) echo CARGO_PROFILE_RELEASE_OPT_LEVEL=1 ;;
    esac
}

# freestanding_build TARGET [CRATE]: builds the freestanding program for TARGET against the
# munmap crate at CRATE (this clone, or a copy of it with its tests/freestanding), in the cache,
# and prints the path of the binary (the next build for TARGET replaces it).
freestanding_build() {
    local target=$1 crate=${2:-$CI_ROOT} cargo environment
    read -r -a cargo < <(cargo_for "$target" core)
    read -r -a environment < <(build_env "$target")
    (cd "$crate/tests/freestanding" && env CARGO_TARGET_DIR="$(ci_target_dir freestanding)" \
        "${environment[@]}" "${cargo[@]}" build -q --release --target "$target" \
        --message-format=json-render-diagnostics) |
        sed -n 's/.*"executable":"\([^"]*\)".*/\1/p' | grep .
}

# `ci/targets.sh table`: the table of targets in ci/README.md.
if [ "${BASH_SOURCE[0]}" = "$0" ] && [ "${1:-}" = table ]; then
    echo '| target | test suite | freestanding, traced | real kernel (ci/kernel.sh) | std | what keeps it from more |'
    echo '|--------|------------|----------------------|----------------------------|-----|-------------------------|'
    while read -r target std suite freestanding why; do
        [ -n "$target" ] || continue
        kernel=-
        [ -z "$(kernel_column "$target" arch)" ] ||
            kernel="Debian's $KERNEL_ABI-$(kernel_column "$target" flavour), $(kernel_column "$target" qemu)"
        printf '| `%s` | %s | %s | %s | %s | %s |\n' "$target" "${suite//+/, }" \
            "${freestanding//+/, }" "$kernel" "$std" "${why:--}"
    done <<<"$TARGET_TABLE"
fi
