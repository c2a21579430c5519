import test from 'node:test';
import assert from 'node:assert/strict';
import { AbrCore, DEFAULTS, harmonicMean, highestBelow, isNetworkSample } from '../src/main/web/js/abr-core.js';

const LADDER = [300, 750, 1200, 1850, 2850, 4300];
const SEGMENT = 4;

/**
 * Plays `count` segments over a link of linkKbps(i) kbit/s: the buffer drains while each segment downloads
 * and gains a segment when it arrives; the player waits while the buffer is above its target (18 s).
 * Returns the rung index chosen for each segment.
 */
function play(core, linkKbps, count, state = { buffer: 0 }) {
  const picks = [];
  for (let i = 0; i < count; i++) {
    state.buffer = Math.min(state.buffer, 18);
    const { index } = core.decide({ bufferSeconds: state.buffer, segmentSeconds: SEGMENT, targetSeconds: 18 });
    const bytes = (core.rungs[index] * 1000 / 8) * SEGMENT;
    const ms = (bytes * 8) / linkKbps(i);
    state.buffer = Math.max(0, state.buffer - ms / 1000) + SEGMENT;
    core.addSample({ bytes, ms });
    picks.push(index);
  }
  return picks;
}

function switchesIn(picks) {
  let n = 0;
  for (let i = 1; i < picks.length; i++) {
    if (picks[i] !== picks[i - 1]) n++;
  }
  return n;
}

test('responses from the browser cache are not throughput samples', () => {
  const core = new AbrCore(LADDER);
  // transferSize 0 where the browser shows it: served from the cache, however long it took
  assert.equal(core.addSample({ bytes: 500_000, ms: 30, transferSize: 0, timingVisible: true }), false);
  // too small and too fast to have crossed a network
  assert.equal(core.addSample({ bytes: 8_000, ms: 0.4 }), false);
  assert.equal(core.addSample({ bytes: 600_000, ms: 1 }), false);
  assert.equal(core.estimate(), 0);
  assert.equal(core.ignored, 3);
  // a real download counts, and cached copies after it do not move the estimate
  assert.equal(core.addSample({ bytes: 500_000, ms: 2000, transferSize: 500_300, timingVisible: true }), true);
  const before = core.estimate();
  core.addSample({ bytes: 500_000, ms: 0.2, transferSize: 0, timingVisible: true });
  core.addSample({ bytes: 500_000, ms: 1.5 });
  assert.equal(core.estimate(), before);
  assert.equal(Math.round(before), 2000);
});

test('a transferSize of 0 is not taken for a cache hit when the browser hides sizes (cross-origin)', () => {
  assert.equal(isNetworkSample({ bytes: 500_000, ms: 900, transferSize: 0, timingVisible: false }), true);
});

test('one absurdly fast sample barely moves the estimate', () => {
  const core = new AbrCore(LADDER);
  for (let i = 0; i < 5; i++) {
    core.addSample({ bytes: 1_000_000, ms: 4000 }); // 2000 kbps
  }
  core.addSample({ bytes: 1_000_000, ms: 40 }); // 200 Mbps: a burst from a proxy's buffer
  assert.ok(core.estimate() < 2500, 'estimate ' + core.estimate());
  assert.ok(core.estimate() >= 2000);
});

test('a steady link gives a steady rung: no oscillation once settled', () => {
  for (const link of [1000, 1600, 2500, 3300, 5000, 8000]) {
    const core = new AbrCore(LADDER);
    const picks = play(core, () => link, 60);
    const settled = picks.slice(20);
    assert.equal(switchesIn(settled), 0, `link ${link} kbps: ${picks.join(' ')}`);
    // and it is the best rung the link carries with the safety margin, or one below it
    const best = highestBelow(LADDER, link * DEFAULTS.safety);
    assert.ok(settled[0] === best || settled[0] === best - 1, `link ${link}: rung ${settled[0]}, best ${best}`);
  }
});

test('a steady link with noisy samples does not make the rung flap', () => {
  const core = new AbrCore(LADDER);
  let seed = 12345;
  const noise = () => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return 0.75 + 0.5 * (seed / 2147483648);
  };
  const picks = play(core, () => 2400 * noise(), 80);
  assert.ok(switchesIn(picks.slice(15)) <= 2, picks.join(' '));
});

test('a bandwidth collapse drops the rung at the next segment, and to what the link carries within two', () => {
  const core = new AbrCore(LADDER);
  const state = { buffer: 0 };
  const before = play(core, () => 6000, 30, state);
  assert.equal(before[before.length - 1], LADDER.length - 1, before.join(' '));
  const after = play(core, () => 500, 6, state);
  assert.ok(after[1] <= 2, 'after the collapse: ' + after.join(' '));
  assert.ok(after.slice(2).every(i => i <= 1), after.join(' '));
});

test('less than one segment of buffer panics to the lowest rung', () => {
  const core = new AbrCore(LADDER);
  play(core, () => 6000, 30);
  const { index, reason } = core.decide({ bufferSeconds: 2, segmentSeconds: SEGMENT, targetSeconds: 18 });
  assert.equal(index, 0);
  assert.match(reason, /panic/);
});

test('after a collapse it climbs back, one rung at a time', () => {
  const core = new AbrCore(LADDER);
  const state = { buffer: 0 };
  play(core, () => 6000, 25, state);
  play(core, () => 400, 10, state);
  const back = play(core, () => 6000, 30, state);
  assert.equal(back[back.length - 1], LADDER.length - 1, back.join(' '));
  for (let i = 1; i < back.length; i++) {
    assert.ok(back[i] - back[i - 1] <= 1, 'jumped more than one rung: ' + back.join(' '));
  }
});

test('fast start: the lowest rung first, then the highest below half the first estimate', () => {
  const core = new AbrCore(LADDER);
  assert.equal(core.decide({ bufferSeconds: 0, segmentSeconds: SEGMENT, targetSeconds: 18 }).index, 0);
  core.addSample({ bytes: 150_000, ms: 200 }); // 6000 kbps
  const second = core.decide({ bufferSeconds: 3.8, segmentSeconds: SEGMENT, targetSeconds: 18 });
  assert.equal(second.index, highestBelow(LADDER, 3000)); // 2850
  const slow = new AbrCore(LADDER);
  slow.decide({ bufferSeconds: 0, segmentSeconds: SEGMENT, targetSeconds: 18 });
  slow.addSample({ bytes: 150_000, ms: 3000 }); // 400 kbps: nothing is below 200
  assert.equal(slow.decide({ bufferSeconds: 1, segmentSeconds: SEGMENT, targetSeconds: 18 }).index, 0);
});

test('a download that would empty the buffer is abandoned for a rung that arrives in time', () => {
  const core = new AbrCore(LADDER);
  play(core, () => 6000, 30);
  // 2850 kbps segment (1.4 MB) arriving at 600 kbps with 6 s buffered: 18 s more to go
  const choice = core.abandon({ bytesLoaded: 75_000, bytesTotal: 1_425_000, elapsedMs: 1000, bufferSeconds: 6,
    segmentSeconds: SEGMENT, index: 4 });
  assert.ok(choice >= 0 && choice <= 1, 'choice ' + choice);
  assert.ok(core.estimate() < 3000, 'the partial download counts: ' + core.estimate());
  // a download that finishes in time is left alone
  const calm = new AbrCore(LADDER);
  play(calm, () => 6000, 30);
  assert.equal(calm.abandon({ bytesLoaded: 700_000, bytesTotal: 1_425_000, elapsedMs: 1000, bufferSeconds: 15,
    segmentSeconds: SEGMENT, index: 4 }), -1);
});

test('helpers', () => {
  assert.equal(Math.round(harmonicMean([1000, 4000])), 1600);
  assert.equal(highestBelow(LADDER, 100), 0);
  assert.equal(highestBelow(LADDER, 1850), 3);
  assert.throws(() => new AbrCore([]));
  assert.throws(() => new AbrCore([800, 400]));
});
