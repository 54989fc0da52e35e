#!/usr/bin/env bash
# Runs every test suite from a fresh checkout: installs the toolchain if
# needed (scripts/setup.sh), builds all targets and runs `make test`.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
make test
