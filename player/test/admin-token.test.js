import test from 'node:test';
import assert from 'node:assert/strict';
import { authorization, readToken, keepToken, tokenRefusal, STORAGE_KEY } from '../src/main/web/js/admin-token.js';

/** sessionStorage's interface over a Map (node has no sessionStorage). */
function memoryStorage() {
  const map = new Map();
  return {
    getItem: k => (map.has(k) ? map.get(k) : null),
    setItem: (k, v) => map.set(k, String(v)),
    removeItem: k => map.delete(k),
    map,
  };
}

test('a typed token becomes a Bearer header; an empty or blank field sends none', () => {
  assert.equal(authorization('  s3cret-token-0123456789 '), 'Bearer s3cret-token-0123456789');
  assert.equal(authorization(''), null);
  assert.equal(authorization('   '), null);
  assert.equal(authorization(undefined), null);
});

test('the token is kept for the tab under one key, forgotten when the field is emptied', () => {
  const storage = memoryStorage();
  assert.equal(readToken(storage), '');
  keepToken(storage, ' abc0123456789abcdef ');
  assert.equal(readToken(storage), 'abc0123456789abcdef');
  assert.deepEqual([...storage.map.keys()], [STORAGE_KEY]);
  keepToken(storage, '');
  assert.equal(readToken(storage), '');
  assert.equal(storage.map.size, 0);
});

test('storage that throws (disabled) keeps nothing and breaks nothing', () => {
  const broken = { getItem() { throw new Error('denied'); }, setItem() { throw new Error('denied'); }, removeItem() { throw new Error('denied'); } };
  assert.equal(readToken(broken), '');
  assert.doesNotThrow(() => keepToken(broken, 'abc0123456789abcdef'));
  assert.equal(readToken(null), '');
});

test('401 asks for the token, 403 after sending one says it is wrong, other refusals are not about the token', () => {
  assert.equal(tokenRefusal(401, false).kind, 'token-needed');
  assert.match(tokenRefusal(401, false).text, /needs the admin token/);
  assert.equal(tokenRefusal(401, true).kind, 'token-needed', 'a 401 despite a token: not a Bearer one');
  assert.equal(tokenRefusal(403, true).kind, 'token-wrong');
  assert.match(tokenRefusal(403, true).text, /token was refused/);
  assert.match(tokenRefusal(401, false, 'deletes').text, /for deletes/);
  // 403 without a token: an origin with no token configured refusing a page not on its machine; its reason says why.
  assert.equal(tokenRefusal(403, false), null);
  assert.equal(tokenRefusal(400, true), null);
  assert.equal(tokenRefusal(413, false), null);
});
