#!/usr/bin/env bash
# ci/consumers.sh [CRATE...]: real crates' own test suites on this crate. Each crate of CRATES,
# at its pinned version, fetched by cargo from crates.io, runs its own `cargo test` twice, on
# x86_64 and on i686 (natively), with the lockfile kept here (ci/consumers/CRATE/*.lock, so that
# its dependencies do not drift):
#   orig  the crate as published, with ci/consumers/CRATE/common.patch (what its package lacks
#         to run its tests: memmap2's tests/map.rs included, dlmalloc's fuzz driver, which is
#         ours, in ci/consumers/dlmalloc/fuzz);
#   ours  the same with ci/consumers/CRATE/ours.patch, written by us, which switches its munmap
#         call sites to munmap::munmap (under a `cfg` on Linux and Android), and this crate as a
#         Linux/Android target-specific dependency, as the README tells users to add it.
# It fails when a patch no longer applies, when a test's outcome (passed, failed, ignored) differs
# between orig and ours, or when ours still reaches libc's munmap (its library's object code
# still names the symbol `munmap`, as orig's does). Prints the table for the README:
# crate, call sites, and passed-failed-ignored per target (the same for orig and ours).
# MUNMAP_CONSUMERS_LOCK=update writes the lockfiles anew (after a version changes).
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=ci/install.sh
. "$root/ci/install.sh"
here=$root/ci/consumers
# Run alone too, not only from ci/test.sh: each target's C cross compiler links its binaries.
export_linkers
work=$CI_CACHE/consumers
TARGETS=(x86_64-unknown-linux-gnu i686-unknown-linux-gnu)

# crate version features (- for the default ones) call-sites
CRATES=$(
    cat <<'LIST'
memmap2 0.9.12 - MmapInner's drop
dlmalloc 0.2.14 - the unix System's free and free_part
dlmalloc 0.2.14 global the unix System's free and free_part
region 4.0.1 - os::unix::free
stacker 0.1.25 - StackRestoreGuard's drop
LIST
)

failures=0
fail() {
    echo "FAILED consumers: $*"
    failures=$((failures + 1))
}

# source_of CRATE VERSION: the crate's published sources, as cargo fetched them.
source_of() {
    local fetch=$work/fetch
    mkdir -p "$fetch/src" && : >"$fetch/src/lib.rs"
    printf '[package]\nname = "fetch"\nversion = "0.0.0"\nedition = "2021"\n[dependencies]\n%s = "=%s"\n[workspace]\n' \
        "$1" "$2" >"$fetch/Cargo.toml"
    retry 3 "cargo fetch of $1 $2" cargo fetch -q --manifest-path "$fetch/Cargo.toml" >&2 ||
        return 1
    ls -d "${CARGO_HOME:-$HOME/.cargo}"/registry/src/*/"$1-$2" | head -n 1
}

# variant CRATE VERSION orig|ours: the copy to test, made anew where it changed; prints its path.
variant() {
    local crate=$1 version=$2 kind=$3 source dir tmp
    source=$(source_of "$crate" "$version") || return 1
    dir=$work/$crate/$kind
    tmp=$work/tmp/$crate-$kind
    rm -rf "$tmp" && mkdir -p "$tmp" && cp -r "$source/." "$tmp/" || return 1
    rm -f "$tmp/Cargo.lock"
    if [ -f "$here/$crate/common.patch" ]; then
        patch -s -p0 -d "$tmp" <"$here/$crate/common.patch" >&2 ||
            { echo "common.patch no longer applies to $crate $version" >&2 && return 1; }
    fi
    [ ! -d "$here/$crate/fuzz" ] || cp -r "$here/$crate/fuzz" "$tmp/"
    if [ "$kind" = ours ]; then
        patch -s -p0 -d "$tmp" <"$here/$crate/ours.patch" >&2 ||
            { echo "ours.patch no longer applies to $crate $version" >&2 && return 1; }
        printf '\n[target.%s.dependencies]\nmunmap = { path = "%s" }\n' \
            "'cfg(any(target_os = \"linux\", target_os = \"android\"))'" "$root" >>"$tmp/Cargo.toml"
    fi
    if [ "${MUNMAP_CONSUMERS_LOCK:-}" = update ]; then
        (cd "$tmp" && cargo generate-lockfile -q) && cp "$tmp/Cargo.lock" "$here/$crate/$kind.lock"
    fi
    cp "$here/$crate/$kind.lock" "$tmp/Cargo.lock" 2>/dev/null ||
        { echo "no ci/consumers/$crate/$kind.lock: MUNMAP_CONSUMERS_LOCK=update makes it" >&2 &&
            return 1; }
    copy_tree "$tmp" "$dir" || return 1
    echo "$dir"
}

# outcomes LOG: "binary::test outcome" for every test cargo test ran, sorted.
outcomes() {
    awk '/^ *Running / { binary = $2 } /^ *Doc-tests / { binary = "doc:" $2 }
        /^test .* \.\.\. / {
            name = $0; sub(/^test /, "", name); sub(/ \.\.\. .*/, "", name)
            outcome = $0; sub(/.* \.\.\. /, "", outcome); sub(/[ ,].*/, "", outcome)
            print binary "::" name, outcome }' "$1" | sort
}

# counts FILE: "passed-failed-ignored" of an outcomes file.
counts() {
    awk '$NF == "ok" { p++ } $NF == "FAILED" { f++ } $NF == "ignored" { i++ }
        END { printf "%d-%d-%d", p, f, i }' "$1"
}

rows=()
declare -A dirs=()
while read -r crate version features sites; do
    [ $# -eq 0 ] || [[ " $* " == *" $crate "* ]] || continue
    for kind in orig ours; do
        [ -n "${dirs[$crate/$kind]:-}" ] && continue
        dirs[$crate/$kind]=$(variant "$crate" "$version" "$kind") ||
            { fail "$crate $version $kind" && continue 2; }
    done
    feature_args=() label=$crate
    if [ "$features" != - ]; then
        feature_args=(--features "$features") label="$crate ($features)"
    fi
    row="| $label $version | $sites |"
    for target in "${TARGETS[@]}"; do
        runner=()
        [ "$target" != i686-unknown-linux-gnu ] || runner=(
            "CARGO_TARGET_I686_UNKNOWN_LINUX_GNU_RUNNER=$I686_LOADER --library-path ${I686_LOADER%/*}"
            "CC_i686_unknown_linux_gnu=i686-linux-gnu-gcc")
        for kind in orig ours; do
            log=$work/$crate/$kind-$target${features#-}.log
            # Each kind in a target directory of its own: the two copies share a name and their
            # path within their workspace, which is what cargo names a path crate's builds by.
            # One test at a time: two of region's doctests assert that their stack is
            # read-write, which on i686 (run through the loader) it is on some threads and not
            # others; in parallel, which of the two fails changed from run to run, one at a time
            # both fail, as published and switched alike.
            (cd "${dirs[$crate/$kind]}" && env "${runner[@]}" \
                CARGO_TARGET_DIR="$(ci_target_dir "consumers-$kind")" \
                cargo test --locked --no-fail-fast --target "$target" "${feature_args[@]}" \
                -- --test-threads=1 2>&1) >"$log"
            outcomes "$log" >"$log.outcomes"
            echo "consumers: $label $version, $kind, $target: $(counts "$log.outcomes")" \
                "(passed-failed-ignored)"
        done
        orig=$work/$crate/orig-$target${features#-}.log.outcomes
        ours=$work/$crate/ours-$target${features#-}.log.outcomes
        [ -s "$orig" ] || fail "$crate on $target: orig ran no test (see ${orig%.outcomes})"
        diff -u "$orig" "$ours" >"$ours.diff" ||
            fail "$label on $target: orig and ours differ (- orig, + ours):
$(head -n 20 "$ours.diff")"
        # The switch happened: ours's library no longer names libc's munmap.
        for kind in orig ours; do
            rlib=$(ls -t "$(ci_target_dir "consumers-$kind")/$target"/debug/deps/lib"${crate//-/_}"-*.rlib |
                head -n 1)
            # (nm fails on the rlib's metadata member, which has no symbols.)
            if { nm -u "$rlib" 2>/dev/null || true; } | grep -qw munmap; then named=1; else named=0; fi
            case $kind-$named in
            orig-0) fail "$crate on $target: orig's library does not name munmap: the check is blind" ;;
            ours-1) fail "$crate on $target: ours's library still calls libc's munmap" ;;
            esac
        done
        row+=" $(counts "$orig") |"
    done
    rows+=("$row")
done <<<"$CRATES"

# origin's thread exit under a storm of signals (ci/consumers/origin/storm), on x86_64: origin
# 0.26.2 as published (it blocks every signal, then unmaps and exits with its own asm), ours
# (ours.patch: munmap::munmap_and_exit, which blocks them itself, instead of both), and the
# negative control (control.patch: origin's blocking removed, its own asm kept), which must die
# by SIGSEGV. rustix is pinned to 1.1.4: 1.1.6 makes rustix::runtime, which origin uses, private.
ORIGIN_VERSION=0.26.2 STORM_THREADS=${MUNMAP_STORM_THREADS:-20000}
storm() {
    local kind=$1 source tmp dir storm output status
    source=$(source_of origin "$ORIGIN_VERSION") || return 1
    dir=$work/origin/$kind storm=$work/origin/storm-$kind tmp=$work/tmp/origin-$kind
    rm -rf "$tmp" && mkdir -p "$tmp/origin" "$tmp/storm" && cp -r "$source/." "$tmp/origin/" &&
        cp -r "$here/origin/storm/." "$tmp/storm/" || return 1
    rm -f "$tmp/origin/Cargo.lock"
    if [ "$kind" != orig ]; then
        patch -s -p0 -d "$tmp/origin" <"$here/origin/$kind.patch" ||
            { echo "FAILED consumers: origin's $kind.patch no longer applies" && return 1; }
    fi
    [ "$kind" != ours ] || printf '\n[target.%s.dependencies]\nmunmap = { path = "%s" }\n' \
        "'cfg(any(target_os = \"linux\", target_os = \"android\"))'" "$root" >>"$tmp/origin/Cargo.toml"
    printf '\n[patch.crates-io]\norigin = { path = "%s" }\n' "$dir" >>"$tmp/storm/Cargo.toml"
    if [ "${MUNMAP_CONSUMERS_LOCK:-}" = update ]; then
        (cd "$tmp/storm" && sed -i "s|$dir|$tmp/origin|" Cargo.toml && cargo generate-lockfile -q &&
            sed -i "s|$tmp/origin|$dir|" Cargo.toml) && cp "$tmp/storm/Cargo.lock" "$here/origin/storm-$kind.lock"
    fi
    cp "$here/origin/storm-$kind.lock" "$tmp/storm/Cargo.lock" || return 1
    copy_tree "$tmp/origin" "$dir" && copy_tree "$tmp/storm" "$storm" || return 1
    (cd "$storm" && CARGO_TARGET_DIR="$(ci_target_dir "consumers-origin-$kind")" \
        cargo build -q --locked --release --target x86_64-unknown-linux-gnu) || return 1
    output=$(timeout -k 5 300 "$(ci_target_dir "consumers-origin-$kind")/x86_64-unknown-linux-gnu/release/origin-storm" \
        "$STORM_THREADS" 2>&1)
    status=$?
    echo "consumers: origin $ORIGIN_VERSION, $kind: ${output:-no output}, exit status $status"
    case $kind-$status in
    orig-0 | ours-0 | control-139) ;;
    control-*) echo "FAILED consumers: the negative control did not die by SIGSEGV (status $status)"
        return 1 ;;
    *) echo "FAILED consumers: origin $kind: exit status $status" && return 1 ;;
    esac
}
if [ $# -eq 0 ] || [[ " $* " == *" origin "* ]]; then
    for kind in orig ours control; do storm "$kind" || failures=$((failures + 1)); done
fi

table() {
    echo "| crate (crates.io) | call sites switched | x86_64 | i686 |"
    echo "|---|---|---|---|"
    printf '%s\n' "${rows[@]}"
}
echo
table
# The README's table is this run's.
if [ $# -eq 0 ]; then
    header=$(table | head -n 1)
    diff -u <(table) <(awk -v header="$header" '$0 == header { on = 1 } on && !/^\|/ { exit } on' \
        "$root/README.md") || fail "README.md's table of real crates is not this run's (above:" \
        "- this run, + README.md)"
fi
[ $failures -eq 0 ] || exit 1
echo "PASSED consumers: ${#rows[@]} suites of real crates, their own tests the same with this crate as with" \
    "libc's munmap, on ${#TARGETS[@]} targets"
