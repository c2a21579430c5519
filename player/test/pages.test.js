// The pages as files: the element ids and classes the contract promises (README "Watch in the browser"; the
// e2e tests and the QoE benchmark select them), no script from another site, every local reference present,
// and one dash.js version everywhere it is named.
import test from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, existsSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const player = resolve(here, '..');
const web = join(player, 'src/main/web');
const read = path => readFileSync(join(web, path), 'utf8');
const pages = ['index.html', 'upload.html', 'watch.html'];

function hasElement(html, tag, id, extra = '') {
  const re = new RegExp(`<${tag}\\b[^>]*\\bid="${id}"[^>]*${extra}`);
  return re.test(html);
}

test('the catalog page and its script make the contract\'s cards', () => {
  const html = read('index.html');
  assert.ok(hasElement(html, 'ul', 'catalog'));
  const js = read('js/catalog.js');
  for (const piece of ["'video-card'", 'dataset.id', 'dataset.state', "'watch.html?v='", "'encode-progress'",
    "'/api/videos'", 'POLL_MS = 2000']) {
    assert.ok(js.includes(piece), 'catalog.js lacks ' + piece);
  }
});

test('the upload page has the contract\'s elements', () => {
  const html = read('upload.html');
  assert.ok(hasElement(html, 'input', 'upload-input', 'type="file"') || /<input type="file" id="upload-input"/.test(html));
  assert.ok(hasElement(html, 'div', 'drop-zone'));
  assert.ok(hasElement(html, 'progress', 'upload-progress'));
  assert.ok(hasElement(html, 'progress', 'encode-progress'));
  assert.ok(hasElement(html, 'p', 'upload-status', 'aria-live'));
  assert.ok(hasElement(html, 'a', 'watch-link'));
  assert.ok(hasElement(html, 'p', 'delete-status', 'role="alert"'), 'a refused delete needs its own line');
  const js = read('js/upload.js');
  assert.ok(js.includes('xhr.upload.onprogress') && js.includes("form.append('file'") && js.includes("form.append('title'"));
});

test('the upload page\'s admin token field is a password field the browser does not fill or keep, in the Operator box', () => {
  const html = read('upload.html');
  const field = /<input\b[^>]*\bid="admin-token"[^>]*>/.exec(html);
  assert.ok(field, 'no #admin-token');
  assert.match(field[0], /type="password"/);
  assert.match(field[0], /autocomplete="off"/);
  assert.ok(/<details class="operator" id="operator-box">[\s\S]*id="admin-token"[\s\S]*<\/details>/.test(html));
  const js = read('js/upload.js') + read('js/admin-token.js');
  assert.ok(!/localStorage\s*\.|document\.cookie|console\.(log|info|warn|error)\([^)]*token/i.test(js),
    'the token goes to sessionStorage only and is never logged');
  assert.ok(js.includes("setRequestHeader('Authorization'"));
});

test('the watch page has the contract\'s elements', () => {
  const html = read('watch.html');
  assert.ok(hasElement(html, 'video', 'video'));
  assert.ok(/<select id="quality"[^>]*>\s*<option value="auto">Auto<\/option>/.test(html));
  assert.ok(hasElement(html, 'dl', 'stats'));
  for (const stat of ['rung', 'throughput', 'buffer', 'dropped', 'edge', 'rebuffers']) {
    assert.ok(hasElement(html, 'dd', 'stat-' + stat), 'no #stat-' + stat);
  }
  const js = read('js/watch.js');
  for (const hook of ['player', 'ready', 'abr:', 'edges', 'edge()', 'stats,', 'segments,', 'events,']) {
    assert.ok(js.includes(hook), 'window.streamcdn lacks ' + hook);
  }
  assert.ok(js.includes('window.streamcdn = hooks'));
});

test('no page loads a script or stylesheet from another site', () => {
  for (const page of pages) {
    const html = read(page);
    const refs = [...html.matchAll(/<(?:script|link)\b[^>]*\b(?:src|href)="([^"]+)"/g)].map(m => m[1]);
    assert.ok(refs.length > 0);
    for (const ref of refs) {
      assert.ok(!/^(https?:)?\/\//i.test(ref), page + ' loads ' + ref);
    }
  }
});

test('every local file a page or module names exists (dash.js: in node_modules, copied by the build)', () => {
  for (const page of pages) {
    const html = read(page);
    for (const m of html.matchAll(/\b(?:src|href)="([^"#?]+)"/g)) {
      const ref = m[1];
      if (/^(https?:|mailto:)/.test(ref) || ref === './' || ref.endsWith('.html') && existsSync(join(web, ref))) {
        continue;
      }
      if (ref.startsWith('vendor/dashjs-')) {
        assert.ok(existsSync(join(player, 'node_modules/dashjs/dist/modern/umd', ref.split('/').pop())), ref);
        continue;
      }
      assert.ok(existsSync(join(web, ref)), page + ' names a missing ' + ref);
    }
  }
  for (const file of readdirSync(join(web, 'js'))) {
    for (const m of read('js/' + file).matchAll(/from '(\.[^']+)'/g)) {
      assert.ok(existsSync(join(web, 'js', m[1])), file + ' imports a missing ' + m[1]);
    }
  }
});

test('one dash.js version: package.json, package-lock.json, the parent pom and the watch page agree', () => {
  const pkg = JSON.parse(readFileSync(join(player, 'package.json'), 'utf8'));
  const lock = JSON.parse(readFileSync(join(player, 'package-lock.json'), 'utf8'));
  const version = pkg.dependencies.dashjs;
  assert.match(version, /^\d+\.\d+\.\d+$/, 'pinned exactly, not a range');
  assert.equal(lock.packages['node_modules/dashjs'].version, version);
  const pom = readFileSync(join(player, '..', 'pom.xml'), 'utf8');
  assert.equal(/<dashjs\.version>([^<]+)<\/dashjs\.version>/.exec(pom)[1], version);
  assert.ok(read('watch.html').includes(`src="vendor/dashjs-${version}/dash.all.min.js"`));
});

test('the lockfile names no download locations (omit-lockfile-registry-resolved), only versions and hashes', () => {
  const lock = readFileSync(join(player, 'package-lock.json'), 'utf8');
  assert.ok(!lock.includes('"resolved"'), 'package-lock.json has "resolved" URLs');
  assert.ok(lock.includes('"integrity"'));
  assert.match(readFileSync(join(player, '.npmrc'), 'utf8'), /omit-lockfile-registry-resolved=true/);
});
