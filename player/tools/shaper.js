#!/usr/bin/env node
// A reverse proxy whose responses share one link that follows a bandwidth trace (seconds<TAB>Mbps, looped),
// with a fixed round trip before each response starts. A development aid for trying the player's ABR on
// real traces in a real browser; bench/qoe has the benchmark's own shaping proxy.
//
//   node tools/shaper.js --listen 18280 --upstream http://127.0.0.1:18180 --trace FILE [--rtt-ms 80]
//
// The trace clock starts at the first request.

import http from 'node:http';
import { readFileSync } from 'node:fs';

const args = process.argv.slice(2);
const opt = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : fallback;
};
const listen = Number(opt('--listen', '18280'));
const upstream = new URL(opt('--upstream', 'http://127.0.0.1:18180'));
const rttMs = Number(opt('--rtt-ms', '80'));
const rows = readFileSync(opt('--trace'), 'utf8').trim().split('\n').map(l => l.split(/\s+/).map(Number))
  .filter(r => r.length >= 2 && Number.isFinite(r[1]));
const period = rows[rows.length - 1][0] + (rows.length > 1 ? rows[1][0] - rows[0][0] : 1);
let clockStart = null;

function mbpsNow() {
  const t = ((Date.now() - clockStart) / 1000) % period;
  let value = rows[0][1];
  for (const r of rows) {
    if (r[0] <= t) value = r[1]; else break;
  }
  return Math.max(value, 0.001);
}

const streams = new Set();
let budget = 0;
let last = Date.now();
const TICK = 5;
setInterval(() => {
  const now = Date.now();
  const dt = (now - last) / 1000;
  last = now;
  if (streams.size === 0 || clockStart === null) {
    budget = 0;
    return;
  }
  budget = Math.min(budget + mbpsNow() * 1e6 / 8 * dt, 64 * 1024);
  let progress = true;
  while (budget >= 1 && progress) {
    progress = false;
    for (const s of streams) {
      if (budget < 1) break;
      if (s.chunks.length === 0) {
        if (s.ended) {
          s.res.end();
          streams.delete(s);
        }
        continue;
      }
      const head = s.chunks[0];
      const n = Math.min(head.length, Math.floor(budget), 16 * 1024);
      if (n <= 0) continue;
      s.res.write(head.subarray(0, n));
      budget -= n;
      if (n === head.length) s.chunks.shift(); else s.chunks[0] = head.subarray(n);
      progress = true;
    }
  }
  for (const s of streams) {
    if (s.chunks.length === 0 && s.ended) {
      s.res.end();
      streams.delete(s);
    }
  }
}, TICK);

http.createServer((req, res) => {
  if (clockStart === null) clockStart = Date.now();
  const headers = { ...req.headers, host: upstream.host };
  const up = http.request({ hostname: upstream.hostname, port: upstream.port, path: req.url, method: req.method, headers }, (ur) => {
    const stream = { res, chunks: [], ended: false };
    ur.on('data', c => stream.chunks.push(c));
    ur.on('end', () => { stream.ended = true; });
    setTimeout(() => {
      res.writeHead(ur.statusCode, ur.headers);
      streams.add(stream);
    }, rttMs);
  });
  up.on('error', () => {
    res.writeHead(502, { 'content-type': 'text/plain' });
    res.end('upstream error');
  });
  req.pipe(up);
}).listen(listen, '127.0.0.1', () => console.log(`shaping ${upstream.href} on 127.0.0.1:${listen}`));
