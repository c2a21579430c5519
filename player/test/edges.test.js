import test from 'node:test';
import assert from 'node:assert/strict';
import {
  edgesFromRoute, originEdge, preferEdge, manifestUrl, prefixOf, rebase, classifyResponse, signedExpiry,
  refreshDelayMs, nextEdgeIndex,
} from '../src/main/web/js/edges.js';

const ROUTE = {
  video: 'abc123',
  edges: [
    { name: 'edge-a', url: 'http://127.0.0.1:8081/', distanceKm: 1, load: 0.1, reason: 'nearest' },
    { name: 'edge-b', url: 'http://127.0.0.1:8082', distanceKm: 900, load: 0.2, reason: 'farther' },
    { name: 'broken', url: 'ftp://nope' },
  ],
};

test('the router ranking becomes the edge list, in order, without unusable entries', () => {
  assert.deepEqual(edgesFromRoute(ROUTE), [
    { name: 'edge-a', url: 'http://127.0.0.1:8081' },
    { name: 'edge-b', url: 'http://127.0.0.1:8082' },
  ]);
  assert.deepEqual(edgesFromRoute({ edges: [] }), []);
  assert.deepEqual(edgesFromRoute(null), []);
});

test('without base the MPD is under /videos/ID/; with base (signed URLs) it is base + manifest.mpd', () => {
  const [a] = edgesFromRoute(ROUTE);
  assert.equal(manifestUrl(a, 'abc123'), 'http://127.0.0.1:8081/videos/abc123/manifest.mpd');
  const signed = edgesFromRoute({ edges: [{ name: 'e', url: 'http://e:8081',
    base: 'http://e:8081/s/1764892800/k1/c2lnbmF0dXJl/videos/abc123/' }] })[0];
  assert.equal(manifestUrl(signed, 'abc123'), 'http://e:8081/s/1764892800/k1/c2lnbmF0dXJl/videos/abc123/manifest.mpd');
  assert.equal(manifestUrl(originEdge('', 'http://127.0.0.1:8080'), 'abc123'),
    'http://127.0.0.1:8080/videos/abc123/manifest.mpd');
});

test('edge= moves a named edge first, or puts a given URL first', () => {
  const edges = edgesFromRoute(ROUTE);
  assert.deepEqual(preferEdge(edges, 'edge-b').map(e => e.name), ['edge-b', 'edge-a']);
  assert.deepEqual(preferEdge(edges, 'unknown').map(e => e.name), ['edge-a', 'edge-b']);
  assert.deepEqual(preferEdge(edges, 'http://127.0.0.1:9999/').map(e => e.url),
    ['http://127.0.0.1:9999', 'http://127.0.0.1:8081', 'http://127.0.0.1:8082']);
  assert.deepEqual(preferEdge(edges, 'http://127.0.0.1:8082').map(e => e.name), ['edge-b', 'edge-a']);
});

test('a failover moves every request under the old prefix to the new edge, signed prefixes included', () => {
  const from = prefixOf('http://a:8081/videos/abc123/manifest.mpd');
  assert.equal(from, 'http://a:8081/videos/abc123/');
  assert.equal(rebase('http://a:8081/videos/abc123/720p/seg-00007.m4s', from, 'http://b:8082/videos/abc123/'),
    'http://b:8082/videos/abc123/720p/seg-00007.m4s');
  const signed = 'http://b:8082/s/1764892800/k1/sig/videos/abc123/';
  assert.equal(rebase('http://a:8081/videos/abc123/audio/init.mp4', from, signed), signed + 'audio/init.mp4');
  assert.equal(rebase('http://other/x.js', from, signed), 'http://other/x.js');
  assert.equal(rebase('http://a:8081/videos/abc123/720p/seg-00007.m4s', from, from),
    'http://a:8081/videos/abc123/720p/seg-00007.m4s');
});

test('no answer and 5xx fail over; 403 refreshes signed URLs; aborts and content errors do not', () => {
  assert.equal(classifyResponse({ status: 0 }), 'failover');
  assert.equal(classifyResponse({ status: 502 }), 'failover');
  assert.equal(classifyResponse({ status: 504 }), 'failover');
  assert.equal(classifyResponse({ status: 403 }), 'refresh');
  assert.equal(classifyResponse({ status: 0, aborted: true }), 'ignore');
  assert.equal(classifyResponse({ status: 404 }), 'ok');
  assert.equal(classifyResponse({ status: 200 }), 'ok');
});

test('signed URLs are refreshed halfway to their expiry, never within 5 s', () => {
  const base = 'http://e:8081/s/1764892800/k1/c2ln/videos/abc123/';
  assert.equal(signedExpiry(base), 1764892800);
  assert.equal(signedExpiry('http://e:8081/videos/abc123/'), null);
  assert.equal(refreshDelayMs(base, (1764892800 - 6 * 3600) * 1000), 3 * 3600 * 1000); // the default 6 h
  assert.equal(refreshDelayMs(base, (1764892800 - 60) * 1000), 30 * 1000); // the shortest ttl, 1 min: not at once
  assert.equal(refreshDelayMs(base, (1764892800 - 12) * 1000), 6000);
  assert.equal(refreshDelayMs(base, (1764892800 - 10) * 1000), 5000);
  assert.equal(refreshDelayMs('http://e:8081/videos/abc123/', 0), null);
});

test('URLs that look expired by this browser\'s clock get no timer (it would fire every 5 s); a 403 refreshes them', () => {
  const base = 'http://e:8081/s/1764892800/k1/c2ln/videos/abc123/';
  assert.equal(refreshDelayMs(base, (1764892800 - 9) * 1000), null);
  assert.equal(refreshDelayMs(base, (1764892800 + 120) * 1000), null); // a clock two minutes ahead
  assert.equal(classifyResponse({ status: 403 }), 'refresh');
});

test('the next edge wraps around; with one edge there is none', () => {
  assert.equal(nextEdgeIndex(0, 2), 1);
  assert.equal(nextEdgeIndex(1, 2), 0);
  assert.equal(nextEdgeIndex(0, 1), -1);
});

test('without a router the origin plays from its API\'s MPD link: the signed folder when the origin signs', () => {
  const signed = { id: 'abc123', state: 'ready',
    urls: { mpd: '/s/1764892800/k1/c2lnbmF0dXJl/videos/abc123/manifest.mpd', hls: '/s/1764892800/k1/c2lnbmF0dXJl/videos/abc123/master.m3u8' } };
  const fromPage = originEdge('', 'http://127.0.0.1:8080', signed);
  assert.deepEqual(fromPage, { name: 'origin', url: 'http://127.0.0.1:8080',
    base: 'http://127.0.0.1:8080/s/1764892800/k1/c2lnbmF0dXJl/videos/abc123/' });
  assert.equal(manifestUrl(fromPage, 'abc123'), 'http://127.0.0.1:8080/s/1764892800/k1/c2lnbmF0dXJl/videos/abc123/manifest.mpd');
  assert.equal(signedExpiry(fromPage.base), 1764892800, 'the origin\'s signed base is refreshed like a router\'s');
  // An origin with --public-url gives absolute links (the CDN's name): they are used as they are.
  const absolute = originEdge('http://127.0.0.1:8080/', null,
    { urls: { mpd: 'https://cdn.example/s/1764892800/k1/c2ln/videos/abc123/manifest.mpd' } });
  assert.equal(absolute.base, 'https://cdn.example/s/1764892800/k1/c2ln/videos/abc123/');
  assert.equal(absolute.url, 'http://127.0.0.1:8080');
});

test('without signing, or without a usable record, the origin plays its plain /videos/ID/ path', () => {
  const plain = originEdge('', 'http://127.0.0.1:8080', { urls: { mpd: '/videos/abc123/manifest.mpd' } });
  assert.equal(manifestUrl(plain, 'abc123'), 'http://127.0.0.1:8080/videos/abc123/manifest.mpd');
  assert.equal(refreshDelayMs(plain.base, 0), null, 'nothing to refresh');
  for (const record of [null, undefined, {}, { state: 'encoding' }, { urls: {} }, { urls: { mpd: 42 } }]) {
    assert.deepEqual(originEdge('', 'http://127.0.0.1:8080', record), { name: 'origin', url: 'http://127.0.0.1:8080' });
  }
});
