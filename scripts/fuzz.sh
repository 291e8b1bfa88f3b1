#!/usr/bin/env bash
# Fuzzes the text assembler for a bounded time, on the stable toolchain:
#   bash scripts/fuzz.sh                 # every target, 30 s each
#   FUZZ_SECONDS=600 bash scripts/fuzz.sh parse
# 1. installs cargo-fuzz into ~/.cargo/bin when it is missing (built from
#    crates.io with `cargo install --locked`);
# 2. builds fuzz/ (its own workspace) without a sanitizer (`-s none`, so no
#    nightly `-Z` flag is needed) and with debug assertions and overflow
#    checks (`-a`);
# 3. runs each target for FUZZ_SECONDS and fails if one finds a crash (a
#    panic, an overflow, a timeout or an out-of-memory); the input is left in
#    fuzz/artifacts/<target>/ with the command that replays it.
set -euo pipefail
cd "$(dirname "$0")/.."

die() { echo "scripts/fuzz.sh: $*" >&2; exit 1; }
step() { printf '\n==> %s\n' "$*"; }

FUZZ_SECONDS=${FUZZ_SECONDS:-30}
[[ "$FUZZ_SECONDS" =~ ^[0-9]+$ ]] || die "FUZZ_SECONDS must be a number of seconds"
if [ $# -gt 0 ]; then targets=("$@"); else targets=(parse roundtrip); fi

if ! cargo fuzz --version >/dev/null 2>&1; then
  step "installing cargo-fuzz"
  cargo install cargo-fuzz --locked || die "could not install cargo-fuzz"
fi

step "building the fuzz targets"
cargo fuzz build -s none -a || die "the fuzz targets do not build"

for t in "${targets[@]}"; do
  step "fuzzing $t for ${FUZZ_SECONDS} s"
  corpus=(fuzz/corpus/"$t")
  mkdir -p "${corpus[0]}"
  [ -d fuzz/seeds/"$t" ] && corpus+=(fuzz/seeds/"$t")
  # -timeout: one input taking more than 10 s is a hang;
  # -rss_limit_mb: more than 2 GiB is a leak or a runaway allocation.
  cargo fuzz run -s none -a "$t" "${corpus[@]}" -- \
    -max_total_time="$FUZZ_SECONDS" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
    || die "fuzz target $t found a crash (see fuzz/artifacts/$t/)"
done

echo
echo "scripts/fuzz.sh: no crash in ${#targets[@]} target(s) x ${FUZZ_SECONDS} s"
