// Where the origin (and the router) are: /player-config.json, which the origin writes from its flags
// ({"originUrl": "http://..." or "", "routerUrl": "http://..." or null}). Served from any other static host,
// the player reads that host's own player-config.json. An empty originUrl means "the origin served this page".

export async function loadConfig() {
  let config = {};
  try {
    const response = await fetch('player-config.json', { cache: 'no-cache' });
    if (response.ok) {
      config = await response.json();
    }
  } catch (e) {
    // No config: the page was served by the origin itself, without a router.
  }
  return {
    originUrl: typeof config.originUrl === 'string' ? config.originUrl.replace(/\/+$/, '') : '',
    routerUrl: typeof config.routerUrl === 'string' && config.routerUrl ? config.routerUrl.replace(/\/+$/, '') : null,
  };
}

/** An origin API path or link as an absolute URL (the API's links are relative when the origin has no --public-url). */
export function originLink(config, path) {
  return new URL(path, (config.originUrl || location.origin) + '/').href;
}

/** GET JSON, or throw an Error whose message is the server's reason when it gave one. */
export async function getJson(url) {
  const response = await fetch(url, { cache: 'no-store' });
  const body = await response.json().catch(() => null);
  if (!response.ok) {
    throw new Error((body && (body.reason || body.error)) || ('HTTP ' + response.status));
  }
  return body;
}
