#!/usr/bin/env bash
# Installs everything the build and tests need on Debian 12, idempotently:
# Debian packages, cJSON's source (for the WebAssembly builds) and the npm
# packages under js/. Quick when everything is already there.
set -euo pipefail
cd "$(dirname "$0")/.."

PKGS=(build-essential cmake clang lld llvm libclang-rt-14-dev libcjson-dev
      emscripten binaryen wasi-libc libclang-rt-14-dev-wasm32
      nodejs npm python3 dpkg-dev ca-certificates)
# Browser tests (js/, web/) also need Chromium; opt out with ZK_NO_BROWSER=1.
if [ "${ZK_NO_BROWSER:-0}" != 1 ]; then PKGS+=(chromium); fi

SUDO=""
if [ "$(id -u)" != 0 ]; then
  if command -v sudo >/dev/null; then SUDO=sudo; else
    echo "setup: not root and no sudo; install these Debian packages: ${PKGS[*]}" >&2
  fi
fi

missing=()
for p in "${PKGS[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    # nodejs/npm from another repository (e.g. NodeSource) count if the commands exist
    case "$p" in
      nodejs) command -v node >/dev/null && continue ;;
      npm) command -v npm >/dev/null && continue ;;
    esac
    missing+=("$p")
  fi
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# cJSON source for the WebAssembly builds, from Debian's source package.
CJ=build/deps/cjson
if [ ! -f "$CJ/cJSON.c" ]; then
  if ! grep -rqs "^Types:.*deb-src" /etc/apt/sources.list.d/ && ! grep -qs "^deb-src" /etc/apt/sources.list; then
    echo "setup: adding a deb-src entry for Debian bookworm"
    printf 'Types: deb-src\nURIs: http://deb.debian.org/debian\nSuites: bookworm\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' |
      $SUDO tee /etc/apt/sources.list.d/zkml-deb-src.sources >/dev/null
    $SUDO apt-get update -qq
  fi
  rm -rf build/deps/src && mkdir -p build/deps/src
  (cd build/deps/src && apt-get source -qq cjson >/dev/null 2>&1)
  src=$(find build/deps/src -maxdepth 1 -type d -name 'cjson-*' | head -n1)
  [ -n "$src" ] && [ -f "$src/cJSON.c" ] || { echo "setup: apt-get source cjson failed" >&2; exit 1; }
  rm -rf "$CJ" && mv "$src" "$CJ" && rm -rf build/deps/src
  echo "setup: cJSON source in $CJ"
fi

# npm packages for the JS package and browser tests.
if [ -f js/package.json ] && [ ! -d js/node_modules ]; then
  (cd js && npm install --no-audit --no-fund --loglevel=error)
fi
