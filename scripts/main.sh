#!/usr/bin/env bash
# The main job from a fresh checkout: installs the toolchain if needed, builds
# every target and runs the core benchmarks (later: prove and verify a bundled
# model, print the receipt and timings).
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
make native wasm
./build/native/zkml version
make bench
