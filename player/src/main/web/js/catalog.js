// The catalog page: every video as a card (poster, title, duration, state); encoding videos show a live
// progress bar. GET /api/videos is polled every 2 s while any video is not ready (or failed), then stops.

import { loadConfig, originLink, getJson } from './config.js';
import { formatDuration, stateText } from './format.js';

const POLL_MS = 2000;
const list = document.getElementById('catalog');
const status = document.getElementById('catalog-status');
const empty = document.getElementById('catalog-empty');

function card(video) {
  const a = document.createElement('a');
  a.className = 'video-card';
  a.dataset.id = video.id;
  a.href = 'watch.html?v=' + encodeURIComponent(video.id);
  const poster = document.createElement('div');
  poster.className = 'poster';
  const duration = document.createElement('span');
  duration.className = 'duration';
  poster.append(duration);
  const meta = document.createElement('div');
  meta.className = 'meta';
  const title = document.createElement('span');
  title.className = 'title';
  const state = document.createElement('span');
  state.className = 'state';
  meta.append(title, state);
  a.append(poster, meta);
  const li = document.createElement('li');
  li.append(a);
  return li;
}

/** Brings one card up to date without rebuilding it (no flicker, focus kept). */
function update(li, video, config) {
  const a = li.firstElementChild;
  a.dataset.state = video.state;
  a.querySelector('.title').textContent = video.title || video.id;
  a.querySelector('.state').textContent = stateText(video);
  a.querySelector('.duration').textContent = formatDuration(video.durationSeconds);
  a.setAttribute('aria-label', (video.title || video.id) + ', ' + formatDuration(video.durationSeconds) + ', '
    + stateText(video));
  const poster = a.querySelector('.poster');
  let img = poster.querySelector('img');
  if (video.state === 'ready' && video.urls && video.urls.poster) {
    if (!img) {
      img = document.createElement('img');
      img.alt = '';
      img.loading = 'lazy';
      img.decoding = 'async';
      poster.prepend(img);
    }
    const src = originLink(config, video.urls.poster);
    if (img.src !== src) {
      img.src = src;
    }
  }
  let bar = a.querySelector('progress.encode-progress');
  if (video.state === 'encoding' || video.state === 'queued') {
    if (!bar) {
      bar = document.createElement('progress');
      bar.className = 'encode-progress';
      bar.max = 1;
      a.querySelector('.meta').append(bar);
    }
    bar.value = video.progress || 0;
    bar.setAttribute('aria-label', 'Encoding progress');
  } else if (bar) {
    bar.remove();
  }
}

function render(videos, config) {
  const existing = new Map([...list.children].map(li => [li.firstElementChild.dataset.id, li]));
  const wanted = [];
  for (const video of videos) {
    const li = existing.get(video.id) || card(video);
    update(li, video, config);
    wanted.push(li);
    existing.delete(video.id);
  }
  existing.forEach(li => li.remove());
  wanted.forEach((li, i) => {
    if (list.children[i] !== li) {
      list.insertBefore(li, list.children[i] || null);
    }
  });
  empty.hidden = videos.length > 0;
}

async function main() {
  const config = await loadConfig();
  let timer = null;
  const poll = async () => {
    timer = null;
    try {
      const { videos } = await getJson(originLink(config, '/api/videos'));
      render(videos, config);
      const busy = videos.filter(v => v.state === 'queued' || v.state === 'encoding').length;
      status.classList.remove('error');
      status.textContent = videos.length === 0 ? '' : videos.length + (videos.length === 1 ? ' video' : ' videos')
        + (busy > 0 ? ', ' + busy + ' encoding' : '');
      if (videos.some(v => v.state !== 'ready' && v.state !== 'failed')) {
        timer = setTimeout(poll, POLL_MS);
      }
    } catch (e) {
      status.classList.add('error');
      status.textContent = 'The catalog could not be loaded: ' + e.message + '. Retrying…';
      timer = setTimeout(poll, POLL_MS);
    }
  };
  await poll();
  // Coming back to the tab (after an upload elsewhere, say) refreshes the list once.
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'visible' && timer === null) {
      poll();
    }
  });
}

main();
