#!/usr/bin/env bash
# The main job from a fresh checkout: installs the toolchain if needed, builds
# every target, proves and verifies the demo circuit natively and in
# WebAssembly (printing the receipt and the timings), then runs the
# benchmarks. ZK_MAIN_NO_BENCH=1 skips the benchmarks.
# (When the model-to-circuit compiler lands, this proves a bundled ONNX model.)
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
make native wasm
export NODE_PATH=${NODE_PATH:-/usr/share/nodejs}
./build/native/zkml version
echo
echo "== prove and verify natively (2 threads)"
./build/native/zkml demo --k 12 --threads 2
echo
echo "== the same in WebAssembly under Node (Emscripten, SIMD + pthreads, 2 threads)"
node wasm/node-run.js build/em-mt/zkml.js demo --k 12 --threads 2
if [ "${ZK_MAIN_NO_BENCH:-0}" != 1 ]; then
    echo
    echo "== benchmarks (figures and ratios: bench/README.md)"
    make bench
fi
