#!/usr/bin/env bash
# ci/miri.sh: munmap under Miri, with the pinned nightly's `cargo miri`. Under cfg(miri), munmap
# calls the C munmap that Miri implements (arch/miri.rs), so that code using it can be checked:
#   1. the crate's tests that Miri can run: tests/errno.rs (the behaviour tests need PROT_NONE
#      guard pages, fork, clone or /proc, none of which Miri models);
#   2. tests/miri-dependent, a crate that uses munmap as a user's would: its tests pass;
#   3. its examples, which Miri must stop, each with its own message: a read after munmap
#      (undefined behaviour: the pointer is dangling) and munmap_and_exit (refused by name).
# Prints "PASSED <what>" for each check of part 3 (ci/test.sh counts them with the tests).
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=ci/targets.sh
. "$root/ci/targets.sh"
miri=(cargo "+$NIGHTLY" miri)
status=0

# expect_stop EXAMPLE MESSAGE: Miri must end the example with an error that contains MESSAGE.
expect_stop() {
    local output
    output=$("${miri[@]}" run -q --example "$1" 2>&1)
    if [ $? -ne 0 ] && grep -qF -- "$2" <<<"$output"; then
        echo "PASSED miri stops examples/$1.rs: $(grep -m1 '^error' <<<"$output")"
    else
        echo "$output"
        echo "FAILED miri did not stop examples/$1.rs with: $2" >&2
        status=1
    fi
}

cd "$root" && "${miri[@]}" test --features std --test errno -- --show-output || status=1
cd "$root/tests/miri-dependent" && "${miri[@]}" test -- --show-output || status=1
expect_stop use_after_unmap "has been freed, so this pointer is dangling"
expect_stop munmap_and_exit \
    "can't call foreign function \`munmap_and_exit_cannot_run_under_miri\`"
exit $status
