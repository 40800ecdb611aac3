// tests/bench/compare.mjs, the A/B of two engine builds that the README's speed gains come from:
// a real (short) run of this checkout against itself prints a row per round, the means and the
// ratio; bad arguments are one `error:` line naming the value, exit 2.
import test from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expectError, repo } from './helpers.mjs';

const compare = (args) => {
  const r = spawnSync(process.execPath, [path.join(repo, 'tests/bench/compare.mjs'), ...args], { encoding: 'utf8', cwd: repo, timeout: 120000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
};

test('this checkout against itself: two timed rounds, the means and NEW ÷ OLD', () => {
  const r = compare(['.', repo, '--rounds', '2', '--seconds', '0.5', '--config', 'bench-small']);
  assert.equal(r.code, 0, r.stderr);
  const lines = r.stdout.trim().split('\n');
  assert.match(lines[0], /^bench-small, 2 rounds of 0\.5 s per build, alternating/);
  const rows = lines.filter((l) => /^\d+\s/.test(l)).map((l) => l.trim().split(/\s+/).slice(1).map((x) => Number(x.replace(/,/g, ''))));
  assert.equal(rows.length, 2, r.stdout);
  for (const row of rows) assert.ok(row.length === 2 && row.every((x) => x > 1000), `tokens/s: ${row}`);
  const ratio = Number(lines.at(-1).match(/NEW ÷ OLD = ([\d.]+)$/)?.[1]);
  // The same engine twice: the ratio is near 1 (the VM's noise, not a speed claim).
  assert.ok(ratio > 0.5 && ratio < 2, lines.at(-1));
});

test('bad arguments: one error line naming the value, exit 2', () => {
  expectError(compare(['.']), /two checkouts are needed \(OLD NEW\), got 1/);
  const empty = mkdtempSync(path.join(tmpdir(), 'lab-compare-'));
  expectError(compare(['.', empty]), new RegExp(`NEW ${empty.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: no built engine there`));
  expectError(compare(['.', '.', '--config', 'huge']), /--config huge: allowed are bench-small, bench-medium, nanogpt-cpu/);
  expectError(compare(['.', '.', '--rounds', '2.5']), /--rounds 2\.5: a whole number from 1 to 100/);
  expectError(compare(['.', '.', '--seconds', '0']), /--seconds 0: a number from 0\.5 to 60/);
  expectError(compare(['.', '.', '--speed', '3']), /unknown option --speed/);
  expectError(compare(['.', '.', '--rounds']), /--rounds needs a value/);
});
