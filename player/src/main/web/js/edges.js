// Which edge the watch page plays from, and how it moves to another one. Pure functions over values (no DOM,
// no dash.js), so node's test runner covers them.
//
// The router's GET /api/route?video=ID ranks the edges for this viewer. Each entry has a `url` and, from
// issue 7 on, a `base`: the URL prefix under which this video's files live on that edge (signed when the
// router has a signing key). The player plays base + "manifest.mpd" when `base` is there, else
// url + "/videos/ID/manifest.mpd". The MPD's segment URLs are relative, so every request dash.js makes for
// the video starts with that prefix; moving to another edge is replacing the prefix (see rebase).

/** Ranked edges from the router's answer: [{name, url, base?}], entries without a usable URL dropped. */
export function edgesFromRoute(answer) {
  const list = answer && Array.isArray(answer.edges) ? answer.edges : [];
  return list
    .filter(e => e && typeof e.url === 'string' && /^https?:\/\//i.test(e.url))
    .map(e => {
      const edge = { name: String(e.name || hostOf(e.url)), url: stripSlash(e.url) };
      if (typeof e.base === 'string' && /^https?:\/\//i.test(e.base)) {
        edge.base = e.base.endsWith('/') ? e.base : e.base + '/';
      }
      return edge;
    });
}

/**
 * The origin as the only "edge", when no router is configured or it cannot be asked. With the video's API
 * record (GET /api/videos/ID), its `urls.mpd` gives the base: the MPD's folder, signed when the origin has
 * signing keys (a plain /videos/ID/ path would get 403 signed_url_missing there). Relative links are the
 * origin's own. Without a record, or one without an MPD link (not ready yet), the plain path is all there is.
 */
export function originEdge(originUrl, pageOrigin, video) {
  const url = stripSlash(originUrl || pageOrigin || '');
  const edge = { name: 'origin', url };
  const mpd = video && video.urls && typeof video.urls.mpd === 'string' ? video.urls.mpd : null;
  if (mpd) {
    try {
      const absolute = new URL(mpd, url + '/').href;
      if (/^https?:\/\//i.test(absolute)) {
        edge.base = prefixOf(absolute);
      }
    } catch (e) {
      // not a URL: the plain path
    }
  }
  return edge;
}

/**
 * Applies the page's `edge=` parameter: a name known to the router moves that edge first; a URL becomes
 * the first edge (named after its host), ahead of the router's own (without duplicates). Unknown names
 * leave the order alone.
 */
export function preferEdge(edges, wanted) {
  if (!wanted) {
    return edges.slice();
  }
  if (/^https?:\/\//i.test(wanted)) {
    const url = stripSlash(wanted);
    const known = edges.find(e => e.url === url);
    const first = known || { name: hostOf(url), url };
    return [first, ...edges.filter(e => e !== known)];
  }
  const named = edges.find(e => e.name === wanted);
  return named ? [named, ...edges.filter(e => e !== named)] : edges.slice();
}

/** The MPD's URL on an edge: its signed base when the router gave one, else its plain path. */
export function manifestUrl(edge, videoId) {
  if (edge.base) {
    return edge.base + 'manifest.mpd';
  }
  return stripSlash(edge.url) + '/videos/' + encodeURIComponent(videoId) + '/manifest.mpd';
}

/** The folder of a URL (everything up to and including the last '/' of its path), query dropped. */
export function prefixOf(url) {
  const noQuery = url.split(/[?#]/)[0];
  return noQuery.slice(0, noQuery.lastIndexOf('/') + 1);
}

/**
 * A request URL moved from one prefix to another: dash.js keeps asking for URLs under the prefix of the MPD
 * it loaded, and after a failover those requests must go to the new edge's prefix. URLs under any other
 * prefix are left alone.
 */
export function rebase(url, fromPrefix, toPrefix) {
  if (!fromPrefix || !toPrefix || fromPrefix === toPrefix || !url.startsWith(fromPrefix)) {
    return url;
  }
  return toPrefix + url.slice(fromPrefix.length);
}

/**
 * What a finished request means for the edge that answered it:
 *   'ok'       a 2xx, or a refusal that is about the content (404, 416): nothing to do with the edge;
 *   'ignore'   the player itself aborted the request (a seek, an abandoned download);
 *   'refresh'  403: a signed URL that expired or was refused; ask the router for fresh ones;
 *   'failover' no answer (connection refused or reset, timeout: status 0) or a 5xx: the edge is failing.
 */
export function classifyResponse({ status, aborted }) {
  if (aborted) {
    return 'ignore';
  }
  if (status === 0 || status === undefined || status === null || status >= 500) {
    return 'failover';
  }
  if (status === 403) {
    return 'refresh';
  }
  return 'ok';
}

/** The expiry (seconds since the epoch) of a signed base ".../s/<expiry>/<key>/<signature>/videos/ID/", or null. */
export function signedExpiry(base) {
  const m = /\/s\/(\d{9,12})\/[^/]+\/[^/]+\/videos\//.exec(base || '');
  return m ? Number(m[1]) : null;
}

/**
 * When to ask for fresh signed URLs (the router, or the origin's API): halfway to their expiry, never sooner
 * than 5 s from now. Halfway, not "a minute before": with the shortest lifetime (--signed-url-ttl 1m) that
 * would be at once, and again every 5 s. Null when the base is not signed, or when by this browser's clock
 * URLs just handed out have less than 10 s left (the clock is off; a timer would only ask again and again):
 * the 403 an expired URL gets still brings fresh ones.
 */
export function refreshDelayMs(base, nowMs) {
  const expiry = signedExpiry(base);
  if (expiry === null) {
    return null;
  }
  const left = expiry * 1000 - nowMs;
  if (left < 10000) {
    return null;
  }
  return Math.max(5000, left / 2);
}

/** The edge after `index` in the ranking, wrapping around; -1 when there is no other edge. */
export function nextEdgeIndex(index, count) {
  return count > 1 ? (index + 1) % count : -1;
}

function stripSlash(url) {
  return String(url).replace(/\/+$/, '');
}

function hostOf(url) {
  const m = /^https?:\/\/([^/?#]+)/i.exec(url);
  return m ? m[1] : String(url);
}
