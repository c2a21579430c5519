#!/usr/bin/env node
// A trace-driven simulator of abr-core.js, for tuning its parameters quickly (seconds for every trace, where a
// real browser session takes minutes). It is not the benchmark: bench/qoe plays real sessions in Chromium,
// ours against dash.js's stock ABR. Here the reference is a model of dash.js's stock rules (StockModel),
// good enough to see which way a parameter pushes, not to quote.
//
//   node tools/abr-sim.js ../../shared/traces [--policy ours|stock] [--set key=value ...] [--verbose]
//
// Model: a 3-minute video of 4 s segments on the Pensieve ladder (300..4300 kbps), segment sizes varying
// +-25 % around the bitrate (--declared F: the MPD declares F x that, as a peak rate does; QoE counts the
// declared rate, as the player reports it); the link follows the trace (Mbps, looped) with an 80 ms round trip before each
// segment's first byte; the player fetches while its buffer is below the target (ours: 30 s; dash.js's stock
// settings: 18 s, 30 s at the top rung), starts playing after the first segment and stalls when the buffer runs dry.
// QoE_lin (Pensieve) = sum of bitrate (Mbps) - 4.3 x rebuffer seconds - sum of |bitrate change| (Mbps).

import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { AbrCore } from '../src/main/web/js/abr-core.js';
import { BUFFER_SECONDS } from '../src/main/web/js/abr-rule.js';

const NOMINAL = [300, 750, 1200, 1850, 2850, 4300];
// What the MPD declares for each rung: our packager writes the largest segment's rate, about 1.5x the average.
let LADDER = NOMINAL.slice();
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
      const until = Math.max(this.nextChange(t), t + 1e-6);
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

/**
 * A model of dash.js 5's stock ABR ("DYNAMIC"): its throughput estimate (the lower of a 3 s and an 8 s
 * half-life EWMA, x 0.9), the ThroughputRule below 12 s of buffer and BOLA above it (back under 6 s), the
 * InsufficientBufferRule's cap and the AbandonRequestsRule. The lowest bitrate any rule asks for wins, as in
 * dash.js. A model, not dash.js: for seeing directions only.
 */
class StockModel {
  constructor() {
    this.fast = 0; this.slow = 0; this.n = 0; this.current = 1; this.bola = false;
    const u = LADDER.map(b => Math.log(b));
    this.utilities = u.map(x => x - u[0] + 1);
    const bufferTime = Math.max(18, 10 + 2 * LADDER.length);
    this.gp = (this.utilities[LADDER.length - 1] - 1) / (bufferTime / 10 - 1);
    this.Vp = 10 / this.gp;
    this.last = { reason: '' };
  }
  addSample(s) {
    const kbps = s.bytes * 8 / s.ms;
    const a = (h) => 1 - Math.pow(0.5, s.ms / 1000 / h);
    if (this.n++ === 0) { this.fast = this.slow = kbps; return; }
    this.fast += a(3) * (kbps - this.fast);
    this.slow += a(8) * (kbps - this.slow);
  }
  forRate(kbps) {
    let idx = 0;
    LADDER.forEach((r, i) => { if (r <= kbps) idx = i; });
    return idx;
  }
  decide(ctx) {
    if (this.n === 0) { this.current = this.forRate(1000); return { index: this.current }; }
    const safe = Math.min(this.fast, this.slow) * 0.9;
    const buffer = ctx.bufferSeconds;
    this.bola = this.bola ? buffer > 6 : buffer > 12;
    let choice;
    const tputIdx = this.forRate(safe);
    if (!this.bola) {
      choice = tputIdx;
      this.last = { reason: 'throughput' };
    } else {
      let best = 0;
      let score = -Infinity;
      for (let i = 0; i < LADDER.length; i++) {
        const sc = (this.Vp * (this.utilities[i] - 1 + this.gp) - buffer) / LADDER[i];
        if (sc >= score) { score = sc; best = i; }
      }
      if (best > this.current && best > tputIdx) best = Math.max(tputIdx, this.current);
      choice = best;
      this.last = { reason: 'bola' };
    }
    if (this.n > 2) {
      const cap = this.forRate(Math.min(this.fast, this.slow) * 0.7 * buffer / SEGMENT);
      if (buffer <= 0.1) choice = 0; else choice = Math.min(choice, cap);
    }
    this.current = choice;
    return { index: choice };
  }
  abandon(p) {
    if (p.index === 0 || p.elapsedMs < 500) return -1;
    const kbps = p.bytesLoaded * 8 / p.elapsedMs;
    const total = p.bytesTotal * 8 / kbps / 1000;
    if (total < SEGMENT * 1.8 || p.bufferSeconds > 18) return -1;
    const idx = this.forRate(kbps);
    if ((p.bytesTotal - p.bytesLoaded) > p.bytesTotal * LADDER[idx] / LADDER[p.index]) {
      this.current = idx;
      return idx;
    }
    return -1;
  }
  follow() {}
}

/** Bytes of a transfer of `bytes` started at `start` that have arrived by time `t`. */
function arrivedBy(link, start, bytes, t) {
  let u = start + RTT;
  let got = 0; // megabits
  while (u < t) {
    const until = Math.min(Math.max(link.nextChange(u), u + 1e-6), t);
    got += link.mbpsAt(u) * (until - u);
    u = until;
  }
  return Math.min(bytes, got * 1e6 / 8);
}

export function simulate(rows, policy, { seed = 7, log = null, target: bufferTarget = 18, topTarget = 30, hiccups = 0 } = {}) {
  const link = new Link(rows);
  const factor = sizes(seed);
  // A loaded machine: now and then a download stalls for a second or two whatever the link (a starved proxy
  // or browser), which the player cannot tell from the network.
  const stall = sizes(seed * 31 + 1).map(x => ((x - 0.75) * 2 < hiccups ? 1 + 2 * ((x * 7919) % 1) : 0));
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
    const target = previous === LADDER.length - 1 ? topTarget : bufferTarget;
    if (buffer > target) {
      const wait = buffer - target;
      now += wait;
      buffer -= wait;
    }
    let { index } = policy.decide({ bufferSeconds: buffer, segmentSeconds: SEGMENT, targetSeconds: bufferTarget });
    let bytes = NOMINAL[index] * 1000 / 8 * SEGMENT * factor[i];
    let end = link.transfer(now, bytes) + stall[i];
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
          bytes = NOMINAL[index] * 1000 / 8 * SEGMENT * factor[i];
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
    policy.addSample({ bytes, ms: took * 1000, seconds: SEGMENT, declaredKbps: LADDER[index] });
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
    console.error('usage: abr-sim.js TRACE_DIR [--policy ours|stock] [--set key=value ...] [--verbose]');
    process.exit(2);
  }
  let policyName = 'ours';
  const overrides = {};
  let verbose = false;
  let only = null;
  let target = null;      // the buffer targets: ours fills 30 s at every rung, dash.js 18 s (30 s at the top)
  let hiccups = 0;
  let topTarget = null;
  for (let i = 1; i < argv.length; i++) {
    if (argv[i] === '--policy') policyName = argv[++i];
    else if (argv[i] === '--set') {
      const [k, v] = argv[++i].split('=');
      overrides[k] = Number.isNaN(Number(v)) ? v : Number(v);
    } else if (argv[i] === '--verbose') verbose = true;
    else if (argv[i] === '--only') only = argv[++i];
    else if (argv[i] === '--target') target = Number(argv[++i]);
    else if (argv[i] === '--top-target') topTarget = Number(argv[++i]);
    else if (argv[i] === '--hiccups') hiccups = Number(argv[++i]);
    else if (argv[i] === '--declared') {
      const f = Number(argv[++i]);
      LADDER = NOMINAL.map(r => r * f);
    }
  }
  const ours = policyName !== 'stock';
  target = target ?? (ours ? BUFFER_SECONDS : 18);
  topTarget = topTarget ?? (ours ? BUFFER_SECONDS : 30);
  const make = () => policyName === 'stock' ? new StockModel() : new AbrCore(LADDER, overrides);
  const results = [];
  for (const file of listTraces(dir)) {
    if (only && !file.includes(only)) continue;
    const r = simulate(readTrace(file), make(), { log: only ? console.log : null, target, topTarget, hiccups });
    results.push(r);
    if (verbose) {
      console.log(`${file.split('/').slice(-2).join('/')}\t${r.qoe.toFixed(1)}\t${r.bitrate.toFixed(2)}\t${r.rebuffer.toFixed(1)}\t${r.switches}`);
    }
  }
  const mean = k => results.reduce((a, r) => a + r[k], 0) / results.length;
  const playSeconds = SEGMENTS * SEGMENT;
  console.log(`${policyName} hiccups=${hiccups} declared=${(LADDER[0] / NOMINAL[0]).toFixed(2)}x target=${target}/${topTarget} ${JSON.stringify(overrides)} traces=${results.length} qoe=${mean('qoe').toFixed(2)} `
    + `bitrate=${mean('bitrate').toFixed(3)} rebufferRatio=${(mean('rebuffer') / playSeconds * 100).toFixed(2)}% `
    + `switches=${mean('switches').toFixed(1)} abandons=${mean('abandons').toFixed(1)} startup=${mean('startup').toFixed(2)}`);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main(process.argv.slice(2));
}
