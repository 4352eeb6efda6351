#!/usr/bin/env bash
# ci/kernel.sh prepare|boot|judge TARGET...: the suite on the real Linux kernel of each
# KERNEL_TABLE target (ci/targets.sh), booted under qemu-system, not only on qemu-user's
# re-implementation of the system calls.
#
#   prepare  gets the kernel (Debian's package, pinned, by name: a private apt state in the cache
#            fetches the index of its architecture and the package, which apt verifies; only the
#            image is kept, in the cache), builds the suite static (+crt-static, as a release),
#            the freestanding program, and the init (ci/kernel), and makes the initramfs: /init,
#            the test binaries in /tests (but nr_headers, which reads the host's uapi headers),
#            and in /programs the freestanding program and the mutants of it that ci/mutants.sh
#            left for this target.
#   boot     boots each, two at a time (each is one host thread under TCG), with a time limit,
#            its console into target/kernel/TARGET.console.
#   judge    reads one target's console: the boot must reach the init's end ("<<<< done"), with
#            no kernel panic or BUG; the test binaries are judged as ci/suite.sh judges them (each
#            needs its closing result line and all the tests --list gives); the freestanding
#            program must exit with 0; each mutant as ci/mutants.sh expects (its verdicts file).
#            Prints "PASSED"/"FAILED" lines and the binaries' result lines, for ci/test.sh.
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=ci/install.sh
. "$root/ci/install.sh"
work=$CI_CACHE/kernel
logs=$root/target/kernel
# The whole boot, to the init's end, at most (the longest seen: the LIMIT of one run).
BOOT_LIMIT=${MUNMAP_KERNEL_LIMIT:-1500}

# kernel_image TARGET: the path of TARGET's kernel image in the cache, fetched if it is not there.
kernel_image() {
    local target=$1 arch flavour package dir apt tmp image
    arch=$(kernel_column "$target" arch)
    flavour=$(kernel_column "$target" flavour)
    package=linux-image-$KERNEL_ABI-$flavour
    dir=$work/images/${package}_${KERNEL_VERSION}_$arch
    if [ ! -s "$dir/kernel" ]; then
        apt=$work/apt-$arch
        tmp=$work/download-$arch
        rm -rf "$tmp" && mkdir -p "$apt/lists/partial" "$apt/cache/archives/partial" "$tmp" "$dir" ||
            return 1
        local options=(-q -o "Dir::State::Lists=$apt/lists" -o "Dir::Cache=$apt/cache"
            -o Acquire::Retries=3 -o "APT::Architecture=$arch" -o "APT::Architectures::=$arch"
            -o APT::Sandbox::User=root -o Acquire::IndexTargets::deb::DEP-11::DefaultEnabled=false)
        echo "kernel: fetching $package:$arch=$KERNEL_VERSION" >&2
        retry 3 "apt-get update for $arch" apt-get "${options[@]}" update >&2 ||
            echo "kernel: apt-get update for $arch still fails; trying the lists apt has" >&2
        (cd "$tmp" && retry 3 "apt-get download $package:$arch" apt-get "${options[@]}" download \
            "$package:$arch=$KERNEL_VERSION") >&2 || {
            echo "kernel: $package:$arch=$KERNEL_VERSION could not be fetched (apt's message" \
                "above); the mirror may no longer have it: pick another in ci/targets.sh" >&2
            return 1
        }
        dpkg-deb --fsys-tarfile "$tmp"/*.deb | tar -x -C "$tmp" ./boot || return 1
        # The uncompressed ELF where the package has one (powerpc, mips), else the compressed one.
        image=$(ls "$tmp"/boot/vmlinux-* 2>/dev/null || ls "$tmp"/boot/vmlinuz-*)
        cp "$tmp"/boot/config-* "$dir/config" && cp "$image" "$dir/kernel" || return 1
        rm -rf "$tmp"
    fi
    echo "$dir/kernel"
}

# prepare TARGET: the kernel and the initramfs.
prepare() {
    local target=$1 staging binary cargo init
    # A failed prepare leaves nothing for boot to take for this run's.
    rm -f "$work/$target/initramfs.cpio"
    kernel_image "$target" >/dev/null || return 1
    staging=$work/$target/root
    rm -rf "$staging" && mkdir -p "$staging/tests" "$staging/programs" || return 1
    # The suite, static.
    local binaries
    binaries=$("$root/ci/suite.sh" build "$target" --static --release) || return 1
    for binary in $binaries; do
        name=$(basename "$binary" | sed -E 's/-[0-9a-f]{16}$//')
        [ "$name" = nr_headers ] || cp "$binary" "$staging/tests/$name" || return 1
    done
    binary=$(freestanding_build "$target") && cp "$binary" "$staging/programs/freestanding" ||
        return 1
    if [ -d "$CI_CACHE/mutants/kernel/$target" ]; then
        cp "$CI_CACHE/mutants/kernel/$target"/* "$staging/programs/" 2>/dev/null
    fi
    read -r -a cargo < <(cargo_for "$target")
    # shellcheck disable=SC2046 # build_env's VAR=VALUE words
    # In the suite's target directory: the same flags, so the standard library built from
    # source for the suite serves the init too.
    init=$(cd "$root/ci/kernel" && env $(build_env "$target") \
        CARGO_TARGET_DIR="$(ci_target_dir suite-static)" \
        RUSTFLAGS="-C target-feature=+crt-static" "${cargo[@]}" build -q --release \
        --target "$target" --message-format=json-render-diagnostics |
        sed -n 's/.*"executable":"\([^"]*\)".*/\1/p') && [ -n "$init" ] &&
        cp "$init" "$staging/init" || return 1
    (cd "$staging" && find . | cpio -o -H newc --quiet >"$work/$target/initramfs.cpio") || return 1
    echo "kernel $target: initramfs of $(find "$staging/tests" -type f | wc -l) test binaries," \
        "$(find "$staging/programs" -type f | wc -l) programs," \
        "$(($(stat -c %s "$work/$target/initramfs.cpio") / 1024 / 1024)) MiB"
}

# boot_one TARGET: boots the prepared initramfs; the console in $logs/TARGET.console, the
# seconds and qemu's status in $logs/TARGET.boot.
boot_one() {
    local target=$1 qemu console machine start status
    if [ ! -s "$work/$target/initramfs.cpio" ]; then
        echo "no initramfs: kernel.sh prepare failed" >"$logs/$target.console"
        echo "0 not-booted" >"$logs/$target.boot"
        return
    fi
    qemu=$(kernel_column "$target" qemu)
    console=$(kernel_column "$target" console)
    read -r -a machine < <(kernel_column "$target" machine)
    start=$SECONDS
    timeout -k 10 "$BOOT_LIMIT" "$qemu" "${machine[@]}" -nographic -no-reboot -monitor none \
        -kernel "$(kernel_image "$target")" -initrd "$work/$target/initramfs.cpio" \
        -append "console=$console panic=-1 quiet" </dev/null >"$logs/$target.console" 2>&1
    status=$?
    echo "$((SECONDS - start)) $status" >"$logs/$target.boot"
}

# boot TARGET...: boots them, two at a time.
boot() {
    local target running=0
    mkdir -p "$logs" || return 1
    for target in "$@"; do
        rm -f "$logs/$target.console" "$logs/$target.boot"
        if [ $running -ge 2 ]; then
            wait -n
            running=$((running - 1))
        fi
        boot_one "$target" &
        running=$((running + 1))
    done
    wait
    for target in "$@"; do
        read -r seconds status <"$logs/$target.boot"
        echo "kernel $target: $seconds s, qemu's status $status"
    done
}

# judge TARGET: the verdict on one boot's console.
judge() {
    local target=$1 log seconds status failed=0 kernel
    log=$logs/$target.console
    [ -f "$log" ] || { echo "FAILED kernel $target: no console log (not booted)" && return 1; }
    read -r seconds status <"$logs/$target.boot"
    kernel=$(sed -n 's/\r$//; s/^munmap-kernel-init: //p' "$log" | head -n 1)
    echo "kernel $target: $kernel"
    echo "kernel $target: qemu ran $seconds s and exited with $status"
    tr -d '\r' <"$log" >"$log.txt"
    # The kernel's complaints, but those the init's zero-page-bug (MIPS64) provokes on purpose:
    # the console before it, and from it on (empty where the init does not run it).
    local errors='Kernel panic|BUG:|Bad rss-counter|Oops|Call Trace' before bug
    before=$(sed '/^=>> zero-page-bug$/,$d' "$log.txt")
    bug=$(sed -n '/^=>> zero-page-bug$/,$p' "$log.txt")
    if grep -qE "$errors" <<<"$before"; then
        grep -nE -A3 "$errors" <<<"$before" | head -40
        echo "FAILED kernel $target: the kernel reported the errors above"
        failed=1
    fi
    if [ -n "$bug" ]; then
        if grep -q 'BUG: Bad page map' <<<"$bug"; then
            echo "PASSED kernel $target: the zero page bug, with glibc's mmap, mprotect and" \
                "munmap alone: $(grep -m1 -o 'BUG: Bad page map.*' <<<"$bug")"
        else
            echo "FAILED kernel $target: the zero page bug no longer shows: this kernel has" \
                "the fix, and tests/common's zero_page_loses_its_special_bit need not step" \
                "around it"
            failed=1
        fi
    fi
    if ! grep -q '^<<<< done$' "$log.txt"; then
        [ "$status" != 124 ] || echo "FAILED kernel $target: still running after $BOOT_LIMIT s"
        echo "FAILED kernel $target: the init never reached its end (the console's last lines:)"
        tail -n 15 "$log.txt" | sed 's/^/    /'
        failed=1
    fi
    # The suite's binaries, as ci/suite.sh judges them.
    awk '/^=>> /, /^<<= / { next } { print }' "$log.txt" >"$log.suite"
    "$root/ci/suite.sh" judge "$log.suite" || failed=1
    # The freestanding program.
    local program
    program=$(sed -n 's/^<<= freestanding \([^ ]*\) .*/\1/p' "$log.txt")
    if [ "$program" = 0 ]; then
        echo "PASSED kernel $target: the freestanding program exits with 0"
    else
        echo "FAILED kernel $target: the freestanding program's status is '${program:-none}'"
        failed=1
    fi
    # The mutants ci/mutants.sh left for this kernel (clobbers dropped, results ignored).
    if grep -q '^=>> mutant-' "$log.txt"; then
        "$root/ci/mutants.sh" --kernel-verdicts "$target" "$log.txt" || failed=1
    fi
    return $failed
}

case ${1:-} in
prepare | boot | judge)
    command=$1
    shift
    [ "$command" = boot ] && { boot "$@"; exit $?; }
    status=0
    for target in "$@"; do "$command" "$target" || status=1; done
    exit $status
    ;;
*) echo "usage: ci/kernel.sh prepare|boot|judge TARGET..." >&2 && exit 2 ;;
esac
