// The generated sample web/samples/fables.txt: the committed file is exactly what its generator
// writes, it keeps the patterns the page promises, and it is big enough to generalize from
// (a small model's validation loss stays near its training loss, unlike on a tiny sample).
import test from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { generateFables, CHARACTERS, OBJECTS, OUTPUT } from '../tools/generate-fables.mjs';
import { loadEngine } from '../../wasm/lab.mjs';
import { repo, unigramEntropy } from './helpers.mjs';

const committed = readFileSync(path.join(repo, 'web/samples/fables.txt'), 'utf8');
const MANY = 'two|three|four|five|six|seven|eight|nine|ten|eleven|twelve';
const fables = committed.trimEnd().split('\n\n').map((f) => f.split('\n'));

test('the generator reproduces the committed fables.txt byte for byte', () => {
  assert.equal(OUTPUT, path.join(repo, 'web/samples/fables.txt'));
  const generated = generateFables();
  assert.equal(generated.length, committed.length, 'run "node tests/tools/generate-fables.mjs" and commit the result');
  assert.ok(generated === committed, 'run "node tests/tools/generate-fables.mjs" and commit the result');
});

test('fables.txt is large, plain ASCII, and keeps the patterns the page describes', () => {
  assert.ok(committed.length >= 300_000 && committed.length <= 500_000, `${committed.length} characters`);
  assert.match(committed, /^[\x20-\x7e\n]+$/, 'printable ASCII and new lines only');
  const byName = new Map(CHARACTERS.map((c) => [c.name, c]));
  const byUpper = new Map(CHARACTERS.map((c) => [c.name.toUpperCase(), c]));
  assert.ok(fables.length > 300, `${fables.length} fables`);
  for (const lines of fables) {
    const where = `\n${lines.join('\n')}`;
    assert.match(lines[0], /^The [A-Z][a-z]+ and the [A-Z][a-z]+( [A-Z][a-z]+)?$/, `title${where}`);
    assert.match(lines.at(-1), /^Moral: [A-Z].*\.$/, `moral${where}`);
    for (const line of lines.slice(1)) {
      assert.match(line, /^([A-Z]+: )?[A-Z].*[.?!]$/, `a capital first, . ? or ! last${where}`);
      const speaker = /^([A-Z]+): /.exec(line)?.[1];
      if (speaker) assert.ok(byUpper.has(speaker), `speaker ${speaker} is a character`);
      for (const [, name, animal] of line.matchAll(/\b([A-Z][a-z]+) the ([a-z]+)\b/g)) {
        if (byName.has(name)) assert.equal(animal, byName.get(name).animal, `${name} is always the ${byName.get(name).animal}`);
      }
      assert.doesNotMatch(line, /\ba [aeiou]|\ban [^aeiou ]/i, `a / an${where}`);
      for (const o of OBJECTS) {
        assert.ok(!line.includes(`one ${o.many}`), `one ${o.one}${where}`);
        assert.doesNotMatch(line, new RegExp(`\\b(${MANY}) ${o.one}\\b`), `several ${o.many}${where}`);
      }
      assert.doesNotMatch(line, /\bThis [a-z ]+ are\b|\bThese [a-z ]+ is\b/, `this is / these are${where}`);
    }
  }
});

test('a small model generalizes on the fables but memorizes the rhymes', async () => {
  const engine = await loadEngine();
  const settings = { nLayer: 1, nHead: 2, nEmbd: 32, blockSize: 32, batchSize: 8, lr: 3e-3, seed: 7 };
  const gap = (text) => {
    const t = engine.createTrainer(text, settings);
    t.train(300);
    const ev = t.evaluate();
    t.dispose();
    return ev;
  };
  const f = gap(committed);
  assert.ok(f.trainLoss < unigramEntropy(committed), `fables: it learned something (${f.trainLoss})`);
  assert.ok(Math.abs(f.valLoss - f.trainLoss) < 0.15, `fables: val ${f.valLoss} ≈ train ${f.trainLoss}`);
  const r = gap(readFileSync(path.join(repo, 'web/samples/rhymes.txt'), 'utf8'));
  assert.ok(r.valLoss - r.trainLoss > 0.5, `rhymes: val ${r.valLoss} ≫ train ${r.trainLoss}`);
});
