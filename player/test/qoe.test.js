import test from 'node:test';
import assert from 'node:assert/strict';
import { QoeBatch, newSessionId, errorKindOf, MAX_BYTES, MAX_EVENTS } from '../src/main/web/js/qoe.js';

function batch() {
  return new QoeBatch({ session: 'AbCdEfGhIjKlMnOpQrStUv', video: 'abc123', abr: 'ours', edge: 'edge-a' });
}

test('a beacon carries the contract fields and the events in order, played time summed per rung', () => {
  const b = batch();
  b.startup(0.8412);
  b.play('360p', 4.5);
  b.switched('360p', '720p');
  b.play('720p', 3);
  b.play('360p', 0.5);
  b.rebuffer(1.2);
  b.error('segment');
  const bodies = b.drain();
  assert.equal(bodies.length, 1);
  assert.deepEqual(JSON.parse(bodies[0]), {
    v: 1, session: 'AbCdEfGhIjKlMnOpQrStUv', video: 'abc123', edge: 'edge-a', abr: 'ours',
    events: [
      { type: 'startup', seconds: 0.841 },
      { type: 'switch', from: '360p', to: '720p' },
      { type: 'rebuffer', seconds: 1.2 },
      { type: 'error', kind: 'segment' },
      { type: 'played', rung: '360p', seconds: 5 },
      { type: 'played', rung: '720p', seconds: 3 },
    ],
  });
  assert.ok(b.isEmpty());
  assert.deepEqual(b.drain(), []);
});

test('unknown error kinds become "other"; nonsense playing time is ignored', () => {
  const b = batch();
  b.error('weird');
  b.play('720p', -3);
  b.play('720p', NaN);
  const events = JSON.parse(b.drain()[0]).events;
  assert.deepEqual(events, [{ type: 'error', kind: 'other' }]);
});

test('more events than one beacon may carry are split into several, each within the limits', () => {
  const b = batch();
  for (let i = 0; i < 250; i++) {
    b.switched('360p', '720p');
  }
  const bodies = b.drain();
  assert.equal(bodies.length, 3);
  let total = 0;
  for (const body of bodies) {
    const parsed = JSON.parse(body);
    assert.ok(parsed.events.length <= MAX_EVENTS);
    assert.ok(new TextEncoder().encode(body).length <= MAX_BYTES);
    total += parsed.events.length;
  }
  assert.equal(total, 250);
  const big = batch();
  for (let i = 0; i < 90; i++) {
    big.switched('x'.repeat(200), 'y'.repeat(200));
  }
  for (const body of big.drain()) {
    assert.ok(new TextEncoder().encode(body).length <= MAX_BYTES, 'body of ' + body.length);
  }
});

test('events after an edge change are sent under the new edge', () => {
  const b = batch();
  b.error('failover');
  assert.equal(JSON.parse(b.drain()[0]).edge, 'edge-a');
  b.setEdge('edge-b');
  b.rebuffer(0.5);
  assert.equal(JSON.parse(b.drain()[0]).edge, 'edge-b');
});

test('session ids are 22 characters of [A-Za-z0-9_-]', () => {
  const id = newSessionId(new Uint8Array([0, 1, 2, 62, 63, 64, 255, 128, 7, 9, 11, 13, 17, 19, 23, 29]));
  assert.match(id, /^[A-Za-z0-9_-]{22}$/);
});

test('dash.js error codes map to the beacon error kinds', () => {
  assert.equal(errorKindOf(25), 'manifest');
  assert.equal(errorKindOf(27), 'segment');
  assert.equal(errorKindOf(20), 'decode');
  assert.equal(errorKindOf(999), 'other');
});
