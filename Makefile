# Front door to the CMake builds. Targets:
#   make            native build (clang, pthreads): library, zkml CLI, tests, benches
#   make wasm       Emscripten (SIMD + pthreads, SIMD single-threaded) and WASI builds
#   make test       every test suite: native, ASan+UBSan, and the three WASM builds under Node
#   make bench      benchmarks for native, Emscripten (1 and 2 threads) and WASI, as JSON lines
#   make bench-plonk-lagrange   native PLONK benchmarks also with Lagrange-basis commitments
# scripts/setup.sh installs the toolchain; scripts/test.sh and scripts/main.sh run it first.
SHELL := /bin/bash
MAKEFLAGS += --no-print-directory
export NODE_PATH ?= /usr/share/nodejs
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
CC_NATIVE ?= clang
NODE ?= node
RUN := $(NODE) wasm/node-run.js

B := build
CMAKE_NATIVE := cmake -S . -DCMAKE_C_COMPILER=$(CC_NATIVE)

.PHONY: all native asan em-mt em-st wasi wasm test test-native test-asan test-wasm \
        bench bench-native bench-wasm bench-plonk-lagrange clean

all: native

native:
	@mkdir -p $(B)
	@$(CMAKE_NATIVE) -B $(B)/native -DCMAKE_BUILD_TYPE=Release >$(B)/.cmake-native.log || { cat $(B)/.cmake-native.log; exit 1; }
	@cmake --build $(B)/native -j$(JOBS)

asan:
	@mkdir -p $(B)
	@$(CMAKE_NATIVE) -B $(B)/asan -DCMAKE_BUILD_TYPE=RelWithDebInfo -DZK_SANITIZE=ON >$(B)/.cmake-asan.log || { cat $(B)/.cmake-asan.log; exit 1; }
	@cmake --build $(B)/asan -j$(JOBS)

em-mt:
	@mkdir -p $(B)
	@emcmake cmake -S . -B $(B)/em-mt -DCMAKE_BUILD_TYPE=Release -DZK_THREADS=ON >$(B)/.cmake-em-mt.log 2>&1 || { cat $(B)/.cmake-em-mt.log; exit 1; }
	@cmake --build $(B)/em-mt -j$(JOBS)

em-st:
	@mkdir -p $(B)
	@emcmake cmake -S . -B $(B)/em-st -DCMAKE_BUILD_TYPE=Release -DZK_THREADS=OFF >$(B)/.cmake-em-st.log 2>&1 || { cat $(B)/.cmake-em-st.log; exit 1; }
	@cmake --build $(B)/em-st -j$(JOBS)

wasi:
	@mkdir -p $(B)
	@cmake -S . -B $(B)/wasi -DCMAKE_TOOLCHAIN_FILE=wasm/wasi-toolchain.cmake -DCMAKE_BUILD_TYPE=Release >$(B)/.cmake-wasi.log 2>&1 || { cat $(B)/.cmake-wasi.log; exit 1; }
	@cmake --build $(B)/wasi -j$(JOBS)

wasm: em-mt em-st wasi

# ---- tests ----
test: test-native test-asan test-wasm fuzz-smoke
	@echo "all test suites passed"

test-native: native
	@echo "== native tests"
	@$(B)/native/zkml_tests --threads 2
	@tests/cli/run.sh $(B)/native/zkml

test-asan: asan
	@echo "== native tests under AddressSanitizer + UndefinedBehaviorSanitizer"
	@ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 $(B)/asan/zkml_tests --threads 2
	@ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 tests/cli/run.sh $(B)/asan/zkml

test-wasm: wasm
	@echo "== Emscripten (SIMD + pthreads, 2 threads) under Node"
	@$(RUN) $(B)/em-mt/zkml_tests.js --threads 2
	@echo "== Emscripten (SIMD, single-threaded) under Node"
	@$(RUN) $(B)/em-st/zkml_tests.js
	@echo "== WASI under Node"
	@$(RUN) $(B)/wasi/zkml_tests.wasm

# ---- benchmarks ----
BENCH_OUT := $(B)/bench.jsonl
bench: native wasm
	@: > $(BENCH_OUT)
	@$(MAKE) bench-native bench-wasm BENCH_APPEND=1
	@$(NODE) bench/report.js $(BENCH_OUT)

# One kind of target alone (appends to $(BENCH_OUT) under `make bench`).
bench-native: native
	@[ -n "$(BENCH_APPEND)" ] || : > $(BENCH_OUT)
	@$(B)/native/zkml_bench --threads 1 | tee -a $(BENCH_OUT)
	@$(B)/native/zkml_bench --threads 2 | tee -a $(BENCH_OUT)

bench-wasm: wasm
	@[ -n "$(BENCH_APPEND)" ] || : > $(BENCH_OUT)
	@$(RUN) $(B)/em-mt/zkml_bench.js --threads 1 | tee -a $(BENCH_OUT)
	@$(RUN) $(B)/em-mt/zkml_bench.js --threads 2 | tee -a $(BENCH_OUT)
	@$(RUN) $(B)/wasi/zkml_bench.wasm | tee -a $(BENCH_OUT)

# PLONK natively with the params' Lagrange basis as well (derived untimed, as
# a params file would carry it; halo2's Params always have it): plonk_*_lagrange.
BENCH_PLONK_OUT := $(B)/bench-plonk-lagrange.jsonl
bench-plonk-lagrange: native
	@: > $(BENCH_PLONK_OUT)
	@ZK_PLONK_LAGRANGE=1 $(B)/native/zkml_bench --threads 1 plonk | tee -a $(BENCH_PLONK_OUT)
	@ZK_PLONK_LAGRANGE=1 $(B)/native/zkml_bench --threads 2 plonk | tee -a $(BENCH_PLONK_OUT)
	@$(NODE) bench/report.js $(BENCH_PLONK_OUT)

clean:
	rm -rf $(B)/native $(B)/asan $(B)/em-mt $(B)/em-st $(B)/wasi $(B)/clang $(B)/f29

# ---- ONNX engine: accuracy report on the model corpus, fuzzing of the reader ----
# SHARED is the shared data directory (../shared in a clone of the project).
SHARED ?= $(if $(ZK_SHARED_DIR),$(ZK_SHARED_DIR),../shared)
FUZZ_TIME ?= 300
FUZZ_SMOKE_TIME ?= 40
.PHONY: accuracy fuzz fuzz-smoke

accuracy: native
	@if [ -f "$(SHARED)/corpus/manifest.json" ]; then $(B)/native/zkml accuracy $(SHARED)/corpus; \
	else echo "accuracy: $(SHARED)/corpus/manifest.json not found (no ../shared): skipped"; fi

# libFuzzer targets (clang, ASan+UBSan), FUZZ_TIME seconds each:
#  tests/fuzz/fuzz_onnx.c   the ONNX reader and engine, seeded from tests/data/onnx
#                           and the corpus models under 256 KiB;
#  tests/fuzz/fuzz_proof.c  proofs, verifying and proving keys, IPA parameters
#                           (raw bytes and edits of valid ones), seeded with one
#                           input per mode.
fuzz:
	@mkdir -p $(B)/fuzz-corpus $(B)/fuzz-corpus-proof
	@$(CMAKE_NATIVE) -B $(B)/fuzz -DCMAKE_BUILD_TYPE=RelWithDebInfo -DZK_FUZZ=ON -DZK_THREADS=OFF \
	  -DCMAKE_C_FLAGS="-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined" >$(B)/.cmake-fuzz.log || { cat $(B)/.cmake-fuzz.log; exit 1; }
	@cmake --build $(B)/fuzz -j$(JOBS) --target fuzz_onnx fuzz_proof
	@cp tests/data/onnx/*.onnx $(B)/fuzz-corpus/
	@if [ -d "$(SHARED)/corpus/models" ]; then for f in $(SHARED)/corpus/models/*/network.onnx; do \
	  [ $$(stat -c %s "$$f") -le 262144 ] && cp "$$f" "$(B)/fuzz-corpus/$$(basename $$(dirname $$f)).onnx"; done; true; fi
	@for m in 0 1 2 3 4 5; do printf "\\$$(printf %o $$m)seed$$m-0123456789abcdef" > $(B)/fuzz-corpus-proof/seed$$m; done
	@echo "== fuzzing the ONNX reader for $(FUZZ_TIME) s (log: $(B)/fuzz.log)"
	@$(B)/fuzz/fuzz_onnx -max_total_time=$(FUZZ_TIME) -max_len=300000 -rss_limit_mb=3072 -timeout=30 \
	  -artifact_prefix=$(B)/fuzz- $(B)/fuzz-corpus >$(B)/fuzz.log 2>&1 || { tail -60 $(B)/fuzz.log; exit 1; }
	@grep -E 'Done [0-9]+ runs' $(B)/fuzz.log | tail -1; echo "fuzz: no crash"
	@echo "== fuzzing proof, key and parameter readers for $(FUZZ_TIME) s (log: $(B)/fuzz-proof.log)"
	@$(B)/fuzz/fuzz_proof -max_total_time=$(FUZZ_TIME) -max_len=8192 -rss_limit_mb=3072 -timeout=30 \
	  -artifact_prefix=$(B)/fuzz-proof- $(B)/fuzz-corpus-proof >$(B)/fuzz-proof.log 2>&1 || { tail -60 $(B)/fuzz-proof.log; exit 1; }
	@grep -E 'Done [0-9]+ runs' $(B)/fuzz-proof.log | tail -1; echo "fuzz: no crash"

fuzz-smoke:
	@$(MAKE) fuzz FUZZ_TIME=$(FUZZ_SMOKE_TIME)
