// Our ABR decision: which rung to fetch the next video segment at. Pure (no DOM, no dash.js, no clock of its
// own), so node's test runner and the trace simulator (player/tools/abr-sim.js) drive exactly the code the
// browser runs; abr-rule.js is the thin adapter that plugs it into dash.js's custom-rule API.
//
// Design (README "The player's ABR" says why each part is there):
//
//  * Throughput samples come from the video segments actually downloaded: bytes over the time from sending
//    the request to the last byte. Responses from the browser's cache measure nothing about the network and
//    are dropped: a transferSize of 0 where the browser lets us see it, or a response too small and too fast
//    to be a network transfer. Samples are capped at 20x the top rung so one absurd value cannot dominate.
//  * The estimate is robust: the harmonic mean of the last 5 samples (a single fast outlier barely moves it),
//    and when the link is dropping, the lower of that and a fast EWMA (so a collapse is seen after one
//    segment, not five).
//  * The rung is chosen from the safe throughput (estimate x 0.9) scaled by a buffer factor in the spirit of
//    BOLA: below the reservoir the factor is 1 (go by the safe throughput); as the buffer fills towards its
//    target the factor grows to 1 + bufferBoost, so a full buffer may carry a rung somewhat above the
//    measured rate and drain slowly, which is what a buffer is for. Below one segment of buffer the decision
//    is to panic: the lowest rung.
//  * Hysteresis: up one rung at a time, and only after the allowance has exceeded the next rung by upMargin
//    for upSegments segments in a row; down at once, as far as the allowance says. Each switch costs the
//    viewer (QoE_lin charges |delta bitrate| per switch), so a steady link must give a steady rung.
//  * Fast start: before any sample the first segment is fetched at the lowest rung (small: a fast first
//    frame); until the buffer first reaches the reservoir the rung is the highest one below startFactor x the
//    estimate, which may jump several rungs at once.

export const DEFAULTS = Object.freeze({
  safety: 0.9,            // share of the estimated throughput we plan to use
  window: 5,              // samples in the harmonic mean
  fastHalfLife: 1.5,      // samples; the EWMA that sees a collapse
  reservoirSeconds: 8,    // below this much buffer, go by the safe throughput alone (at least 2 segments)
  bufferBoost: 0.35,      // a full buffer allows a rung this much above the safe throughput
  upMargin: 0.1,          // the next rung must fit with this margin ...
  upSegments: 2,          // ... for this many segments in a row
  startFactor: 0.5,       // fast start: highest rung below this share of the first estimate
  minBytes: 16 * 1024,    // smaller responses say little about throughput
  cacheMs: 4,             // ... and when also faster than this they came from the browser's cache
  maxSampleFactor: 20,    // samples are capped at this multiple of the top rung
  abandonAfterMs: 500,    // a download is judged only after this long ...
  abandonBudget: 0.8,     // ... and abandoned when it would not end within this share of the buffer
});

/** Harmonic mean of positive numbers (0 for none). */
export function harmonicMean(values) {
  if (values.length === 0) {
    return 0;
  }
  let sum = 0;
  for (const v of values) {
    sum += 1 / v;
  }
  return values.length / sum;
}

/** The highest rung index whose bitrate is at most `kbps` (0 when none is). `rungs` ascend. */
export function highestBelow(rungs, kbps) {
  let index = 0;
  for (let i = 0; i < rungs.length; i++) {
    if (rungs[i] <= kbps) {
      index = i;
    }
  }
  return index;
}

/**
 * Whether a finished download measured the network: not a cache hit, not too small to tell.
 * @param sample {bytes, ms, transferSize?, timingVisible?}: timingVisible says the browser exposed the
 *        Resource Timing sizes (same origin, or Timing-Allow-Origin), so a transferSize of 0 means "cache".
 */
export function isNetworkSample(sample, options = DEFAULTS) {
  if (!sample || !(sample.bytes > 0) || !(sample.ms >= 0)) {
    return false;
  }
  if (sample.timingVisible && sample.transferSize === 0) {
    return false;
  }
  if (sample.bytes < options.minBytes) {
    return false;
  }
  return !(sample.ms < options.cacheMs);
}

export class AbrCore {
  /**
   * @param rungsKbps the video rungs' bitrates in kbit/s, lowest first
   * @param options   overrides of DEFAULTS
   */
  constructor(rungsKbps, options = {}) {
    if (!Array.isArray(rungsKbps) || rungsKbps.length === 0) {
      throw new Error('AbrCore needs at least one rung');
    }
    this.rungs = rungsKbps.slice();
    for (let i = 1; i < this.rungs.length; i++) {
      if (!(this.rungs[i] > this.rungs[i - 1])) {
        throw new Error('rungs must ascend: ' + this.rungs.join(','));
      }
    }
    this.options = Object.freeze({ ...DEFAULTS, ...options });
    this.samples = [];          // kbit/s, the last `window` accepted samples
    this.fast = 0;              // fast EWMA, kbit/s
    this.accepted = 0;          // samples accepted since the start
    this.ignored = 0;           // samples dropped as cache hits or too small
    this.index = 0;             // the rung last decided
    this.upStreak = 0;          // segments in a row the next rung would have fit
    this.streakAt = 0;          // the sample count the streak was last brought up to date with
    this.started = false;       // the buffer has reached the reservoir since the last restart
    this.last = { index: 0, reason: 'start' };
  }

  /** After a seek or a source change the buffer starts again from empty: fast start again, keep the estimate. */
  restart() {
    this.started = false;
    this.upStreak = 0;
  }

  /** Follows a rung set from outside (the viewer's quality menu, the abandon rule). */
  follow(index) {
    this.index = clampIndex(index, this.rungs.length);
    this.upStreak = 0;
  }

  /**
   * A downloaded video segment. Returns true when it counted as a throughput sample.
   * @param sample {bytes, ms, transferSize?, timingVisible?}
   */
  addSample(sample) {
    if (!isNetworkSample(sample, this.options)) {
      this.ignored++;
      return false;
    }
    this.push((sample.bytes * 8) / Math.max(sample.ms, 1));
    return true;
  }

  /** One throughput measurement in kbit/s, capped. */
  push(measured) {
    const cap = this.rungs[this.rungs.length - 1] * this.options.maxSampleFactor;
    const kbps = Math.min(cap, measured);
    this.samples.push(kbps);
    if (this.samples.length > this.options.window) {
      this.samples.shift();
    }
    const alpha = 1 - Math.pow(0.5, 1 / this.options.fastHalfLife);
    this.fast = this.accepted === 0 ? kbps : this.fast + alpha * (kbps - this.fast);
    this.accepted++;
  }

  /** The throughput estimate in kbit/s (0 before the first sample). */
  estimate() {
    if (this.samples.length === 0) {
      return 0;
    }
    const harmonic = harmonicMean(this.samples);
    // Dropping: the newest samples are below the window's mean; believe the fast average as soon as it is lower.
    return Math.min(harmonic, this.fast);
  }

  /** Safe throughput times the buffer factor: the highest bitrate we are willing to fetch now. */
  allowance(bufferSeconds, segmentSeconds, targetSeconds) {
    const o = this.options;
    const reservoir = Math.max(o.reservoirSeconds, 2 * segmentSeconds);
    const target = Math.max(targetSeconds || 0, reservoir + 2 * segmentSeconds);
    const fill = Math.min(1, Math.max(0, (bufferSeconds - reservoir) / (target - reservoir)));
    return this.estimate() * o.safety * (1 + o.bufferBoost * fill);
  }

  /**
   * The rung for the next video segment.
   * @param ctx {bufferSeconds, segmentSeconds, targetSeconds}: the buffer ahead of the playhead now, the
   *        segments' duration, and the buffer the player fills up to
   * @returns {index, reason}
   */
  decide(ctx) {
    const o = this.options;
    const buffer = Math.max(0, ctx.bufferSeconds || 0);
    const segment = ctx.segmentSeconds > 0 ? ctx.segmentSeconds : 2;
    const reservoir = Math.max(o.reservoirSeconds, 2 * segment);
    const top = this.rungs.length - 1;
    let index;
    let reason;
    if (this.accepted === 0) {
      index = 0;
      reason = 'start: lowest rung until the first sample';
    } else if (!this.started) {
      if (buffer >= reservoir) {
        this.started = true;
      }
      index = highestBelow(this.rungs, this.estimate() * o.startFactor);
      reason = 'fast start: highest rung below ' + o.startFactor + 'x the estimate';
    }
    if (index === undefined) {
      const allowed = this.allowance(buffer, segment, ctx.targetSeconds);
      const current = clampIndex(this.index, this.rungs.length);
      this.countStreak(allowed);
      if (buffer < segment) {
        index = 0;
        reason = 'panic: less than one segment buffered';
      } else if (this.rungs[current] > allowed) {
        index = highestBelow(this.rungs, allowed);
        reason = 'down: the allowance is ' + Math.round(allowed) + ' kbps';
      } else if (current < top && this.upStreak >= o.upSegments) {
        index = current + 1;
        reason = 'up: the next rung fitted for ' + this.upStreak + ' segments';
      } else {
        index = current;
        reason = 'stay';
      }
    }
    if (index !== this.index) {
      this.upStreak = 0;
    }
    this.index = index;
    this.last = { index, reason };
    return this.last;
  }

  /**
   * Whether to give up on the video segment downloading now and fetch it again at a lower rung, because at
   * the rate it is arriving the buffer would run dry first. Returns the rung to switch to, or -1 to go on.
   * The part already downloaded is a throughput sample (the newest, and usually the worst, news about the
   * link), so it is added to the estimate when the answer is to abandon.
   * @param p {bytesLoaded, bytesTotal, elapsedMs, bufferSeconds, segmentSeconds, index}
   */
  abandon(p) {
    const o = this.options;
    const index = clampIndex(p.index, this.rungs.length);
    if (index === 0 || !(p.elapsedMs >= o.abandonAfterMs) || !(p.bytesLoaded > 0) || !(p.bytesTotal > p.bytesLoaded)) {
      return -1;
    }
    const kbps = (p.bytesLoaded * 8) / p.elapsedMs;
    const remaining = ((p.bytesTotal - p.bytesLoaded) * 8) / kbps / 1000;
    const budget = Math.max(0, p.bufferSeconds) * o.abandonBudget;
    if (remaining <= budget) {
      return -1;
    }
    // The whole segment again at a lower rung, at the rate seen: the highest that fits the budget, else the lowest.
    let choice = 0;
    for (let r = index - 1; r > 0; r--) {
      if ((this.rungs[r] * p.segmentSeconds) / kbps <= budget) {
        choice = r;
        break;
      }
    }
    if ((this.rungs[choice] * p.segmentSeconds) / kbps >= remaining) {
      return -1; // starting over would not be sooner than finishing
    }
    this.push(kbps);
    this.follow(choice);
    this.last = { index: choice, reason: 'abandon: ' + Math.round(kbps) + ' kbps would empty the buffer' };
    return choice;
  }

  /**
   * Brings the up-streak up to date: once per new sample (a segment), does the allowance carry the next rung
   * with the margin?
   */
  countStreak(allowed) {
    if (this.accepted === this.streakAt) {
      return;
    }
    this.streakAt = this.accepted;
    const next = this.index + 1;
    const fits = next < this.rungs.length && allowed >= this.rungs[next] * (1 + this.options.upMargin);
    this.upStreak = fits ? this.upStreak + 1 : 0;
  }
}

function clampIndex(index, count) {
  return Math.max(0, Math.min(count - 1, Number.isInteger(index) ? index : 0));
}
