#!/usr/bin/env node
// A reverse proxy whose responses share one link that follows a bandwidth trace (seconds<TAB>Mbps, looped),
// with a fixed round trip before each response starts. A development aid for trying the player's ABR on
// real traces in a real browser; bench/qoe has the benchmark's own shaping proxy.
//
//   node tools/shaper.js --listen 18280 --upstream http://127.0.0.1:18180 --trace FILE [--rtt-ms 80] [--web]
//
// The trace clock starts at the first request. --web serves the player's pages from this checkout
// (src/main/web, dash.js from node_modules) instead of the origin's copy, unshaped: try a change without
// rebuilding the origin.

import http from 'node:http';
import { readFileSync, existsSync, statSync } from 'node:fs';
import { dirname, join, normalize, extname } from 'node:path';
import { fileURLToPath } from 'node:url';

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
const web = args.includes('--web') ? join(dirname(fileURLToPath(import.meta.url)), '..', 'src/main/web') : null;
const TYPES = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css',
  '.svg': 'image/svg+xml', '.json': 'application/json' };

/** The checkout's own copy of a page or script, or null. */
function localFile(url) {
  const path = decodeURIComponent(url.split('?')[0]);
  if (path === '/player-config.json') {
    return { type: 'application/json', body: Buffer.from('{"originUrl":"","routerUrl":null}') };
  }
  const vendor = /^\/vendor\/dashjs-[^/]+\/(.+)$/.exec(path);
  const file = vendor ? join(web, '..', '..', '..', 'node_modules/dashjs/dist/modern/umd', vendor[1])
    : join(web, normalize(path === '/' ? '/index.html' : path));
  if (!vendor && !file.startsWith(web)) return null;
  if (!existsSync(file) || !statSync(file).isFile()) return null;
  return { type: TYPES[extname(file)] || 'application/octet-stream', body: readFileSync(file) };
}

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
  if (web && !req.url.startsWith('/videos/') && !req.url.startsWith('/api/')) {
    const file = localFile(req.url);
    res.writeHead(file ? 200 : 404, { 'content-type': file ? file.type : 'text/plain', 'cache-control': 'no-store' });
    res.end(file ? file.body : 'not found');
    return;
  }
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
