#!/usr/bin/env bash
# ci/docs-check.sh: the lists that must agree do.
#   1. The table of targets in ci/README.md is `ci/targets.sh table`, line for line, and
#      Cross.toml names the targets the suite runs on.
#   2. The architectures of those targets (rustc's target_arch) are the rows of the README's
#      architecture table and of the crate documentation's (src/lib.rs), and each is named by
#      the compile_error! message that refuses the others.
#   3. build.rs's table of architectures holds exactly those of the targets, the README's
#      "Rust" column gives each the release build.rs knows (or nightly), and the ones it knows
#      no stable release with `asm!` for (where it may turn on asm_experimental_arch) are those
#      of the targets the table marks "nightly only".
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=ci/targets.sh
. "$root/ci/targets.sh"
cd "$root" || exit 1
status=0

fail() {
    echo "ci/docs-check.sh: $*" >&2
    status=1
}

# 1. The targets table: from its header line to the first line that is not part of it.
header=$(MUNMAP_TARGETS='' bash ci/targets.sh table | head -n 1)
diff -u <(MUNMAP_TARGETS='' bash ci/targets.sh table) \
    <(awk -v header="$header" '$0 == header { on = 1 } on && !/^\|/ { exit } on' ci/README.md) ||
    fail "ci/README.md's table of targets is not ci/targets.sh's (above: - ci/targets.sh, +" \
        "ci/README.md)"

# Cross.toml: the targets where the suite runs, no more, no fewer.
diff -u <(MUNMAP_TARGETS='' targets suite='[nq]*') \
    <(sed -n 's/^\[target\.\(.*\)\]$/\1/p' Cross.toml) ||
    fail "Cross.toml's targets are not those ci/targets.sh runs the suite on"

# 2. The architectures.
expected=$(for target in $(MUNMAP_TARGETS='' targets); do target_cfg "$target" target_arch; done |
    sort -u)
readme=$(sed -n 's/^| `\([a-z0-9_]*\)` *|.*/\1/p' README.md | sort -u)
crate_docs=$(sed -n 's/^\/\/! | `\([a-z0-9_]*\)` *|.*/\1/p' src/lib.rs | sort -u)
[ "$readme" = "$expected" ] ||
    fail "README.md's architecture table has $(echo $readme), ci/targets.sh $(echo $expected)"
[ "$crate_docs" = "$expected" ] ||
    fail "src/lib.rs's architecture table has $(echo $crate_docs), ci/targets.sh $(echo $expected)"
message=$(awk '/compile_error!\($/ { on = 1 } on { print } on && /\);/ { on = 0 }' src/lib.rs)
for arch in $expected; do
    grep -qw "$arch" <<<"$message" || fail "the compile_error! message does not name $arch"
done

# 3. build.rs: `("arch", Some(minor))` or `("arch", None)`, one line each.
since=$(sed -n 's/^    ("\([a-z0-9_]*\)", \(Some([0-9]*)\|None\)),$/\1 \2/p' build.rs)
[ "$(cut -d' ' -f1 <<<"$since" | sort -u)" = "$expected" ] ||
    fail "build.rs's architectures are $(cut -d' ' -f1 <<<"$since" | sort -u | xargs)," \
        "ci/targets.sh's $(echo $expected)"
nightly=$(for target in $(MUNMAP_TARGETS='' targets); do
    case $(target_column "$target" why) in
    *"nightly only"*) target_cfg "$target" target_arch ;;
    esac
done | sort -u)
# The README's "Rust" column says the same: the MSRV, 1.N, or nightly.
msrv=$(sed -n 's/^rust-version = "\(.*\)"$/\1/p' Cargo.toml)
while read -r arch value; do
    case $value in
    None) want=nightly ;;
    *) minor=${value//[^0-9]/} && want=1.$((minor > ${msrv#1.} ? minor : ${msrv#1.})) ;;
    esac
    got=$(sed -n "s/^| \`$arch\` *|[^|]*|[^|]*| *\([^ |]*\) *|.*/\1/p" README.md)
    [ "$got" = "$want" ] || fail "README.md says Rust '$got' for $arch, build.rs $want"
done <<<"$since"
gated=$(sed -n 's/ None$//p' <<<"$since" | sort -u)
[ "$gated" = "$nightly" ] ||
    fail "build.rs knows no stable asm! for $(echo $gated)," \
        "ci/targets.sh's nightly-only targets are of $(echo $nightly)"

[ $status -ne 0 ] ||
    echo "docs: ci/README.md's $(MUNMAP_TARGETS='' targets | wc -l) targets and the" \
        "$(echo "$expected" | wc -l) architectures of README.md and src/lib.rs agree with" \
        "ci/targets.sh, the compile_error! message and build.rs's table"
exit $status
