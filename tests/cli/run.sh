#!/usr/bin/env bash
# Command-line tests of the zkml tool: what users type, and the bad input they
# give it. Every failure must be a clear message and a non-zero exit status
# below 128 (a signal, i.e. a crash, is a failure of this test).
# Usage: tests/cli/run.sh path/to/zkml
set -uo pipefail
Z=${1:?usage: tests/cli/run.sh path/to/zkml}
D=$(cd "$(dirname "$0")/.." && pwd)/data/onnx
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
pass=0 fail=0

ok() { # ok NAME CMD...: must exit 0
    local name=$1; shift
    if "$@" >"$T/out" 2>"$T/err" && ! grep -q Sanitizer "$T/err"; then pass=$((pass + 1)); else
        echo "FAIL $name: exit $? from $*"; sed 's/^/  | /' "$T/err" | head -5; fail=$((fail + 1)); fi
}
bad() { # bad NAME PATTERN CMD...: must exit 1..127 with PATTERN on stderr
    local name=$1 pat=$2; shift 2
    "$@" >"$T/out" 2>"$T/err"; local rc=$?
    if [ $rc -ge 1 ] && [ $rc -lt 128 ] && grep -qiE -e "$pat" "$T/err" && ! grep -q Sanitizer "$T/err"; then pass=$((pass + 1)); else
        echo "FAIL $name: exit $rc from $* (want 1..127 and /$pat/ on stderr)"; sed 's/^/  | /' "$T/err" | head -5
        fail=$((fail + 1)); fi
}
has() { # has NAME PATTERN: the last stdout matches PATTERN
    if grep -qE -e "$2" "$T/out"; then pass=$((pass + 1)); else
        echo "FAIL $1: output lacks /$2/"; sed 's/^/  | /' "$T/out" | head -5; fail=$((fail + 1)); fi
}

ok version "$Z" version
has version-text '^zkml '
bad no-command 'usage' "$Z"
bad unknown-command "unknown command 'frobnicate'" "$Z" frobnicate

# demo: prove, verify, reject a wrong instance and a tampered proof
ok demo "$Z" demo --k 6 --json
has demo-json '"verified":true,"rejects_wrong_instance":true,"rejects_tampered_proof":true'
bad demo-k '--k must be' "$Z" demo --k 2
bad demo-arg "unknown argument" "$Z" demo --bogus

# inspect and infer on a small model
ok inspect "$Z" inspect "$D/gemm_relu.onnx"
has inspect-ops 'ops: Gemm x1, Relu x1'
echo '{"input_data": [[0.5, -1.0, 2.0]]}' >"$T/in.json"
ok infer "$Z" infer "$D/gemm_relu.onnx" "$T/in.json" --float --json
has infer-json '"output":.*"float_output"'
echo '[0.5, -1.0, 2.0]' >"$T/plain.json"
ok infer-plain "$Z" infer "$D/gemm_relu.onnx" "$T/plain.json"

# bad input: missing, truncated, garbled models; wrong-shape and malformed JSON
bad missing-model 'no such file|cannot (open|read)' "$Z" inspect "$T/nope.onnx"
head -c 100 "$D/cnn_bn_softmax.onnx" >"$T/trunc.onnx"
bad truncated-model 'truncat|onnx|parse|invalid' "$Z" inspect "$T/trunc.onnx"
head -c 4096 /dev/urandom >"$T/garbage.onnx" 2>/dev/null || printf 'garbage\x08\x96\x01' >"$T/garbage.onnx"
bad garbled-model 'onnx|parse|invalid|wire|truncat|graph' "$Z" inspect "$T/garbage.onnx"
echo '{"input_data": [[1, 2]]}' >"$T/short.json"
bad wrong-shape 'shape|elements|expected' "$Z" infer "$D/gemm_relu.onnx" "$T/short.json"
echo '{"input_data": [[1, 2,' >"$T/broken.json"
bad broken-json 'json' "$Z" infer "$D/gemm_relu.onnx" "$T/broken.json"

echo "cli: $pass passed, $fail failed"
[ $fail -eq 0 ]
