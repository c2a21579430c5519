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
//    segment, not five). The plan discounts it by the worst relative error of the last 5 estimates
//    (RobustMPC): a link that surprised us lately is planned with a wider margin.
//  * Rungs are judged by what their segments really weigh. The MPD's bandwidth is a peak (ours: the heaviest
//    segment's rate), often 1.5x the average, so planning with it leaves a third of the link unused. Each
//    downloaded segment tells how its size compares with its rung's declared rate; the ratio (an average over
//    recent segments, 0.5..1.2) scales every rung's cost.
//  * The decision is model-predictive (MPC, as in Yin et al., SIGCOMM 2015): every sequence of rungs for the
//    next 5 segments is played out against the planned throughput and the buffer, scored with the objective
//    viewers' QoE is measured by (bitrate, minus stalls at the top rung's bitrate per second, minus each
//    switch's bitrate change, counted twice), and the first rung of the best sequence is fetched. The buffer
//    is what lets it ride above the link for a while and what it protects when the link falls.
//  * Hysteresis: up at most one rung at a time, and only when the plan has asked for it on two segments in a
//    row; down at once, as far as the plan says. Below one segment of buffer: the lowest rung (panic).
//  * Fast start: before any sample the first segment is fetched at the lowest rung (small: a fast first
//    frame); until the buffer first reaches the reservoir the rung is the highest one below startFactor x the
//    estimate, which may jump several rungs at once.
//  * Abandonment: a download that would not end before the buffer runs dry is dropped for a lower rung that
//    arrives well in time.

export const DEFAULTS = Object.freeze({
  window: 5,              // samples in the harmonic mean
  fastHalfLife: 1.5,      // samples; the EWMA that sees a collapse
  errorWindow: 5,         // past estimates whose worst relative error discounts the plan's throughput
  horizon: 5,             // segments the plan looks ahead (fewer when the ladder is long: at most ~50k plans)
  switchWeight: 2,        // the plan's price of a switch, in multiples of its bitrate change
  requestSeconds: 0.1,    // what each request costs before its first byte (a round trip or so), in the plan
  planUpSegments: 2,      // the plan must ask for a higher rung on this many segments in a row
  reservoirSeconds: 8,    // the buffer fast start fills before planning starts (at least 2 segments)
  startFactor: 0.5,       // fast start: highest rung below this share of the first estimate
  minBytes: 16 * 1024,    // smaller responses say little about throughput
  cacheMs: 4,             // ... and when also faster than this they came from the browser's cache
  maxSampleFactor: 20,    // samples are capped at this multiple of the top rung
  sizeHalfLife: 4,        // segments; the average of real size / declared rate
  minSizeRatio: 0.5,
  maxSizeRatio: 1.2,
  abandonAfterMs: 500,    // a download is judged only after this long, and this share of the buffer (a busy
  abandonWaitShare: 0.25, // machine or proxy stalls for a second or two: not a reason to throw a download away) ...
  abandonBudget: 0.8,     // ... and abandoned when it would not end within this share of the buffer,
  refetchBudget: 0.4,     // for a rung that arrives within this share (a link that just fell may fall further)
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
    this.started = false;       // the buffer has reached the reservoir since the last restart
    this.last = { index: 0, reason: 'start' };
    this.sizeRatio = 1;         // real segment rate / declared rung rate; 1 until segments say otherwise
    this.sized = 0;
    this.planUps = 0;           // segments in a row the plan asked for a higher rung
    this.planUpAt = -1;         // the sample count planUps was last brought up to date with
    this.errors = [];           // relative errors of the last estimates against the samples that followed
  }

  /** What fetching each rung costs in kbit/s: its declared rate scaled by the size ratio. */
  costs() {
    return this.rungs.map(r => r * this.sizeRatio);
  }

  /** After a seek or a source change the buffer starts again from empty: fast start again, keep the estimate. */
  restart() {
    this.started = false;
    this.planUps = 0;
  }

  /** Follows a rung set from outside (the viewer's quality menu, the abandon rule). */
  follow(index) {
    this.index = clampIndex(index, this.rungs.length);
    this.planUps = 0;
  }

  /**
   * A downloaded video segment. Returns true when it counted as a throughput sample.
   * @param sample {bytes, ms, transferSize?, timingVisible?, seconds?, declaredKbps?}: seconds and declaredKbps
   *        (the segment's duration and its rung's declared rate) teach the size ratio, cached or not
   */
  addSample(sample) {
    this.learnSize(sample);
    if (!isNetworkSample(sample, this.options)) {
      this.ignored++;
      return false;
    }
    this.push((sample.bytes * 8) / Math.max(sample.ms, 1));
    return true;
  }

  /** A segment's real rate against its rung's declared one. */
  learnSize(sample) {
    if (!sample || !(sample.bytes > 0) || !(sample.seconds > 0.5) || !(sample.declaredKbps > 0)) {
      return;
    }
    const o = this.options;
    const ratio = (sample.bytes * 8) / sample.seconds / 1000 / sample.declaredKbps;
    const alpha = this.sized === 0 ? 1 : 1 - Math.pow(0.5, 1 / o.sizeHalfLife);
    const next = this.sizeRatio + alpha * (ratio - this.sizeRatio);
    this.sizeRatio = Math.min(o.maxSizeRatio, Math.max(o.minSizeRatio, next));
    this.sized++;
  }

  /** One throughput measurement in kbit/s, capped. */
  push(measured) {
    const cap = this.rungs[this.rungs.length - 1] * this.options.maxSampleFactor;
    const kbps = Math.min(cap, measured);
    if (this.accepted > 0) {
      // how wrong the estimate made before this download was, for the next plan's discount
      this.errors.push(Math.abs(this.estimate() - kbps) / kbps);
      if (this.errors.length > this.options.errorWindow) {
        this.errors.shift();
      }
    }
    this.samples.push(kbps);
    const alpha = 1 - Math.pow(0.5, 1 / this.options.fastHalfLife);
    this.fast = this.accepted === 0 ? kbps : this.fast + alpha * (kbps - this.fast);
    if (this.samples.length > this.options.window) {
      this.samples.shift();
    }
    this.accepted++;
  }

  /**
   * The throughput estimate in kbit/s (0 before the first sample): the harmonic mean of the window or, when
   * lower, the fast EWMA (the link is dropping: believe it after one segment). With `lowBuffer`, the newest
   * sample alone when it is lower still: no time to wait for a second opinion.
   */
  estimate(lowBuffer = false) {
    const n = this.samples.length;
    if (n === 0) {
      return 0;
    }
    const estimate = Math.min(harmonicMean(this.samples), this.fast);
    return lowBuffer ? Math.min(estimate, this.samples[n - 1]) : estimate;
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
    const current = clampIndex(this.index, this.rungs.length);
    let index;
    let reason;
    if (this.accepted === 0) {
      index = 0;
      reason = 'start: lowest rung until the first sample';
    } else if (!this.started && buffer < reservoir) {
      index = highestBelow(this.costs(), this.estimate() * o.startFactor);
      reason = 'fast start: highest rung below ' + o.startFactor + 'x the estimate';
    } else if (buffer < segment) {
      this.started = true;
      index = 0;
      reason = 'panic: less than one segment buffered';
    } else {
      this.started = true;
      const planned = this.plan(buffer, segment, ctx.targetSeconds, current);
      index = planned.index;
      if (index > current) {
        // up one rung at most, and only when the plan insists: a rise the estimate overshot costs one step
        if (this.planUpAt !== this.accepted) {
          this.planUps++;
          this.planUpAt = this.accepted;
        }
        index = this.planUps >= o.planUpSegments ? current + 1 : current;
      } else {
        this.planUps = 0;
      }
      reason = (index > current ? 'up' : index < current ? 'down' : 'stay') + ': ' + planned.reason;
    }
    if (index !== current) {
      this.planUps = 0;
    }
    this.index = index;
    this.last = { index, reason };
    return this.last;
  }

  /**
   * The throughput the plan assumes, kbit/s: the estimate discounted by the worst relative error of the last
   * few estimates (RobustMPC's rule: a link that has surprised us lately is planned with a wider margin).
   */
  planningThroughput(lowBuffer) {
    const worst = this.errors.length === 0 ? 0 : Math.max(...this.errors);
    return this.estimate(lowBuffer) / (1 + worst);
  }

  /**
   * Model-predictive choice: every sequence of rungs for the next `horizon` segments is played out against
   * the planning throughput and the buffer (each download drains it, each segment adds its duration, the
   * player idles above its target), scored with the objective viewers' QoE is measured by - bitrate, minus
   * a stall second at the top rung's bitrate, minus each switch's bitrate change - and the first rung of the
   * best sequence is the answer.
   */
  plan(bufferSeconds, segmentSeconds, targetSeconds, current) {
    const o = this.options;
    const costs = this.costs();
    const n = costs.length;
    const reservoir = Math.max(o.reservoirSeconds, 2 * segmentSeconds);
    const cap = Math.max(targetSeconds || 0, reservoir + 2 * segmentSeconds);
    const throughput = Math.max(1, this.planningThroughput(bufferSeconds < reservoir));
    const stallPenalty = costs[n - 1] / 1000;
    let horizon = Math.max(1, o.horizon);
    while (horizon > 1 && Math.pow(n, horizon) > 50000) {
      horizon--;
    }
    const seconds = costs.map(c => (c * segmentSeconds) / throughput + o.requestSeconds);
    const utility = costs.map(c => c / 1000);
    let best = -Infinity;
    let bestFirst = current;
    const sequence = new Array(horizon).fill(0);
    const total = Math.pow(n, horizon);
    for (let code = 0; code < total; code++) {
      let c = code;
      for (let k = horizon - 1; k >= 0; k--) {
        sequence[k] = c % n;
        c = (c - sequence[k]) / n;
      }
      let buffer = Math.min(bufferSeconds, cap);
      let previous = current;
      let score = 0;
      for (let k = 0; k < horizon; k++) {
        const r = sequence[k];
        const download = seconds[r];
        if (download > buffer) {
          score -= stallPenalty * (download - buffer);
          buffer = 0;
        } else {
          buffer -= download;
        }
        buffer = Math.min(buffer + segmentSeconds, cap);
        score += utility[r] - o.switchWeight * Math.abs(utility[r] - utility[previous]);
        previous = r;
      }
      // ties go to the lower first rung (the safer one): only a strictly better plan replaces the best
      if (score > best + 1e-9) {
        best = score;
        bestFirst = sequence[0];
      }
    }
    return { index: bestFirst, reason: 'plan at ' + Math.round(throughput) + ' kbps, ' + horizon + ' segments ahead' };
  }

  /**
   * Whether to give up on the video segment downloading now and fetch it again at a lower rung, because at
   * the rate it is arriving the buffer would run dry first. Returns the rung to switch to, or -1 to go on.
   * The rate seen so far (the newest, and usually the worst, news about the link) pulls the fast average down
   * when the answer is to abandon.
   * @param p {bytesLoaded, bytesTotal, elapsedMs, bufferSeconds, segmentSeconds, index}
   */
  abandon(p) {
    const o = this.options;
    const index = clampIndex(p.index, this.rungs.length);
    const wait = Math.max(o.abandonAfterMs, o.abandonWaitShare * Math.max(0, p.bufferSeconds) * 1000);
    if (index === 0 || !(p.elapsedMs >= wait) || !(p.bytesLoaded > 0) || !(p.bytesTotal > p.bytesLoaded)) {
      return -1;
    }
    const kbps = (p.bytesLoaded * 8) / p.elapsedMs;
    const remaining = ((p.bytesTotal - p.bytesLoaded) * 8) / kbps / 1000;
    const budget = Math.max(0, p.bufferSeconds) * o.abandonBudget;
    if (remaining <= budget) {
      return -1;
    }
    // The whole segment again at a lower rung, at the rate seen: the highest that arrives well within the
    // buffer, else the lowest.
    const costs = this.costs();
    const refetch = Math.max(0, p.bufferSeconds) * o.refetchBudget;
    let choice = 0;
    for (let r = index - 1; r > 0; r--) {
      if ((costs[r] * p.segmentSeconds) / kbps <= refetch) {
        choice = r;
        break;
      }
    }
    if ((costs[choice] * p.segmentSeconds) / kbps >= remaining) {
      return -1; // starting over would not be sooner than finishing
    }
    // A partial download over a second or two is a rough measure: it moves the fast average (the next
    // decision sees the drop) but does not sit in the harmonic window for five segments.
    this.fast = Math.min(this.fast, kbps);
    this.follow(choice);
    this.last = { index: choice, reason: 'abandon: ' + Math.round(kbps) + ' kbps would empty the buffer' };
    return choice;
  }
}

function clampIndex(index, count) {
  return Math.max(0, Math.min(count - 1, Number.isInteger(index) ? index : 0));
}
