#!/usr/bin/env bash
# The whole jitasm test suite, on a fresh machine:
#   bash scripts/test.sh
# 1. installs what the tests need when it is missing (qemu-user, the AArch64
#    and RISC-V cross linkers and C libraries, rustup targets);
# 2. runs the workspace's tests natively (x86-64);
# 3. cross-compiles the crates whose tests execute generated code and runs
#    them under qemu-aarch64 and qemu-riscv64 (.cargo/config.toml names the
#    linkers and runners), and runs the `jitasm demo` command there;
# 4. type-checks the runtime for macOS (Apple Silicon) and Windows, whose
#    code-memory paths cannot run here.
set -euo pipefail
cd "$(dirname "$0")/.."

die() { echo "scripts/test.sh: $*" >&2; exit 1; }
step() { printf '\n==> %s\n' "$*"; }

CROSS_TARGETS=(aarch64-unknown-linux-gnu riscv64gc-unknown-linux-gnu)
CHECK_TARGETS=(aarch64-apple-darwin x86_64-pc-windows-gnu)
# The crates whose tests run generated code; the rest are target-independent.
CROSS_CRATES=(-p jitasm-core -p jitasm-runtime)

# --- 1. dependencies -------------------------------------------------------
missing=()
command -v qemu-aarch64 >/dev/null || missing+=(qemu-user)
command -v qemu-riscv64 >/dev/null || missing+=(qemu-user)
command -v aarch64-linux-gnu-gcc >/dev/null || missing+=(gcc-aarch64-linux-gnu)
command -v riscv64-linux-gnu-gcc >/dev/null || missing+=(gcc-riscv64-linux-gnu)
[ -e /usr/aarch64-linux-gnu/lib/libc.so.6 ] || missing+=(libc6-dev-arm64-cross)
[ -e /usr/riscv64-linux-gnu/lib/libc.so.6 ] || missing+=(libc6-dev-riscv64-cross)
if [ ${#missing[@]} -gt 0 ]; then
  pkgs=$(printf '%s\n' "${missing[@]}" | sort -u | tr '\n' ' ')
  step "installing Debian packages: $pkgs"
  if [ "$(id -u)" = 0 ]; then sudo=""; elif command -v sudo >/dev/null; then sudo="sudo"; else
    die "missing packages ($pkgs) and no root or sudo to install them"
  fi
  $sudo apt-get update -qq || die "apt-get update failed; install by hand: $pkgs"
  # shellcheck disable=SC2086
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends $pkgs >/dev/null \
    || die "apt-get install failed; install by hand: $pkgs"
fi
installed=$(rustup target list --installed) || die "rustup is needed to add cross targets"
for t in "${CROSS_TARGETS[@]}" "${CHECK_TARGETS[@]}"; do
  if ! grep -qx "$t" <<<"$installed"; then
    step "adding rustup target $t"
    rustup target add "$t" || die "could not add rustup target $t"
  fi
done

# --- 2. native ---------------------------------------------------------------
step "native tests (x86-64)"
cargo test --workspace --exclude jitasm-bench

# --- 3. cross, under qemu ------------------------------------------------------
for t in "${CROSS_TARGETS[@]}"; do
  step "tests under qemu: $t"
  cargo test "${CROSS_CRATES[@]}" --target "$t"
  if [ "$t" = aarch64-unknown-linux-gnu ]; then
    step "AArch64 text assembled and run under qemu"
    cargo test -p jitasm --test a64_exec -p jitasm-dynasmrt --test aarch64 --target "$t"
    out=$(cargo run -q -p jitasm-cli --target "$t" -- run -e 'add x0, x0, x1; ret' 40 2)
    [ "$out" = 42 ] || die "jitasm run of AArch64 text gave '$out' on $t"
    step "AAPCS64 calls and frames (jitasm::abi::aarch64) and the worked examples under qemu"
    cargo test -p jitasm --test examples --test abi_aarch64 --target "$t"
    out=$(cargo run -q -p jitasm --example add --target "$t")
    grep -qx 'add_frame(40, 2) = 42; add_reg(40, 2) = 42' <<<"$out" \
      || die "the add example gave a wrong result on $t: $out"
  fi
  step "jitasm demo under qemu: $t"
  out=$(cargo run -q -p jitasm-cli --target "$t" -- demo)
  echo "$out"
  grep -q 'sum(100)        = 5050' <<<"$out" || die "jitasm demo gave a wrong result on $t"
done

# --- 4. portability ------------------------------------------------------------
for t in "${CHECK_TARGETS[@]}"; do
  step "cargo check of the runtime for $t"
  cargo check -p jitasm-runtime -p jitasm --target "$t"
done

echo
echo "scripts/test.sh: all suites passed"
