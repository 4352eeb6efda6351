# The targets the ci/ scripts build and test, and how: sourced by ci/test.sh, ci/codegen.sh and
# ci/freestanding.sh, so that each fact lives in one place.

# Targets with a prebuilt standard library from rustup: the whole test suite runs on them.
STD_TARGETS=(
    x86_64-unknown-linux-gnu
    i686-unknown-linux-gnu
    aarch64-unknown-linux-gnu
    armv7-unknown-linux-gnueabihf
    riscv64gc-unknown-linux-gnu
    powerpc64le-unknown-linux-gnu
    s390x-unknown-linux-gnu
)
# Targets without one here (loongarch64's is not on this machine's rustup mirror; riscv32 and
# big-endian powerpc64 have no Linux C toolchain here): `core` is built from source with a
# pinned nightly. They are compile-checked and codegen-checked; the freestanding program also
# runs on loongarch64 and riscv32 under qemu-user.
CORE_TARGETS=(
    loongarch64-unknown-linux-gnu
    riscv32gc-unknown-linux-gnu
    powerpc64-unknown-linux-gnu
)
NIGHTLY=nightly-2026-10-30

# The Debian packages: qemu-user, strace, and each foreign target's C cross compiler and C
# library (the linker for the tests). Never gcc-multilib: it removes the cross compilers.
APT_PACKAGES=(
    qemu-user strace linux-libc-dev
    gcc-i686-linux-gnu libc6-dev-i386-cross
    gcc-aarch64-linux-gnu libc6-dev-arm64-cross
    gcc-arm-linux-gnueabihf libc6-dev-armhf-cross
    gcc-riscv64-linux-gnu libc6-dev-riscv64-cross
    gcc-powerpc64le-linux-gnu libc6-dev-ppc64el-cross
    gcc-s390x-linux-gnu libc6-dev-s390x-cross
)

# gnu_triple TARGET: the Debian toolchain prefix (its gcc, and its sysroot under /usr).
gnu_triple() {
    case $1 in
    i686-*) echo i686-linux-gnu ;;
    aarch64-*) echo aarch64-linux-gnu ;;
    armv7-*) echo arm-linux-gnueabihf ;;
    riscv64gc-*) echo riscv64-linux-gnu ;;
    powerpc64le-*) echo powerpc64le-linux-gnu ;;
    s390x-*) echo s390x-linux-gnu ;;
    *) return 1 ;;
    esac
}

# qemu_for TARGET: the qemu-user binary that runs it.
qemu_for() {
    case $1 in
    x86_64-*) echo qemu-x86_64 ;;
    i686-*) echo qemu-i386 ;;
    aarch64-*) echo qemu-aarch64 ;;
    armv7-*) echo qemu-arm ;;
    riscv64gc-*) echo qemu-riscv64 ;;
    riscv32gc-*) echo qemu-riscv32 ;;
    loongarch64-*) echo qemu-loongarch64 ;;
    powerpc64le-*) echo qemu-ppc64le ;;
    powerpc64-*) echo qemu-ppc64 ;;
    s390x-*) echo qemu-s390x ;;
    *) return 1 ;;
    esac
}

# cargo_env_name TARGET: the target's part of Cargo's CARGO_TARGET_<TRIPLE>_* variables.
cargo_env_name() {
    echo "$1" | tr 'a-z-' 'A-Z_'
}

# export_linkers: the C cross compiler of every foreign std target links its test binaries.
export_linkers() {
    local target
    for target in "${STD_TARGETS[@]}"; do
        [ "$target" = x86_64-unknown-linux-gnu ] && continue
        export "CARGO_TARGET_$(cargo_env_name "$target")_LINKER=$(gnu_triple "$target")-gcc"
    done
}

# is_core_target TARGET: built with $NIGHTLY and -Zbuild-std=core.
is_core_target() {
    local target
    for target in "${CORE_TARGETS[@]}"; do
        [ "$target" = "$1" ] && return 0
    done
    return 1
}
