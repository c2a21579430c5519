// QoE beacons: what the viewer lived through, batched and sent to the origin's POST /api/qoe (see the
// contract in README "Watch in the browser"). This module only builds the batches (pure, tested with node);
// the watch page decides when to send them (every 10 s of playback, and when the page is hidden) and sends
// them with navigator.sendBeacon.

/** The origin refuses bodies over 16 KiB and batches of more than 100 events. */
export const MAX_EVENTS = 100;
export const MAX_BYTES = 16 * 1024;

const ERROR_KINDS = new Set(['segment', 'manifest', 'decode', 'failover', 'other']);
const ABRS = new Set(['ours', 'stock']);

/** A session id as the contract wants it: 22 characters of [A-Za-z0-9_-] from 16 random bytes. */
export function newSessionId(randomBytes) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  let id = '';
  for (let i = 0; i < 22; i++) {
    id += alphabet[randomBytes[i % randomBytes.length] & 63];
  }
  return id;
}

/**
 * What happened since the last beacon. Played time is summed per rung and reported once per batch; every
 * other event is kept in order. drain() hands out the bodies to send (more than one when the events do not
 * fit one) and starts a new batch.
 */
export class QoeBatch {
  constructor({ session, video, abr, edge }) {
    this.session = session;
    this.video = video;
    this.abr = ABRS.has(abr) ? abr : 'ours';
    this.edge = edge || 'unknown';
    this.events = [];
    this.played = new Map();
  }

  /** The edge later events belong to; flush (drain) first so earlier events keep their edge. */
  setEdge(name) {
    this.edge = name || 'unknown';
  }

  startup(seconds) {
    this.events.push({ type: 'startup', seconds: round3(seconds) });
  }

  rebuffer(seconds) {
    this.events.push({ type: 'rebuffer', seconds: round3(seconds) });
  }

  switched(from, to) {
    this.events.push({ type: 'switch', from: String(from), to: String(to) });
  }

  error(kind) {
    this.events.push({ type: 'error', kind: ERROR_KINDS.has(kind) ? kind : 'other' });
  }

  /** Adds watching time at a rung; negative or non-finite amounts (seeks backwards) are ignored. */
  play(rung, seconds) {
    if (!Number.isFinite(seconds) || seconds <= 0 || !rung) {
      return;
    }
    this.played.set(rung, (this.played.get(rung) || 0) + seconds);
  }

  isEmpty() {
    return this.events.length === 0 && this.played.size === 0;
  }

  /** The JSON bodies to send for everything since the last drain (none when nothing happened). */
  drain() {
    const events = this.events.slice();
    for (const [rung, seconds] of this.played) {
      const rounded = round3(seconds);
      if (rounded > 0) {
        events.push({ type: 'played', rung, seconds: rounded });
      }
    }
    this.events = [];
    this.played = new Map();
    const bodies = [];
    let batch = [];
    for (const event of events) {
      const candidate = batch.concat([event]);
      if (batch.length > 0 && (candidate.length > MAX_EVENTS || byteLength(this.body(candidate)) > MAX_BYTES)) {
        bodies.push(this.body(batch));
        batch = [event];
      } else {
        batch = candidate;
      }
    }
    if (batch.length > 0) {
      bodies.push(this.body(batch));
    }
    return bodies;
  }

  body(events) {
    return JSON.stringify({ v: 1, session: this.session, video: this.video, edge: this.edge, abr: this.abr, events });
  }
}

const encoder = new TextEncoder();

function byteLength(text) {
  return encoder.encode(text).length;
}

function round3(value) {
  return Number.isFinite(value) ? Math.max(0, Math.round(value * 1000) / 1000) : 0;
}

const MANIFEST_CODES = new Set([10, 11, 12, 25, 29, 31, 32, 34]);
const SEGMENT_CODES = new Set([15, 17, 18, 19, 26, 27, 28]);
const DECODE_CODES = new Set([20, 23, 35]);

/** The beacon's error kind for a dash.js error code (MediaPlayer ERROR events). */
export function errorKindOf(code) {
  if (MANIFEST_CODES.has(code)) {
    return 'manifest';
  }
  if (SEGMENT_CODES.has(code)) {
    return 'segment';
  }
  if (DECODE_CODES.has(code)) {
    return 'decode';
  }
  return 'other';
}
