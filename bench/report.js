#!/usr/bin/env node
// Summarizes zkml_bench JSON lines: one row per (bench, n) with the native,
// Emscripten and WASI figures side by side, and the ratios wasm/native and
// 1-thread/2-thread (speed-up). Usage: node bench/report.js build/bench.jsonl
'use strict';
const fs = require('fs');
const lines = fs.readFileSync(process.argv[2] || 'build/bench.jsonl', 'utf8').split('\n');
const rows = new Map();
const unitOf = {};
for (const line of lines) {
  if (!line.startsWith('{')) continue;
  let r;
  try { r = JSON.parse(line); } catch { continue; }
  const unit = Object.keys(r).find((k) => !['bench', 'target', 'threads', 'n'].includes(k) && typeof r[k] === 'number');
  if (!unit) continue;
  const key = `${r.bench}|${r.n}`;
  unitOf[key] = unit;
  if (!rows.has(key)) rows.set(key, {});
  rows.get(key)[`${r.target}/${r.threads}`] = r[unit];
}
const fmt = (v) => (v === undefined ? '-' : v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2));
const ratio = (a, b) => (a === undefined || b === undefined ? '-' : (a / b).toFixed(2));
const cols = ['native/1', 'native/2', 'emscripten/1', 'emscripten/2', 'wasi/1'];
const head = ['bench', 'n', 'unit', ...cols, 'em/native', 'native 1t/2t', 'em 1t/2t'];
const out = [head];
for (const [key, v] of rows) {
  const [bench, n] = key.split('|');
  out.push([bench, n, unitOf[key], ...cols.map((c) => fmt(v[c])),
    ratio(v['emscripten/1'], v['native/1']), ratio(v['native/1'], v['native/2']),
    ratio(v['emscripten/1'], v['emscripten/2'])]);
}
const w = head.map((_, i) => Math.max(...out.map((r) => String(r[i]).length)));
console.log('');
for (const r of out) console.log(r.map((c, i) => String(c).padEnd(w[i])).join('  '));
