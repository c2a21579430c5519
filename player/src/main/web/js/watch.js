// The watch page: watch.html?v=ID[&abr=ours|stock][&edge=URL-or-name][&t=SECONDS]
//
//  1. Where to play from: /player-config.json names the origin and the router. With a router, GET
//     {router}/api/route?video=ID ranks the edges; without one (or when it cannot answer) the origin plays.
//  2. dash.js plays base + "manifest.mpd" from the first edge. A request interceptor moves every request
//     to the edge in use now (rebase), so a failover keeps the buffer and the position: a request that fails
//     (no answer, 5xx) sends the next ones, dash.js's own retry included, to the next edge. A stall of more
//     than 2 s also moves on, reloading at the same position (the stuck download cannot be cancelled
//     otherwise). A 403 (signed URLs expired) asks for fresh URLs: the router, or, when the origin plays, the
//     origin's API (GET /api/videos/ID: its `urls` are signed with the origin's keys). Both are also asked again
//     before the URLs in use expire.
//  3. abr=ours (default): our rule (abr-rule.js over abr-core.js) with dash.js's own rules off; abr=stock:
//     dash.js untouched. Either way the page measures every video segment the same way (window.streamcdn).
//  4. QoE beacons (qoe.js) every 10 s of playback and when the page is hidden.

import { loadConfig, originLink, getJson } from './config.js';
import {
  edgesFromRoute, originEdge, preferEdge, manifestUrl, prefixOf, rebase, classifyResponse, refreshDelayMs,
  nextEdgeIndex,
} from './edges.js';
import { AbrCore } from './abr-core.js';
import { installOurAbr } from './abr-rule.js';
import { QoeBatch, newSessionId, errorKindOf } from './qoe.js';
import { formatKbps, rungName, rungLabel } from './format.js';

const STALL_FAILOVER_MS = 2000;
const BEACON_EVERY_SECONDS = 10;
const ROUTE_TIMEOUT_MS = 3000;

const params = new URLSearchParams(location.search);
const videoId = params.get('v') || '';
const abrMode = params.get('abr') === 'stock' ? 'stock' : 'ours';
const wantedEdge = params.get('edge');
const startAt = Math.max(0, Number(params.get('t')) || 0);

const video = document.getElementById('video');
const frame = document.getElementById('player');
const titleEl = document.getElementById('video-title');
const status = document.getElementById('watch-status');
const quality = document.getElementById('quality');
const statsEl = document.getElementById('stats');
const statsToggle = document.getElementById('stats-toggle');
const edgeChip = document.getElementById('edge-chip');
const statEls = Object.fromEntries(['rung', 'throughput', 'buffer', 'dropped', 'edge', 'rebuffers', 'abr']
  .map(k => [k, document.getElementById('stat-' + k)]));

// ---- what the page knows; window.streamcdn exposes it to tests and the QoE benchmark ----

let config = null;
let player = null;
let edges = [];
let edgeIndex = 0;
let playingFrom = 'router'; // 'router': edges ranked by /api/route; 'origin': the origin alone, links from its API
let sourcePrefix = '';     // the prefix of the MPD URL dash.js loaded: its requests all start with it
let core = null;           // our throughput estimator and (abr=ours) decision
let videoReps = [];        // video Representations, lowest bitrate first
let renderedRep = null;    // the video Representation on screen
let requestedAt = 0;       // performance.now() when the page asked for the stream
let startupSeconds = null;
let rebufferStart = null;  // performance.now() of the stall in progress
let rebufferSeconds = 0;
let rebuffers = 0;
let switches = 0;
let failovers = 0;
let errors = 0;
let seeking = false;
let stallTimer = null;
let refreshTimer = null;
let lastRefresh = 0;
let failoversSinceProgress = 0; // moves since the last segment that arrived: all edges failing stops the carousel
let resolveReady;
const ready = new Promise(resolve => {
  resolveReady = resolve;
});
const segments = [];
const events = [];
const decisions = [];       // abr=ours: our rule's last decisions, for reading what it did and why

const hooks = {
  get player() {
    return player;
  },
  ready,
  abr: abrMode,
  get edges() {
    return edges.map(e => ({ ...e }));
  },
  get edge() {
    return edges[edgeIndex] ? { ...edges[edgeIndex] } : null;
  },
  stats,
  segments,
  events,
  decisions,
};
window.streamcdn = hooks;

function record(type, details = {}) {
  const event = { t: performance.now(), type, ...details };
  events.push(event);
  return event;
}

function say(text, kind) {
  status.textContent = text;
  status.classList.toggle('error', kind === 'error');
}

// ---- QoE beacons ----

const batch = new QoeBatch({
  session: newSessionId(crypto.getRandomValues(new Uint8Array(16))),
  video: videoId,
  abr: abrMode,
  edge: 'unknown',
});
let playedSinceBeacon = 0;

function sendBeacons() {
  if (!config) {
    return;
  }
  playedSinceBeacon = 0;
  const url = originLink(config, '/api/qoe');
  for (const body of batch.drain()) {
    const blob = new Blob([body], { type: 'application/json' });
    let queued = false;
    try {
      queued = navigator.sendBeacon(url, blob);
    } catch (e) {
      queued = false;
    }
    if (!queued) {
      fetch(url, { method: 'POST', body, headers: { 'Content-Type': 'application/json' }, keepalive: true })
        .catch(() => {});
    }
  }
}

addEventListener('pagehide', sendBeacons);
document.addEventListener('visibilitychange', () => {
  if (document.visibilityState === 'hidden') {
    sendBeacons();
  }
});

// ---- stats ----

function repIndex(rep) {
  return rep ? videoReps.findIndex(r => r.id === rep.id) : -1;
}

function repName(rep) {
  return rep ? rungName(rep.width, rep.height) : 'other';
}

function currentRebufferSeconds() {
  return rebufferSeconds + (rebufferStart === null ? 0 : (performance.now() - rebufferStart) / 1000);
}

function stats() {
  const rep = renderedRep || (player && safe(() => player.getCurrentRepresentationForType('video')));
  const quality = video.getVideoPlaybackQuality ? video.getVideoPlaybackQuality() : null;
  return {
    rung: rep ? repName(rep) : null,
    rungIndex: repIndex(rep),
    bitrateKbps: rep ? rep.bitrateInKbit : 0,
    throughputKbps: core ? Math.round(core.estimate()) : 0,
    bufferSeconds: player ? round(safe(() => player.getBufferLength('video')) || 0, 3) : 0,
    droppedFrames: quality ? quality.droppedVideoFrames : 0,
    decodedFrames: quality ? quality.totalVideoFrames : 0,
    edge: edges[edgeIndex] ? edges[edgeIndex].name : null,
    rebuffers,
    rebufferSeconds: round(currentRebufferSeconds(), 3),
    startupSeconds,
    switches,
    failovers,
    errors,
  };
}

function showStats() {
  const s = stats();
  statEls.rung.textContent = s.rung ? s.rung + ' (' + Math.round(s.bitrateKbps) + ' kbps)' : '–';
  statEls.throughput.textContent = formatKbps(s.throughputKbps);
  statEls.buffer.textContent = s.bufferSeconds.toFixed(1) + ' s';
  statEls.dropped.textContent = s.droppedFrames + ' / ' + s.decodedFrames;
  statEls.edge.textContent = s.edge || '–';
  statEls.rebuffers.textContent = s.rebuffers + (s.rebuffers > 0 ? ' (' + s.rebufferSeconds.toFixed(1) + ' s)' : '');
  statEls.abr.textContent = abrMode;
  edgeChip.textContent = s.edge ? 'from ' + s.edge : '–';
}

function toggleStats() {
  statsEl.hidden = !statsEl.hidden;
  statsToggle.setAttribute('aria-pressed', String(!statsEl.hidden));
  showStats();
}

// ---- edges, failover ----

/** The video's API record from the origin, or null when it cannot be had. */
async function fetchVideo() {
  try {
    return await getJson(originLink(config, '/api/videos/' + encodeURIComponent(videoId)));
  } catch (e) {
    return null;
  }
}

async function resolveEdges(videoRecord) {
  const fromOrigin = async () => {
    playingFrom = 'origin';
    return [originEdge(config.originUrl, location.origin, await videoRecord)];
  };
  if (!config.routerUrl) {
    return fromOrigin();
  }
  try {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), ROUTE_TIMEOUT_MS);
    const response = await fetch(config.routerUrl + '/api/route?video=' + encodeURIComponent(videoId),
      { cache: 'no-store', signal: controller.signal });
    clearTimeout(timer);
    const ranked = edgesFromRoute(await response.json().catch(() => null));
    if (ranked.length > 0) {
      playingFrom = 'router';
      return ranked;
    }
    say('The router knows no available edge; playing from the origin.');
  } catch (e) {
    say('The router could not be asked (' + e.message + '); playing from the origin.');
  }
  return fromOrigin();
}

function currentPrefix() {
  return prefixOf(manifestUrl(edges[edgeIndex], videoId));
}

/** Moves to the next edge. `reload` restarts dash.js there at the same position (for stalls). */
function failover(reason, details = {}) {
  const next = nextEdgeIndex(edgeIndex, edges.length);
  if (next < 0) {
    return false;
  }
  if (failoversSinceProgress >= 2 * edges.length) {
    say('Every edge failed (' + edges.map(e => e.name).join(', ') + '); the video cannot be played now.', 'error');
    return false;
  }
  failoversSinceProgress++;
  const from = edges[edgeIndex];
  batch.error('failover');
  sendBeacons(); // the events so far belong to the edge we leave
  edgeIndex = next;
  const to = edges[edgeIndex];
  batch.setEdge(to.name);
  failovers++;
  record('failover', { from: from.name, to: to.name, reason, ...details });
  say('Playing from ' + to.name + ' (' + from.name + ' ' + (reason === 'stall' ? 'stalled' : 'failed') + ').');
  scheduleRefresh();
  if (details.reload) {
    reload();
  }
  showStats();
  return true;
}

/** dash.js again from the edge in use, at the current position (the buffer is lost, the position is not). */
function reload() {
  const url = manifestUrl(edges[edgeIndex], videoId);
  sourcePrefix = prefixOf(url);
  if (core) {
    core.restart();
  }
  player.attachSource(url, video.currentTime || startAt);
}

/**
 * Fresh signed URLs, on a 403 and before the ones in use expire: from the router, or from the origin's API when
 * the origin plays. dash.js keeps the MPD it has; its next requests are rebased onto the fresh prefix.
 */
async function refreshUrls(why) {
  if (Date.now() - lastRefresh < 5000) {
    return false;
  }
  if (playingFrom === 'origin') {
    lastRefresh = Date.now();
    const fresh = originEdge(config.originUrl, location.origin, await fetchVideo());
    if (!fresh.base || fresh.base === edges[edgeIndex].base) {
      return false;
    }
    edges = [fresh];
    edgeIndex = 0;
    record('refresh', { reason: why, edge: fresh.name });
    scheduleRefresh();
    return true;
  }
  if (!config.routerUrl) {
    return false;
  }
  lastRefresh = Date.now();
  const name = edges[edgeIndex].name;
  try {
    const response = await fetch(config.routerUrl + '/api/route?video=' + encodeURIComponent(videoId), { cache: 'no-store' });
    const fresh = edgesFromRoute(await response.json().catch(() => null));
    if (fresh.length === 0) {
      return false;
    }
    edges = fresh;
    const same = edges.findIndex(e => e.name === name);
    edgeIndex = same >= 0 ? same : 0;
    batch.setEdge(edges[edgeIndex].name);
    record('refresh', { reason: why, edge: edges[edgeIndex].name });
    scheduleRefresh();
    return true;
  } catch (e) {
    return false;
  }
}

function scheduleRefresh() {
  clearTimeout(refreshTimer);
  const delay = refreshDelayMs(edges[edgeIndex] && edges[edgeIndex].base, Date.now());
  if (delay !== null) {
    refreshTimer = setTimeout(() => refreshUrls('expiry'), delay);
  }
}

// ---- dash.js's requests and responses ----

/** Sends every request to the edge in use now, and marks the ones dash.js itself aborts. */
function interceptRequest(request) {
  request.url = rebase(request.url, sourcePrefix, currentPrefix());
  const data = request.customData || (request.customData = {});
  data.streamcdnEdge = edges[edgeIndex].name;
  if (data.request) {
    data.request.streamcdnSentAt = Date.now();
  }
  // dash.js aborts a request through customData.abort (a seek, an abandoned download): not the edge's fault.
  let abort = data.abort;
  Object.defineProperty(data, 'abort', {
    configurable: true,
    get() {
      return abort && function () {
        data.streamcdnAborted = true;
        return abort.apply(this, arguments);
      };
    },
    set(fn) {
      abort = fn;
    },
  });
  return Promise.resolve(request);
}

function resourceTiming(url) {
  const entries = performance.getEntriesByName(url, 'resource');
  return entries.length > 0 ? entries[entries.length - 1] : null;
}

function interceptResponse(response) {
  try {
    observe(response);
  } catch (e) {
    console.warn('streamcdn: could not observe a response', e);
  }
  return Promise.resolve(response);
}

const observed = new WeakSet();

function observe(response) {
  const sent = response.request || {};
  // dash.js may hand the same finished request to the interceptors twice; count it once.
  if (observed.has(sent)) {
    return;
  }
  observed.add(sent);
  const data = sent.customData || {};
  const request = data.request || {};
  const verdict = classifyResponse({ status: response.status, aborted: data.streamcdnAborted });
  const fromCurrentEdge = edges[edgeIndex] && data.streamcdnEdge === edges[edgeIndex].name;
  if (verdict === 'failover' && fromCurrentEdge) {
    failover(request.type === 'MPD' ? 'manifest' : 'segment', { status: response.status || 0, url: sent.url });
    return;
  }
  if (verdict === 'refresh' && fromCurrentEdge) {
    refreshUrls('403').then(fresh => {
      if (!fresh) {
        failover('segment', { status: 403, url: sent.url });
      }
    });
    return;
  }
  if (verdict !== 'ok' || response.status < 200 || response.status > 299) {
    return;
  }
  if (request.type !== 'MediaSegment' || request.mediaType !== 'video') {
    return;
  }
  const bytes = response.data && response.data.byteLength ? response.data.byteLength : 0;
  const timing = response.resourceTiming || {};
  const ms = Math.max(0, (timing.responseEnd || 0) - (timing.startTime || 0));
  const entry = resourceTiming(sent.url);
  const visible = !!entry && entry.responseStart > 0;
  failoversSinceProgress = 0;
  const rep = request.representation;
  const number = /seg-(\d+)\.m4s/.exec(sent.url || '');
  segments.push({
    t: performance.now(),
    url: sent.url,
    rungIndex: repIndex(rep),
    bitrateKbps: rep ? rep.bitrateInKbit : 0,
    bytes,
    ms: round(ms, 1),
    index: number ? Number(number[1]) : request.index,
  });
  if (core) {
    const sample = { bytes, ms, transferSize: entry ? entry.transferSize : undefined, timingVisible: visible,
      seconds: request.duration, declaredKbps: rep ? rep.bitrateInKbit : undefined };
    // A download from an edge we have left says nothing about the throughput of the one in use now; its size
    // still says what the rung weighs.
    if (fromCurrentEdge) {
      core.addSample(sample);
    } else {
      core.learnSize(sample);
    }
  }
}

// ---- our ABR's side ----

function ensureCore(reps) {
  if (reps && reps.length > 0 && (!core || core.rungs.length !== reps.length)) {
    videoReps = reps.slice().sort((a, b) => a.bitrateInKbit - b.bitrateInKbit);
    core = new AbrCore(videoReps.map(r => r.bitrateInKbit));
  }
  return core;
}

function bufferTarget() {
  const buffer = player.getSettings().streaming.buffer;
  return buffer.bufferTimeDefault || 18;
}

// ---- playback events ----

function onFirstFrame() {
  if (startupSeconds !== null) {
    return;
  }
  startupSeconds = round((performance.now() - requestedAt) / 1000, 3);
  record('startup', { seconds: startupSeconds });
  batch.startup(startupSeconds);
  say('');
  resolveReady(hooks);
}

function stallStarted() {
  if (rebufferStart !== null || startupSeconds === null || seeking || video.paused || video.ended) {
    return;
  }
  rebufferStart = performance.now();
  rebuffers++;
  record('rebuffer-start', { position: round(video.currentTime, 3), buffer: round(stats().bufferSeconds, 3) });
  clearTimeout(stallTimer);
  stallTimer = setTimeout(() => {
    if (rebufferStart !== null && !seeking) {
      failover('stall', { reload: true, position: round(video.currentTime, 3) });
    }
  }, STALL_FAILOVER_MS);
}

function stallEnded() {
  clearTimeout(stallTimer);
  if (rebufferStart === null) {
    return;
  }
  const seconds = (performance.now() - rebufferStart) / 1000;
  rebufferStart = null;
  rebufferSeconds += seconds;
  record('rebuffer-end', { seconds: round(seconds, 3) });
  batch.rebuffer(seconds);
}

let lastTime = null;
function onTimeUpdate() {
  const now = video.currentTime;
  if (lastTime !== null && !seeking && !video.paused) {
    const delta = now - lastTime;
    if (delta > 0 && delta < 1.5) {
      if (rebufferStart !== null) {
        stallEnded();
      }
      batch.play(renderedRep ? repName(renderedRep) : 'other', delta);
      playedSinceBeacon += delta;
      if (playedSinceBeacon >= BEACON_EVERY_SECONDS) {
        sendBeacons();
      }
    }
  }
  lastTime = now;
}

function onError(kind, message) {
  errors++;
  record('error', { kind, message });
  batch.error(kind);
}

/** Seconds buffered from `time` on, in the range that contains it. */
function bufferedAhead(time) {
  const ranges = video.buffered;
  for (let i = 0; i < ranges.length; i++) {
    if (ranges.start(i) <= time + 0.1 && time < ranges.end(i)) {
      return ranges.end(i) - time;
    }
  }
  return 0;
}

function wireVideo() {
  if ('requestVideoFrameCallback' in video) {
    video.requestVideoFrameCallback(() => onFirstFrame());
  }
  video.addEventListener('playing', () => {
    onFirstFrame();
    stallEnded();
  });
  video.addEventListener('waiting', stallStarted);
  video.addEventListener('timeupdate', onTimeUpdate);
  video.addEventListener('seeking', () => {
    seeking = true;
    stallEnded();
    // A seek out of what is buffered starts from an empty buffer: fast start again. dash.js's own small
    // seeks (over a gap) land inside the buffer and change nothing.
    if (core && bufferedAhead(video.currentTime) < 1) {
      core.restart();
    }
  });
  video.addEventListener('seeked', () => {
    seeking = false;
    lastTime = video.currentTime;
  });
  video.addEventListener('pause', () => stallEnded());
  video.addEventListener('ended', () => {
    stallEnded();
    sendBeacons();
  });
  video.addEventListener('error', () => {
    const code = video.error ? video.error.code : 0;
    onError(code === 3 || code === 4 ? 'decode' : 'other', video.error ? video.error.message : 'media error');
  });
}

function wirePlayer(dashjs) {
  const E = dashjs.MediaPlayer.events;
  player.on(E.STREAM_INITIALIZED, () => {
    const reps = safe(() => player.getRepresentationsByType('video')) || [];
    ensureCore(reps);
    fillQualityMenu();
  });
  player.on(E.QUALITY_CHANGE_RENDERED, e => {
    if (e.mediaType !== 'video') {
      return;
    }
    const from = renderedRep || e.oldRepresentation || null;
    renderedRep = e.newRepresentation || safe(() => player.getCurrentRepresentationForType('video'));
    if (from && renderedRep && from.id !== renderedRep.id) {
      switches++;
      record('switch', { from: repName(from), to: repName(renderedRep), fromIndex: repIndex(from), toIndex: repIndex(renderedRep) });
      batch.switched(repName(from), repName(renderedRep));
    }
    showStats();
  });
  player.on(E.PLAYBACK_NOT_ALLOWED, () => {
    // Autoplay with sound was refused: play muted, and say how to unmute.
    video.muted = true;
    video.play().catch(() => {});
    say('Playing muted (the browser refused sound without a click): press m or use the controls to unmute.');
  });
  player.on(E.ERROR, e => {
    const error = e.error || {};
    const kind = errorKindOf(error.code);
    onError(kind, error.message || String(error.code));
    if ((kind === 'segment' || kind === 'manifest') && failover(kind, { reload: true, code: error.code })) {
      return;
    }
    say('Playback failed: ' + (error.message || 'error ' + error.code), 'error');
  });
}

// ---- quality menu and keyboard ----

function fillQualityMenu() {
  const chosen = quality.value; // a reload (failover) fills the menu again: keep the viewer's choice
  quality.length = 1; // keep "Auto"
  videoReps.forEach((rep, i) => {
    const option = document.createElement('option');
    option.value = String(i);
    option.textContent = rungLabel(rep.width, rep.height, rep.bitrateInKbit);
    quality.append(option);
  });
  quality.disabled = videoReps.length === 0;
  if (chosen !== 'auto' && Number(chosen) < videoReps.length) {
    quality.value = chosen;
  }
}

function chooseQuality() {
  if (quality.value === 'auto') {
    player.updateSettings({ streaming: { abr: { autoSwitchBitrate: { video: true } } } });
    say('Quality: automatic (' + abrMode + ' ABR).');
    return;
  }
  const index = Number(quality.value);
  player.updateSettings({ streaming: { abr: { autoSwitchBitrate: { video: false } } } });
  const rep = videoReps[index];
  const dashIndex = (safe(() => player.getRepresentationsByType('video')) || []).findIndex(r => r.id === rep.id);
  player.setRepresentationForTypeByIndex('video', dashIndex >= 0 ? dashIndex : index, true);
  if (core) {
    core.follow(index);
  }
  say('Quality: ' + rungLabel(rep.width, rep.height, rep.bitrateInKbit) + '.');
}

function onKey(e) {
  if (e.ctrlKey || e.metaKey || e.altKey) {
    return;
  }
  const target = e.target;
  if (target && (target.tagName === 'INPUT' || target.tagName === 'SELECT' || target.tagName === 'TEXTAREA'
      || target.isContentEditable)) {
    return;
  }
  switch (e.key) {
    case ' ':
    case 'k':
      if (video.paused) {
        video.play().catch(() => {});
      } else {
        video.pause();
      }
      break;
    case 'f':
      if (document.fullscreenElement) {
        document.exitFullscreen().catch(() => {});
      } else {
        frame.requestFullscreen().catch(() => {});
      }
      break;
    case 'm':
      video.muted = !video.muted;
      say(video.muted ? 'Muted.' : 'Sound on.');
      break;
    case 's':
      toggleStats();
      break;
    case 'ArrowLeft':
      video.currentTime = Math.max(0, video.currentTime - 5);
      break;
    case 'ArrowRight':
      video.currentTime = Math.min(video.duration || Infinity, video.currentTime + 5);
      break;
    default:
      return;
  }
  e.preventDefault();
}

// ---- start ----

async function main() {
  wireVideo();
  document.addEventListener('keydown', onKey);
  statsToggle.addEventListener('click', toggleStats);
  quality.addEventListener('change', chooseQuality);
  setInterval(showStats, 500);
  if (!videoId) {
    titleEl.textContent = 'No video chosen';
    say('Open a video from the catalog.', 'error');
    return;
  }
  config = await loadConfig();
  const videoRecord = fetchVideo();
  getJson(originLink(config, '/api/videos/' + encodeURIComponent(videoId))).then(info => {
    titleEl.textContent = info.title || videoId;
    document.title = (info.title || videoId) + ' · streamcdn';
    if (info.state !== 'ready') {
      say('This video is not ready yet (' + info.state + ').', 'error');
    }
  }).catch(e => {
    titleEl.textContent = videoId;
    say('The origin does not know this video: ' + e.message, 'error');
  });
  requestedAt = performance.now();
  const dashjs = window.dashjs;
  if (!dashjs) {
    say('The player library (dash.js) did not load.', 'error');
    return;
  }
  edges = preferEdge(await resolveEdges(videoRecord), wantedEdge);
  edgeIndex = 0;
  batch.setEdge(edges[0].name);
  scheduleRefresh();

  player = dashjs.MediaPlayer().create();
  player.updateSettings({ debug: { logLevel: dashjs.Debug.LOG_LEVEL_WARNING } });
  if (abrMode === 'ours') {
    installOurAbr(player, dashjs, {
      core: reps => ensureCore(reps),
      bufferSeconds: () => safe(() => player.getBufferLength('video')) || 0,
      targetSeconds: () => bufferTarget(),
      onDecision: (decision, rep) => {
        const previous = decisions[decisions.length - 1];
        if (previous && previous.index === decision.index && decision.reason === 'stay') {
          return; // dash.js asks again while the buffer is full: nothing new
        }
        decisions.push({ t: performance.now(), index: decision.index, kbps: rep ? rep.bitrateInKbit : 0,
          reason: decision.reason, buffer: round(safe(() => player.getBufferLength('video')) || 0, 2),
          estimate: core ? Math.round(core.estimate()) : 0, sizeRatio: core ? round(core.sizeRatio, 3) : 1 });
        if (decisions.length > 1000) {
          decisions.splice(0, 500);
        }
      },
    });
  }
  player.addRequestInterceptor(interceptRequest);
  player.addResponseInterceptor(interceptResponse);
  if (performance.setResourceTimingBufferSize) {
    performance.setResourceTimingBufferSize(2000);
  }
  performance.addEventListener && performance.addEventListener('resourcetimingbufferfull', () => performance.clearResourceTimings());
  wirePlayer(dashjs);
  const url = manifestUrl(edges[0], videoId);
  sourcePrefix = prefixOf(url);
  player.initialize(video, url, true, startAt);
  showStats();
}

function safe(fn) {
  try {
    return fn();
  } catch (e) {
    return undefined;
  }
}

function round(value, digits) {
  const f = Math.pow(10, digits);
  return Math.round(value * f) / f;
}

main().catch(e => {
  onError('other', e.message);
  say('The player could not start: ' + e.message, 'error');
});
