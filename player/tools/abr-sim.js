#!/usr/bin/env node
// A trace-driven simulator of abr-core.js, for tuning its parameters quickly (seconds for every trace, where a
// real browser session takes minutes). It is not the benchmark: bench/qoe plays real sessions in Chromium,
// ours against dash.js's stock ABR. Here the reference is a model of a plain throughput rule (dash.js's
// ThroughputRule with its insufficient-buffer cap), good enough to see which way a parameter pushes.
//
//   node tools/abr-sim.js ../../shared/traces [--policy ours|tput] [--set key=value ...] [--verbose]
//
// Model: a 3-minute video of 4 s segments on the Pensieve ladder (300..4300 kbps), segment sizes varying
// +-25 % around the bitrate; the link follows the trace (Mbps, looped) with an 80 ms round trip before each
// segment's first byte; the player fetches while its buffer is below the target (18 s, 30 s at the top rung,
// as dash.js), starts playing after the first segment and stalls when the buffer runs dry.
// QoE_lin (Pensieve) = sum of bitrate (Mbps) - 4.3 x rebuffer seconds - sum of |bitrate change| (Mbps).

import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { AbrCore } from '../src/main/web/js/abr-core.js';

const LADDER = [300, 750, 1200, 1850, 2850, 4300];
const SEGMENT = 4;
const SEGMENTS = 45;
const RTT = 0.08;

export function readTrace(file) {
  const rows = readFileSync(file, 'utf8').trim().split('\n').map(line => line.split(/\s+/).map(Number))
    .filter(r => r.length >= 2 && Number.isFinite(r[0]) && Number.isFinite(r[1]));
  return rows;
}

/** A link that follows a trace: how long `bytes` take to arrive when sent at time `start`. */
class Link {
  constructor(rows) {
    this.rows = rows;
    this.period = rows[rows.length - 1][0] + (rows.length > 1 ? rows[1][0] - rows[0][0] : 1);
  }

  mbpsAt(t) {
    const local = t % this.period;
    let lo = 0;
    let hi = this.rows.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.rows[mid][0] <= local) lo = mid; else hi = mid - 1;
    }
    return Math.max(this.rows[lo][1], 0.01);
  }

  nextChange(t) {
    const local = t % this.period;
    for (const r of this.rows) {
      if (r[0] > local) return t + (r[0] - local);
    }
    return t + (this.period - local);
  }

  /** Time at which `bytes` have arrived, starting at `start` (after the round trip). */
  transfer(start, bytes) {
    let t = start + RTT;
    let left = bytes * 8 / 1e6; // megabits
    for (let guard = 0; guard < 1e6; guard++) {
      const rate = this.mbpsAt(t);
      const until = this.nextChange(t);
      const can = rate * (until - t);
      if (can >= left) return t + left / rate;
      left -= can;
      t = until;
    }
    return t;
  }
}

function sizes(seed) {
  let x = seed >>> 0 || 1;
  const out = [];
  for (let i = 0; i < SEGMENTS; i++) {
    x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0;
    out.push(0.75 + 0.5 * (x % 10000) / 10000);
  }
  return out;
}

/** A model of dash.js's ThroughputRule + InsufficientBufferRule, per segment. */
class ThroughputModel {
  constructor() {
    this.fast = 0; this.slow = 0; this.n = 0;
  }
  addSample(s) {
    const kbps = s.bytes * 8 / s.ms;
    const a = (h) => 1 - Math.pow(0.5, s.ms / 1000 / h);
    if (this.n++ === 0) { this.fast = this.slow = kbps; return; }
    this.fast += a(3) * (kbps - this.fast);
    this.slow += a(8) * (kbps - this.slow);
  }
  decide(ctx) {
    if (this.n === 0) return { index: 1 };
    const t = Math.min(this.fast, this.slow) * 0.9;
    let idx = 0;
    LADDER.forEach((r, i) => { if (r <= t) idx = i; });
    const cap = t / 0.9 * 0.7 * ctx.bufferSeconds / SEGMENT;
    let capIdx = 0;
    LADDER.forEach((r, i) => { if (r <= cap) capIdx = i; });
    return { index: this.n > 2 ? Math.min(idx, capIdx) : idx };
  }
  follow() {}
}

/** Bytes of a transfer of `bytes` started at `start` that have arrived by time `t`. */
function arrivedBy(link, start, bytes, t) {
  let u = start + RTT;
  let got = 0; // megabits
  while (u < t) {
    const until = Math.min(link.nextChange(u), t);
    got += link.mbpsAt(u) * (until - u);
    u = until;
  }
  return Math.min(bytes, got * 1e6 / 8);
}

export function simulate(rows, policy, { seed = 7, log = null } = {}) {
  const link = new Link(rows);
  const factor = sizes(seed);
  let now = 0;          // wall clock
  let buffer = 0;       // seconds ahead of the playhead
  let playing = false;
  let rebuffer = 0;
  let startup = 0;
  let previous = null;
  let qoe = 0;
  let bitrateSum = 0;
  let switches = 0;
  let abandons = 0;
  const drain = (seconds) => {
    if (!playing) return;
    if (seconds > buffer) {
      rebuffer += seconds - buffer;
      buffer = 0;
    } else {
      buffer -= seconds;
    }
  };
  for (let i = 0; i < SEGMENTS; i++) {
    const target = previous === LADDER.length - 1 ? 30 : 18;
    if (buffer > target) {
      const wait = buffer - target;
      now += wait;
      buffer -= wait;
    }
    let { index } = policy.decide({ bufferSeconds: buffer, segmentSeconds: SEGMENT, targetSeconds: 18 });
    let bytes = LADDER[index] * 1000 / 8 * SEGMENT * factor[i];
    let end = link.transfer(now, bytes);
    // Abandonment: the policy looks at the download every 250 ms while it runs.
    if (playing && policy.abandon) {
      for (let t = now + 0.25; t < end; t += 0.25) {
        const elapsed = t - now;
        const left = buffer - elapsed;
        const lower = policy.abandon({ bytesLoaded: arrivedBy(link, now, bytes, t), bytesTotal: bytes,
          elapsedMs: elapsed * 1000, bufferSeconds: Math.max(0, left), segmentSeconds: SEGMENT, index });
        if (lower >= 0 && lower < index) {
          abandons++;
          if (log) log(`  t=${t.toFixed(1)} abandon ${LADDER[index]} -> ${LADDER[lower]}`);
          drain(elapsed);
          now = t;
          index = lower;
          bytes = LADDER[index] * 1000 / 8 * SEGMENT * factor[i];
          end = link.transfer(now, bytes);
          break;
        }
      }
    }
    const took = end - now;
    if (playing) {
      drain(took);
    } else {
      startup = end;
    }
    now = end;
    buffer += SEGMENT;
    playing = true;
    policy.addSample({ bytes, ms: took * 1000 });
    const mbps = LADDER[index] / 1000;
    if (log) {
      log(`seg ${i} t=${now.toFixed(1)} rung=${LADDER[index]} took=${took.toFixed(2)} buffer=${buffer.toFixed(1)} `
        + `link=${link.mbpsAt(now).toFixed(2)} rebuffer=${rebuffer.toFixed(1)} ${policy.last ? policy.last.reason : ''}`);
    }
    bitrateSum += mbps;
    qoe += mbps;
    if (previous !== null && previous !== index) {
      qoe -= Math.abs(mbps - LADDER[previous] / 1000);
      switches++;
    }
    previous = index;
  }
  qoe -= 4.3 * rebuffer;
  return { qoe, bitrate: bitrateSum / SEGMENTS, rebuffer, switches, startup, abandons };
}

function listTraces(dir) {
  const out = [];
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...listTraces(path));
    else if (name.endsWith('.tsv')) out.push(path);
  }
  return out;
}

function main(argv) {
  const dir = argv[0];
  if (!dir) {
    console.error('usage: abr-sim.js TRACE_DIR [--policy ours|tput] [--set key=value ...] [--verbose]');
    process.exit(2);
  }
  let policyName = 'ours';
  const overrides = {};
  let verbose = false;
  let only = null;
  for (let i = 1; i < argv.length; i++) {
    if (argv[i] === '--policy') policyName = argv[++i];
    else if (argv[i] === '--set') {
      const [k, v] = argv[++i].split('=');
      overrides[k] = Number(v);
    } else if (argv[i] === '--verbose') verbose = true;
    else if (argv[i] === '--only') only = argv[++i];
  }
  const make = () => policyName === 'tput' ? new ThroughputModel() : new AbrCore(LADDER, overrides);
  const results = [];
  for (const file of listTraces(dir)) {
    if (only && !file.includes(only)) continue;
    const r = simulate(readTrace(file), make(), { log: only ? console.log : null });
    results.push(r);
    if (verbose) {
      console.log(`${file.split('/').slice(-2).join('/')}\t${r.qoe.toFixed(1)}\t${r.bitrate.toFixed(2)}\t${r.rebuffer.toFixed(1)}\t${r.switches}`);
    }
  }
  const mean = k => results.reduce((a, r) => a + r[k], 0) / results.length;
  const playSeconds = SEGMENTS * SEGMENT;
  console.log(`${policyName} ${JSON.stringify(overrides)} traces=${results.length} qoe=${mean('qoe').toFixed(2)} `
    + `bitrate=${mean('bitrate').toFixed(3)} rebufferRatio=${(mean('rebuffer') / playSeconds * 100).toFixed(2)}% `
    + `switches=${mean('switches').toFixed(1)} abandons=${mean('abandons').toFixed(1)} startup=${mean('startup').toFixed(2)}`);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main(process.argv.slice(2));
}
