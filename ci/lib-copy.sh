#!/usr/bin/env bash
# ci/lib-copy.sh DEST: copies the library alone (Cargo.toml, build.rs, src/, arch/) to DEST, as a
# crate that depends on munmap sees it: without dev-dependencies, benches, examples or tests, and
# as a workspace of its own (the repository's workspace, with the benchmarks, stays behind).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
dest=$1
rm -rf "$dest" && mkdir -p "$dest"
cp -r "$root/build.rs" "$root/src" "$root/arch" "$dest"/
awk '/^\[/ { skip = ($0 ~ /dev-dependencies|^\[workspace\]|^\[\[(bench|example|test)\]\]/) } !skip
    END { print "[workspace]" }' "$root/Cargo.toml" >"$dest/Cargo.toml"
