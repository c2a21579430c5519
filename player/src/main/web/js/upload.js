// The upload page: a file from the picker or dropped on the zone is sent at once as multipart/form-data
// (title, then file) to POST {origin}/api/videos with XMLHttpRequest, whose upload events drive the progress
// bar. Accepted (202): the video's encode is followed (GET /api/videos/{id} every second) until it is ready,
// then a link to watch it appears (and a button to delete it again). Refused: the origin's reason, as it wrote
// it. A refused delete says so in its own line, which the encode's progress (or its end) never overwrites.
// An origin with an admin token wants it on uploads and deletes: the "Operator" box holds it (admin-token.js),
// and opens by itself when the origin answers 401.

import { loadConfig, originLink, getJson } from './config.js';
import { formatBytes, stateText } from './format.js';
import { authorization, readToken, keepToken, tokenRefusal } from './admin-token.js';

const input = document.getElementById('upload-input');
const zone = document.getElementById('drop-zone');
const titleInput = document.getElementById('upload-title');
const uploadBar = document.getElementById('upload-progress');
const encodeRow = document.getElementById('encode-row');
const encodeBar = document.getElementById('encode-progress');
const status = document.getElementById('upload-status');
const watchLink = document.getElementById('watch-link');
const form = document.getElementById('upload-form');
const operatorBox = document.getElementById('operator-box');
const tokenInput = document.getElementById('admin-token');
const deleteButton = document.getElementById('delete-video');
const deleteStatus = document.getElementById('delete-status');

const configReady = loadConfig();
let config = null;
let busy = false;
let uploadedId = null;

tokenInput.value = readToken(sessionStorage);
if (tokenInput.value) {
  operatorBox.open = true;
}
tokenInput.addEventListener('input', () => keepToken(sessionStorage, tokenInput.value));

/** Puts the Authorization header on a write when a token is typed; says whether it did. */
function authorize(xhr) {
  const header = authorization(tokenInput.value);
  if (header) {
    xhr.setRequestHeader('Authorization', header);
  }
  return header !== null;
}

/** The message for a refused write: about the token when it is one (and the Operator box opens), else the reason. */
function refusalText(xhr, sentToken, what, fallback) {
  const refusal = tokenRefusal(xhr.status, sentToken, what);
  if (!refusal) {
    return fallback + ': ' + reasonOf(xhr);
  }
  operatorBox.open = true;
  tokenInput.focus();
  return refusal.text;
}

function say(text, kind) {
  status.textContent = text;
  status.classList.toggle('error', kind === 'error');
  status.classList.toggle('ok', kind === 'ok');
}

/** The refused delete's line, or none. */
function sayAboutDelete(text) {
  deleteStatus.textContent = text || '';
  deleteStatus.hidden = !text;
}

function reasonOf(xhr) {
  try {
    const body = JSON.parse(xhr.responseText);
    if (body && (body.reason || body.error)) {
      return body.reason || body.error;
    }
  } catch (e) {
    // not JSON
  }
  return xhr.status ? 'HTTP ' + xhr.status + (xhr.statusText ? ' ' + xhr.statusText : '') : 'no answer';
}

async function upload(file) {
  if (busy || !file) {
    return;
  }
  busy = true;
  config = await configReady;
  watchLink.hidden = true;
  deleteButton.hidden = true;
  uploadedId = null;
  sayAboutDelete(null);
  encodeRow.hidden = true;
  encodeBar.value = 0;
  uploadBar.value = 0;
  const form = new FormData();
  const title = titleInput.value.trim();
  if (title) {
    form.append('title', title);
  }
  form.append('file', file, file.name);
  const xhr = new XMLHttpRequest();
  xhr.open('POST', originLink(config, '/api/videos'));
  const sentToken = authorize(xhr);
  xhr.upload.onprogress = (e) => {
    if (e.lengthComputable && e.total > 0) {
      uploadBar.value = e.loaded / e.total;
      say('Uploading ' + file.name + ': ' + Math.floor((100 * e.loaded) / e.total) + ' % (' + formatBytes(e.loaded)
        + ' of ' + formatBytes(e.total) + ')');
    }
  };
  xhr.onload = () => {
    if (xhr.status === 202 || xhr.status === 201 || xhr.status === 200) {
      uploadBar.value = 1;
      let video = null;
      try {
        video = JSON.parse(xhr.responseText);
      } catch (e) {
        // handled below
      }
      if (!video || !video.id) {
        finish('The origin accepted the file but did not say which video it became.', 'error');
        return;
      }
      say('Uploaded. Encoding "' + (video.title || file.name) + '"…');
      uploadedId = video.id;
      deleteButton.hidden = false;
      encodeRow.hidden = false;
      follow(video.id);
    } else {
      uploadBar.value = 0;
      finish(refusalText(xhr, sentToken, 'uploads', 'The origin refused ' + file.name), 'error');
    }
  };
  xhr.onerror = () => {
    uploadBar.value = 0;
    finish('The upload of ' + file.name + ' failed: the origin could not be reached or closed the connection'
      + (xhr.status ? ' (' + reasonOf(xhr) + ')' : '') + '.', 'error');
  };
  say('Uploading ' + file.name + ' (' + formatBytes(file.size) + ')…');
  xhr.send(form);
}

function finish(text, kind) {
  say(text, kind);
  busy = false;
  input.value = '';
}

async function follow(id) {
  for (;;) {
    let video;
    let failure = null;
    try {
      video = await getJson(originLink(config, '/api/videos/' + encodeURIComponent(id)));
    } catch (e) {
      failure = e;
    }
    if (uploadedId !== id) {
      return; // deleted meanwhile (the delete said so), or another upload started
    }
    if (failure) {
      say('Waiting for the encode (' + failure.message + ')…');
      await sleep(2000);
      continue;
    }
    encodeBar.value = video.state === 'ready' ? 1 : video.progress || 0;
    if (video.state === 'ready') {
      watchLink.href = 'watch.html?v=' + encodeURIComponent(id);
      watchLink.textContent = 'Watch "' + (video.title || id) + '"';
      watchLink.hidden = false;
      finish('Ready to watch.', 'ok');
      return;
    }
    if (video.state === 'failed') {
      finish('The encode failed: ' + (video.error || 'no reason given'), 'error');
      return;
    }
    say(stateText(video) + '…');
    await sleep(1000);
  }
}

/** DELETE {origin}/api/videos/{id}, with the token when one is typed: the video and its files are gone. */
function deleteUploaded() {
  const id = uploadedId;
  if (!id || !window.confirm('Delete this video and its files from the origin?')) {
    return;
  }
  sayAboutDelete(null);
  const xhr = new XMLHttpRequest();
  xhr.open('DELETE', originLink(config, '/api/videos/' + encodeURIComponent(id)));
  const sentToken = authorize(xhr);
  xhr.onload = () => {
    if (xhr.status >= 200 && xhr.status <= 299) {
      uploadedId = null;
      deleteButton.hidden = true;
      watchLink.hidden = true;
      encodeRow.hidden = true;
      finish('Deleted.', 'ok');
    } else {
      sayAboutDelete(refusalText(xhr, sentToken, 'deletes', 'The origin did not delete it'));
    }
  };
  xhr.onerror = () => sayAboutDelete('The delete failed: the origin could not be reached.');
  xhr.send();
}

function sleep(ms) {
  return new Promise(resolve => setTimeout(resolve, ms));
}

deleteButton.addEventListener('click', deleteUploaded);
input.addEventListener('change', () => upload(input.files && input.files[0]));
form.addEventListener('submit', e => e.preventDefault());
['dragenter', 'dragover'].forEach(type => zone.addEventListener(type, e => {
  e.preventDefault();
  zone.classList.add('dragging');
}));
['dragleave', 'dragend'].forEach(type => zone.addEventListener(type, () => zone.classList.remove('dragging')));
zone.addEventListener('drop', e => {
  e.preventDefault();
  zone.classList.remove('dragging');
  const file = e.dataTransfer && e.dataTransfer.files && e.dataTransfer.files[0];
  if (file) {
    upload(file);
  }
});
// A file dropped outside the zone would make the browser navigate away to it.
window.addEventListener('dragover', e => e.preventDefault());
window.addEventListener('drop', e => e.preventDefault());
