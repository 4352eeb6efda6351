#!/usr/bin/env bash
# ci/install.sh: installs what ci/test.sh needs and is missing, through what a network does to a
# download. ci/test.sh sources it and calls install; run alone, it installs (ci/install-check.sh
# runs it so, against stand-ins for apt-get, dpkg, rustup and cargo).
#   - apt: ci/targets.sh's APT_PACKAGES that dpkg does not have. `apt-get update` is tried up to
#     three times; when an index still fails (a mirror in the middle of a sync fails its size
#     check for an hour at a time), apt keeps the lists it has, and the install goes on with
#     them: it stops only if `apt-get install` itself fails, twice, after apt's own message,
#     naming the packages it could not install.
#   - rustup: the targets, components and toolchains ci/test.sh uses that rustup does not list
#     as installed, each command tried up to three times.
#   - cargo: the crates of every lockfile here and of the pinned nightly's standard library,
#     fetched up front (each try with cargo's own retries, CARGO_NET_RETRY), so that the steps
#     build from cargo's cache.
# Nothing that is there already is asked for again: a second run reaches no network.
# MUNMAP_CI_RETRY_PAUSE sets the pause between tries (20 s).
set -uo pipefail
INSTALL_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=ci/targets.sh
. "$INSTALL_ROOT/ci/targets.sh"

RETRY_PAUSE=${MUNMAP_CI_RETRY_PAUSE:-20}
export CARGO_NET_RETRY=${CARGO_NET_RETRY:-5}

install_die() {
    echo "ci/install.sh: $*" >&2
    exit 1
}

# retry TRIES WHAT COMMAND...: runs COMMAND until it succeeds, at most TRIES times, with a pause
# between tries; its output goes through as it is. Returns the last try's status.
retry() {
    local tries=$1 what=$2 try=1 status
    shift 2
    while :; do
        "$@"
        status=$?
        [ $status -ne 0 ] || return 0
        [ $try -lt "$tries" ] || return $status
        echo "ci/install.sh: $what failed (exit status $status, try $try of $tries);" \
            "trying again in $RETRY_PAUSE s" >&2
        sleep "$RETRY_PAUSE"
        try=$((try + 1))
    done
}

# missing_packages PACKAGE...: those dpkg does not have installed.
missing_packages() {
    local pkg
    for pkg in "$@"; do
        dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' ||
            echo "$pkg"
    done
}

# install_apt_packages PACKAGE...: installs those of them that are missing.
install_apt_packages() {
    local missing sudo=() arch
    mapfile -t missing < <(missing_packages "$@")
    [ ${#missing[@]} -gt 0 ] || return 0
    command -v apt-get >/dev/null ||
        install_die "missing ${missing[*]}; this script installs them with apt-get (Debian/Ubuntu)"
    if [ "$(id -u)" -ne 0 ]; then
        command -v sudo >/dev/null ||
            install_die "missing ${missing[*]}: run as root, or: apt-get install ${missing[*]}"
        sudo=(sudo)
    fi
    echo "== installing ${missing[*]}"
    # A package of another architecture (pkg:i386) needs it among dpkg's foreign ones.
    for arch in $(printf '%s\n' "${missing[@]}" | sed -n 's/.*:\(.*\)/\1/p' | sort -u); do
        dpkg --print-foreign-architectures | grep -qx "$arch" ||
            "${sudo[@]}" dpkg --add-architecture "$arch" ||
            install_die "dpkg --add-architecture $arch failed"
    done
    # apt-get update exits 100 when any index fails, and keeps the lists it had for that one.
    retry 3 "apt-get update" "${sudo[@]}" apt-get update -q -o Acquire::Retries=3 ||
        echo "ci/install.sh: apt-get update still reports the failures above after 3 tries;" \
            "going on with the package lists apt has, which an install needs no more of" >&2
    if ! retry 2 "apt-get install" "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive \
        apt-get install -y -q --no-install-recommends -o Acquire::Retries=3 "${missing[@]}"; then
        mapfile -t missing < <(missing_packages "${missing[@]}")
        install_die "apt-get install failed (apt's message above); not installed:" \
            "${missing[*]}. Try again later (a mirror in the middle of a sync fails for an" \
            "hour at a time), or install them yourself: apt-get install ${missing[*]}"
    fi
}

# install_rust_parts: the rustup targets, components and toolchains ci/test.sh uses.
install_rust_parts() {
    command -v rustup >/dev/null || install_die "rustup not found: install it from rustup.rs"
    local stable targets
    stable=$(rustup show active-toolchain | cut -d' ' -f1)
    mapfile -t targets < <(MUNMAP_TARGETS='' targets std=rustup)
    rust_parts "$stable" '' clippy rustfmt llvm-tools rust-src -- "${targets[@]}" &&
        rust_parts "$MSRV" minimal -- "${MSRV_TARGETS[@]}" &&
        rust_parts "$NIGHTLY" minimal rust-src miri clippy -- "${DOCS_RS_TARGETS[@]}"
}

# rust_parts TOOLCHAIN PROFILE COMPONENT... -- TARGET...: installs the toolchain (with PROFILE,
# if it is missing), the components and the targets that rustup does not list as installed.
rust_parts() {
    local toolchain=$1 profile=$2 components=() targets=() installed name
    shift 2
    while [ $# -gt 0 ] && [ "$1" != -- ]; do components+=("$1") && shift; done
    shift
    targets=("$@")
    if ! rustup toolchain list | cut -d' ' -f1 | grep -qE "^$toolchain(-|$)"; then
        echo "== rustup: toolchain $toolchain"
        retry 3 "rustup toolchain install $toolchain" rustup toolchain install "$toolchain" \
            --profile "$profile" || install_die "rustup could not install $toolchain (above)"
    fi
    # Installed components, by name without the host's triple; targets, by triple.
    installed=$(rustup component list --installed --toolchain "$toolchain")
    for name in "${components[@]}"; do
        grep -qE "^$name(-|$)" <<<"$installed" && continue
        echo "== rustup: $name for $toolchain"
        retry 3 "rustup component add $name" rustup component add --toolchain "$toolchain" \
            "$name" || install_die "rustup could not add $name to $toolchain (above)"
    done
    for name in "${targets[@]}"; do
        grep -qx "rust-std-$name" <<<"$installed" && continue
        echo "== rustup: target $name for $toolchain"
        retry 3 "rustup target add $name" rustup target add --toolchain "$toolchain" "$name" ||
            install_die "rustup could not add $name to $toolchain (above)"
    done
}

# fetch_crates: every lockfile's crates, and those of the pinned nightly's standard library
# (what -Zbuild-std builds), into cargo's cache.
fetch_crates() {
    local manifest
    for manifest in "$INSTALL_ROOT"/Cargo.toml "$INSTALL_ROOT"/tests/*/Cargo.toml \
        "$(rustc "+$NIGHTLY" --print sysroot)/lib/rustlib/src/rust/library/Cargo.toml"; do
        retry 3 "cargo fetch for $manifest" cargo "+$NIGHTLY" fetch -q --manifest-path "$manifest" ||
            install_die "cargo could not fetch the crates of $manifest (above)"
    done
}

# check_tools: what the steps run, present after the installs.
check_tools() {
    local tool target
    local tools=(strace "$I686_LOADER")
    for target in $(MUNMAP_TARGETS='' targets); do
        case $(target_column "$target" suite)$(target_column "$target" freestanding) in
        *qemu*) tools+=("$(qemu_for "$target")") ;;
        esac
        gnu_triple "$target" >/dev/null && tools+=("$(gnu_triple "$target")-gcc")
    done
    for tool in "${tools[@]}"; do
        command -v "$tool" >/dev/null ||
            install_die "$tool not found after installing ${APT_PACKAGES[*]}: install them with apt-get"
    done
}

install() {
    install_apt_packages "${APT_PACKAGES[@]}"
    install_rust_parts
    fetch_crates
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
    install
fi
