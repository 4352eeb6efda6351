#!/usr/bin/env bash
# ci/install-check.sh: ci/install.sh against stand-ins for apt-get, dpkg, dpkg-query, rustup,
# cargo and sudo, first on PATH, that install nothing and log each call; no real package,
# toolchain or crate is installed or removed. Three cases, each printing "PASSED <case>":
#   1. `apt-get update` exits 100 after apt's message for an index that failed its size check,
#      while `apt-get install` works: the install goes on, after 3 updates, and succeeds.
#   2. `apt-get install` fails for one package: the run stops, with apt's message and a stop
#      message that names that package and only it.
#   3. every rustup and cargo command fails once, then works: each is tried again, and the run
#      succeeds.
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
status=0

fail() {
    echo "FAILED install-check, $case: $*"
    sed 's/^/    /' "$work/output"
    status=1
}

# The stand-ins. Each logs its arguments to $work/calls; the case is $STANDIN_CASE.
mkdir -p "$work/bin"
cat >"$work/bin/apt-get" <<'EOF'
#!/usr/bin/env bash
echo "apt-get $*" >>"$STANDIN_DIR/calls"
case $STANDIN_CASE-$* in
update-fails-*update*)
    echo "Get:1 http://deb.debian.org/debian-security bookworm-security/main i386 Packages [372 kB]"
    echo "Err:1 http://deb.debian.org/debian-security bookworm-security/main i386 Packages"
    echo "  File has unexpected size (371952 != 372316). Mirror sync in progress? [IP: 151.101.2.132 80]"
    echo "E: Failed to fetch http://deb.debian.org/debian-security/dists/bookworm-security/main/binary-i386/Packages.xz  File has unexpected size (371952 != 372316). Mirror sync in progress? [IP: 151.101.2.132 80]" >&2
    echo "E: Some index files failed to download. They have been ignored, or old ones used instead." >&2
    exit 100 ;;
*install*)
    # The packages: the words after "install" but options and -o's values.
    shift
    while [ $# -gt 0 ]; do
        case $1 in
        -o) shift ;;
        -*) ;;
        libseccomp-dev:i386) [ "$STANDIN_CASE" = install-fails ] ||
            echo "$1" >>"$STANDIN_DIR/installed" ;;
        *) echo "$1" >>"$STANDIN_DIR/installed" ;;
        esac
        shift
    done
    if [ "$STANDIN_CASE" = install-fails ]; then
        echo "E: Unable to locate package libseccomp-dev:i386" >&2
        exit 100
    fi ;;
esac
exit 0
EOF
cat >"$work/bin/dpkg-query" <<'EOF'
#!/usr/bin/env bash
# dpkg-query -W -f='${Status}' PKG: installed only if a stand-in install installed it.
grep -qxF -- "${!#}" "$STANDIN_DIR/installed" 2>/dev/null && printf 'install ok installed'
exit 0
EOF
cat >"$work/bin/dpkg" <<'EOF'
#!/usr/bin/env bash
echo "dpkg $*" >>"$STANDIN_DIR/calls"
exit 0
EOF
# rustup and cargo: nothing installed; in the case "flaky", each changing command fails the first
# time it is given, as a download that broke off does.
cat >"$work/bin/rustup" <<'EOF'
#!/usr/bin/env bash
echo "rustup $*" >>"$STANDIN_DIR/calls"
case $* in
show*) echo "stable-x86_64-unknown-linux-gnu (default)" ;;
"toolchain list" | component\ list*) ;;
*)
    if [ "$STANDIN_CASE" = flaky ] && ! grep -qxF -- "$*" "$STANDIN_DIR/tried" 2>/dev/null; then
        echo "$*" >>"$STANDIN_DIR/tried"
        echo "error: component download failed for rust-std-x86_64-unknown-linux-gnu: could not download file from 'https://static.rust-lang.org/dist/rust-std.tar.xz': connection reset by peer" >&2
        exit 1
    fi ;;
esac
exit 0
EOF
cat >"$work/bin/cargo" <<'EOF'
#!/usr/bin/env bash
echo "cargo $*" >>"$STANDIN_DIR/calls"
if [ "$STANDIN_CASE" = flaky ] && ! grep -qxF -- "cargo $*" "$STANDIN_DIR/tried" 2>/dev/null; then
    echo "cargo $*" >>"$STANDIN_DIR/tried"
    echo "error: failed to download from \`https://static.crates.io/crates/libc/libc-0.2.191.crate\`" >&2
    exit 101
fi
exit 0
EOF
cat >"$work/bin/sudo" <<'EOF'
#!/usr/bin/env bash
exec "$@"
EOF
chmod +x "$work/bin"/*

# run CASE: ci/install.sh with the stand-ins; its output in $work/output, its status in $code.
run() {
    case=$1
    rm -f "$work/calls" "$work/installed" "$work/tried"
    STANDIN_CASE=$1 STANDIN_DIR=$work MUNMAP_CI_RETRY_PAUSE=0 PATH="$work/bin:$PATH" \
        bash "$root/ci/install.sh" >"$work/output" 2>&1
    code=$?
}

# calls PATTERN: how many stand-in calls match PATTERN.
calls() {
    grep -cE "$1" "$work/calls"
}

# shellcheck source=ci/targets.sh
. "$root/ci/targets.sh"
packages=${#APT_PACKAGES[@]}

run update-fails
if [ $code -ne 0 ]; then
    fail "ci/install.sh stopped (exit status $code); it should have gone on to the install"
elif ! grep -q 'File has unexpected size' "$work/output"; then
    fail "apt's message is not in the output"
elif [ "$(calls '^apt-get update')" -ne 3 ]; then
    fail "apt-get update ran $(calls '^apt-get update') times, not 3"
elif ! grep -q 'going on with the package lists apt has' "$work/output"; then
    fail "no word of going on with the lists apt has"
elif [ "$(wc -l <"$work/installed")" -ne "$packages" ]; then
    fail "$(wc -l <"$work/installed") of the $packages packages installed"
else
    echo "PASSED install-check, $case: 3 tries of apt-get update, then the install of all" \
        "$packages packages with the lists apt had"
    grep -E '^(E: |ci/install.sh)' "$work/output" | sed 's/^/    /'
fi

run install-fails
stop=$(grep '^ci/install.sh: apt-get install failed' "$work/output")
if [ $code -eq 0 ]; then
    fail "ci/install.sh succeeded although apt-get install failed"
elif ! grep -q '^E: Unable to locate package libseccomp-dev:i386' "$work/output"; then
    fail "apt's message is not in the output"
elif ! grep -q 'not installed: libseccomp-dev:i386\. ' <<<"$stop"; then
    fail "the stop message does not name exactly the package not installed: $stop"
elif [ "$(calls '^rustup|^cargo')" -ne 0 ]; then
    fail "rustup or cargo ran after the failed install"
else
    echo "PASSED install-check, $case: stopped (exit status $code) after $(calls '^apt-get install')" \
        "tries of the install, naming the package"
    echo "$stop" | sed 's/^/    /'
fi

run flaky
changing=$(grep -vcE '^(apt-get|dpkg|rustup (show|toolchain list|component list))' "$work/calls")
if [ $code -ne 0 ]; then
    fail "ci/install.sh stopped (exit status $code) although every command works the second time"
elif [ "$changing" -eq 0 ] || [ "$changing" -ne $((2 * $(sort -u "$work/tried" | wc -l))) ]; then
    fail "$changing rustup and cargo commands for $(sort -u "$work/tried" | wc -l) that failed once"
elif ! grep -q 'connection reset by peer' "$work/output"; then
    fail "rustup's message is not in the output"
else
    echo "PASSED install-check, $case: each of $((changing / 2)) rustup and cargo commands failed" \
        "once and worked when tried again"
fi
exit $status
