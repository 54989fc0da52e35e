#!/usr/bin/env node
// Runs a program built for WebAssembly under Node with its command-line arguments:
//   node wasm/node-run.js build/em-mt/zkml_tests.js [args...]   (Emscripten, MODULARIZE)
//   node wasm/node-run.js build/wasi/zkml_tests.wasm [args...]  (WASI preview1)
// Emscripten 3.1.6 would fetch() its .wasm, which fails for file paths under
// Node 18+, so the binary is read here and handed over as wasmBinary.
'use strict';
const fs = require('fs');
const path = require('path');

const file = process.argv[2];
const args = process.argv.slice(3);
if (!file) {
  console.error('usage: node-run.js <program.js|program.wasm> [args...]');
  process.exit(2);
}
const abs = path.resolve(file);

if (abs.endsWith('.wasm')) {
  // Node's WASI fast API calls can crash once the module has grown its memory
  // (nodejs/node#46777, still open): turn them off before any call is optimized.
  require('v8').setFlagsFromString('--no-turbo-fast-api-calls');
  process.removeAllListeners('warning'); // silence "WASI is experimental"
  process.on('warning', (w) => { if (w.name !== 'ExperimentalWarning') console.warn(w); });
  const { WASI } = require('node:wasi');
  const wasi = new WASI({
    version: 'preview1',
    args: [path.basename(abs), ...args],
    env: process.env,
    preopens: { '/': '/' },
    returnOnExit: true,
  });
  (async () => {
    const mod = await WebAssembly.compile(fs.readFileSync(abs));
    const inst = await WebAssembly.instantiate(mod, wasi.getImportObject());
    process.exitCode = wasi.start(inst);
  })().catch((e) => {
    console.error(String(e && e.stack || e).slice(0, 2000));
    process.exit(1);
  });
} else {
  const factory = require(abs);
  factory({
    wasmBinary: fs.readFileSync(abs.replace(/\.js$/, '.wasm')),
    arguments: args,
    onExit: (code) => process.exit(code),
  }).catch((e) => {
    console.error(String(e && e.stack || e).slice(0, 2000));
    process.exit(1);
  });
}
