import test from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ourAbrSettings, installOurAbr } from '../src/main/web/js/abr-rule.js';

const here = dirname(fileURLToPath(import.meta.url));

test('abr=ours switches off every ABR rule dash.js has (as its own typings list them)', () => {
  const typings = readFileSync(join(here, '..', 'node_modules/dashjs/index.d.ts'), 'utf8');
  const block = /abr\?: \{[\s\S]*?rules\?: \{([\s\S]*?)\n\s{12}\},\n\s{12}throughput\?:/.exec(typings);
  assert.ok(block, 'the rules block of dash.js settings');
  const names = [...block[1].matchAll(/^\s{16}(\w+)\?: \{/gm)].map(m => m[1]);
  assert.ok(names.length >= 6, names.join(','));
  const rules = ourAbrSettings().streaming.abr.rules;
  for (const name of names) {
    assert.deepEqual(rules[name], { active: false }, name + ' is left on');
  }
});

test('our rules go in through dash.js\'s public custom-rule API, after the built-in ones are off', () => {
  const calls = [];
  const player = {
    updateSettings: settings => calls.push(['updateSettings', settings]),
    addABRCustomRule: (type, name, factory) => calls.push(['addABRCustomRule', type, name, typeof factory]),
  };
  const dashjs = {
    FactoryMaker: {
      getClassFactoryByName: () => Object.assign(() => ({ create: () => ({}) }), { PRIORITY: { STRONG: 1 } }),
      getClassFactory: klass => klass,
    },
  };
  installOurAbr(player, dashjs, {});
  assert.deepEqual(calls.map(c => c.slice(0, 3)), [
    ['updateSettings', ourAbrSettings()],
    ['addABRCustomRule', 'qualitySwitchRules', 'StreamcdnAbrRule'],
    ['addABRCustomRule', 'abandonFragmentRules', 'StreamcdnAbandonRule'],
  ]);
  assert.equal(ourAbrSettings().streaming.buffer.fastSwitchEnabled, false);
});
