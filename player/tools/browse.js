#!/usr/bin/env node
// Opens a page in headless Chromium through the DevTools protocol and reports what the watch page's hooks
// (window.streamcdn) say, optionally with the network shaped by a bandwidth trace (CDP's
// Network.emulateNetworkConditions, changed as the trace says). A development aid for the player; the QoE
// benchmark (bench/qoe) shapes with a proxy instead.
//
//   node --experimental-websocket tools/browse.js URL [--seconds 30] [--trace FILE] [--rtt-ms 80]
//        [--chromium /usr/bin/chromium] [--quiet]
//
// Node 22 has WebSocket without the flag.

import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

function parse(argv) {
  const options = { url: argv[0], seconds: 30, trace: null, rttMs: 80, chromium: '/usr/bin/chromium', quiet: false };
  for (let i = 1; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--seconds') options.seconds = Number(argv[++i]);
    else if (a === '--trace') options.trace = argv[++i];
    else if (a === '--rtt-ms') options.rttMs = Number(argv[++i]);
    else if (a === '--chromium') options.chromium = argv[++i];
    else if (a === '--quiet') options.quiet = true;
    else throw new Error('unknown option ' + a);
  }
  if (!options.url) {
    throw new Error('usage: browse.js URL [--seconds N] [--trace FILE] [--rtt-ms MS]');
  }
  return options;
}

const sleep = ms => new Promise(resolve => setTimeout(resolve, ms));

async function launch(chromium) {
  const profile = mkdtempSync(join(tmpdir(), 'streamcdn-browse-'));
  const child = spawn(chromium, ['--headless=new', '--no-sandbox', '--disable-gpu', '--mute-audio',
    '--autoplay-policy=no-user-gesture-required', '--remote-debugging-port=0', '--user-data-dir=' + profile,
    '--no-first-run', '--no-default-browser-check', 'about:blank'], { stdio: ['ignore', 'ignore', 'pipe'] });
  child.stderr.on('data', () => {});
  const portFile = join(profile, 'DevToolsActivePort');
  for (let i = 0; i < 200 && !existsSync(portFile); i++) {
    await sleep(100);
  }
  const [port, path] = readFileSync(portFile, 'utf8').trim().split('\n');
  const ws = new WebSocket(`ws://127.0.0.1:${port}${path}`);
  await new Promise((resolve, reject) => {
    ws.onopen = resolve;
    ws.onerror = reject;
  });
  let id = 0;
  const pending = new Map();
  ws.onmessage = (message) => {
    const data = JSON.parse(message.data);
    if (data.id && pending.has(data.id)) {
      const { resolve, reject } = pending.get(data.id);
      pending.delete(data.id);
      if (data.error) reject(new Error(JSON.stringify(data.error)));
      else resolve(data.result);
    }
  };
  const send = (method, params = {}, sessionId) => new Promise((resolve, reject) => {
    const msg = { id: ++id, method, params };
    if (sessionId) msg.sessionId = sessionId;
    pending.set(msg.id, { resolve, reject });
    ws.send(JSON.stringify(msg));
  });
  const close = () => {
    try { ws.close(); } catch (e) { /* closing anyway */ }
    child.kill('SIGTERM');
    setTimeout(() => rmSync(profile, { recursive: true, force: true }), 500);
  };
  return { send, close };
}

function readTrace(file) {
  return readFileSync(file, 'utf8').trim().split('\n').map(l => l.split(/\s+/).map(Number)).filter(r => r.length >= 2);
}

function mbpsAt(rows, t) {
  const period = rows[rows.length - 1][0] + (rows.length > 1 ? rows[1][0] - rows[0][0] : 1);
  const local = t % period;
  let value = rows[0][1];
  for (const r of rows) {
    if (r[0] <= local) value = r[1]; else break;
  }
  return Math.max(value, 0.01);
}

/** QoE_lin over the segments played: the last download of each segment number counts. */
export function qoeLin(segments, rebufferSeconds) {
  const byIndex = new Map();
  for (const s of segments) byIndex.set(s.index, s);
  const chosen = [...byIndex.keys()].sort((a, b) => a - b).map(k => byIndex.get(k).bitrateKbps / 1000);
  let q = 0;
  for (let i = 0; i < chosen.length; i++) {
    q += chosen[i];
    if (i > 0) q -= Math.abs(chosen[i] - chosen[i - 1]);
  }
  return { qoe: q - 4.3 * rebufferSeconds, segments: chosen.length,
    meanMbps: chosen.length ? chosen.reduce((a, b) => a + b, 0) / chosen.length : 0 };
}

async function main() {
  const o = parse(process.argv.slice(2));
  const browser = await launch(o.chromium);
  try {
    const { targetId } = await browser.send('Target.createTarget', { url: 'about:blank' });
    const { sessionId } = await browser.send('Target.attachToTarget', { targetId, flatten: true });
    const send = (m, p) => browser.send(m, p, sessionId);
    await send('Network.enable');
    await send('Runtime.enable');
    const rows = o.trace ? readTrace(o.trace) : null;
    const shape = async (t) => {
      if (!rows) return;
      const bytesPerSecond = mbpsAt(rows, t) * 1e6 / 8;
      await send('Network.emulateNetworkConditions', { offline: false, latency: o.rttMs,
        downloadThroughput: bytesPerSecond, uploadThroughput: bytesPerSecond });
    };
    await shape(0);
    await send('Page.navigate', { url: o.url });
    const started = Date.now();
    let last = null;
    while (Date.now() - started < o.seconds * 1000) {
      await sleep(1000);
      await shape((Date.now() - started) / 1000);
      const r = await send('Runtime.evaluate', { expression: 'JSON.stringify(window.streamcdn ? window.streamcdn.stats() : null)', returnByValue: true });
      last = r.result.value ? JSON.parse(r.result.value) : null;
      if (!o.quiet && last) {
        console.log(`${((Date.now() - started) / 1000).toFixed(0)}s rung=${last.rung} kbps=${last.bitrateKbps} tput=${last.throughputKbps} `
          + `buffer=${last.bufferSeconds} rebuf=${last.rebuffers}/${last.rebufferSeconds} edge=${last.edge} startup=${last.startupSeconds} `
          + `decoded=${last.decodedFrames} errors=${last.errors}`);
      }
    }
    const dump = await send('Runtime.evaluate', { expression: 'JSON.stringify({segments: window.streamcdn.segments, events: window.streamcdn.events, stats: window.streamcdn.stats(), abr: window.streamcdn.abr})', returnByValue: true });
    const data = JSON.parse(dump.result.value);
    const q = qoeLin(data.segments, data.stats.rebufferSeconds);
    console.log(JSON.stringify({ abr: data.abr, qoe: Number(q.qoe.toFixed(2)), meanMbps: Number(q.meanMbps.toFixed(3)),
      segments: q.segments, rebufferSeconds: data.stats.rebufferSeconds, switches: data.stats.switches,
      startupSeconds: data.stats.startupSeconds, errors: data.stats.errors,
      events: data.events.filter(e => e.type !== 'switch').slice(0, 20) }));
  } finally {
    browser.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch(e => {
    console.error(e);
    process.exit(1);
  });
}
