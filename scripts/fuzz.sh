#!/usr/bin/env bash
# Runs the engine's cargo-fuzz targets (fuzz/fuzz_targets/) one after another, each for a
# bounded time, and exits non-zero if any found a crash, naming its artifact. Not part of CI.
#
#   scripts/fuzz.sh                    # every target, 60 s each
#   SECONDS_PER_TARGET=300 scripts/fuzz.sh url jwt
#
# Seeds (fuzz/seeds/<target>/, committed) are copied into fuzz/corpus/<target>/ first, so the
# inputs libFuzzer adds never touch them; the corpus and fuzz/artifacts/ are git-ignored. A
# target's dictionary (fuzz/dicts/<target>.dict: tokens its parsers compare against) is used.
# Needs a nightly toolchain (libFuzzer's sanitizer flags); with only stable installed, stable
# is run with RUSTC_BOOTSTRAP=1 instead.
set -eu

SECONDS_PER_TARGET="${SECONDS_PER_TARGET:-60}"
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root/fuzz"

if ! cargo fuzz --version >/dev/null 2>&1; then
  cargo install cargo-fuzz --locked
fi
if rustup run nightly rustc --version >/dev/null 2>&1; then
  toolchain=(+nightly)
else
  echo "fuzz.sh: no nightly toolchain; using stable with RUSTC_BOOTSTRAP=1" >&2
  export RUSTC_BOOTSTRAP=1
  toolchain=()
fi

if [ "$#" -gt 0 ]; then
  targets=("$@")
else
  mapfile -t targets < <(cargo "${toolchain[@]}" fuzz list)
fi

failed=()
for target in "${targets[@]}"; do
  mkdir -p "corpus/$target"
  cp -n "seeds/$target/"* "corpus/$target/" 2>/dev/null || true
  dict=()
  if [ -f "dicts/$target.dict" ]; then
    dict=(-dict="dicts/$target.dict")
  fi
  echo "== $target: ${SECONDS_PER_TARGET}s"
  if ! cargo "${toolchain[@]}" fuzz run "$target" "corpus/$target" -- \
    -max_total_time="$SECONDS_PER_TARGET" -print_final_stats=1 "${dict[@]}"; then
    failed+=("$target")
  fi
done

if [ "${#failed[@]}" -gt 0 ]; then
  for target in "${failed[@]}"; do
    echo "fuzz.sh: $target found a crash; artifacts:" >&2
    ls -1 "$root/fuzz/artifacts/$target/" 2>/dev/null | sed "s|^|  fuzz/artifacts/$target/|" >&2
  done
  echo "Reproduce: cd fuzz && cargo +nightly fuzz run <target> <artifact>;" \
    "minimise: cargo +nightly fuzz tmin <target> <artifact>" >&2
  exit 1
fi
echo "fuzz.sh: no crash in ${targets[*]} (${SECONDS_PER_TARGET}s each)"
