// Security of what the lab serves and reads (node side): the server's headers, methods, files and
// start-up errors; which query parameters may become attributes; which text URLs are allowed; and
// an engine instance that hit a wasm trap is never used again.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, mkdirSync, writeFileSync, symlinkSync, rmSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { startServer } from '../../wasm/tools/server.mjs';
import { CONTENT_SECURITY_POLICY, ENGINE_FILES } from '../../wasm/tools/site.mjs';
import { applyQuery } from '../../web/app/url-query.js';
import { isTextSource, readState } from '../../web/app/state.js';
import { loadEngine } from '../../wasm/lab.mjs';
import { repo } from './helpers.mjs';

const cli = path.join(repo, 'wasm/cli.mjs');

/** Runs the CLI; resolves {code, stdout, stderr}, or rejects if it is still running after `ms`. */
function runCli(args, ms = 30_000) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => { stdout += d; });
    child.stderr.on('data', (d) => { stderr += d; });
    const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`cli ${args.join(' ')} still running after ${ms} ms (hangs); stderr: ${stderr}`)); }, ms);
    child.on('exit', (code) => { clearTimeout(timer); resolve({ code, stdout, stderr }); });
  });
}

function request(url, method) {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method }, (res) => {
      let body = '';
      res.on('data', (d) => { body += d; });
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

test('every response carries the strict CSP and nosniff: files, 404s and 405s', async () => {
  const server = await startServer({ port: 0 });
  try {
    for (const [p, method, status] of [['index.html', 'GET', 200], ['engine/lab-core.wasm', 'HEAD', 200], ['nope.html', 'GET', 404], ['index.html', 'POST', 405]]) {
      const res = await request(new URL(p, server.url), method);
      assert.equal(res.status, status, `${method} ${p}`);
      assert.equal(res.headers['content-security-policy'], CONTENT_SECURITY_POLICY, `${method} ${p}`);
      assert.equal(res.headers['x-content-type-options'], 'nosniff', `${method} ${p}`);
    }
    assert.match(CONTENT_SECURITY_POLICY, /script-src 'self' 'wasm-unsafe-eval';/);
    assert.doesNotMatch(CONTENT_SECURITY_POLICY, /'unsafe-inline'|'unsafe-eval'/);
  } finally { await server.close(); }
});

test('only GET and HEAD: other methods get 405 with Allow, never the file', async () => {
  const server = await startServer({ port: 0 });
  try {
    for (const method of ['POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS']) {
      const res = await request(new URL('index.html', server.url), method);
      assert.equal(res.status, 405, method);
      assert.equal(res.headers.allow, 'GET, HEAD');
      assert.doesNotMatch(res.body, /<html/i, `${method} must not send the page`);
    }
  } finally { await server.close(); }
});

test('under /engine/ only the engine files the page loads, none of its sources or tools', async () => {
  const server = await startServer({ port: 0 });
  try {
    for (const f of ENGINE_FILES) assert.equal((await fetch(new URL(`engine/${f}`, server.url))).status, 200, f);
    const tools = ['cli.mjs', 'cli-args.mjs', 'server.mjs', 'site.mjs', 'build-site.mjs', 'bundle.mjs'].map((f) => `tools/${f}`);
    const sources = ['bindings/trainer.cpp', 'bindings/settings.cpp', 'bindings/marshal.cpp', 'bindings/marshal.hpp'];
    for (const f of ['cli.mjs', ...tools, ...sources, 'tools/', 'dist/lab-core.wasm', '']) {
      assert.equal((await fetch(new URL(`engine/${f}`, server.url))).status, 404, `engine/${f}`);
    }
  } finally { await server.close(); }
});

test('a symbolic link is followed only when it stays inside its folder', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'lab-links-'));
  const outside = mkdtempSync(path.join(os.tmpdir(), 'lab-outside-'));
  try {
    mkdirSync(path.join(dir, 'site'));
    writeFileSync(path.join(dir, 'site', 'inside.txt'), 'inside');
    writeFileSync(path.join(outside, 'secret.txt'), 'secret');
    symlinkSync(path.join(outside, 'secret.txt'), path.join(dir, 'site', 'leak.txt'));
    symlinkSync(outside, path.join(dir, 'site', 'leakdir'));
    symlinkSync(path.join(dir, 'site', 'inside.txt'), path.join(dir, 'site', 'alias.txt'));
    const server = await startServer({ port: 0, extraMounts: [['/t/', [path.join(dir, 'site')]]] });
    try {
      assert.equal(await (await fetch(new URL('t/inside.txt', server.url))).text(), 'inside');
      assert.equal(await (await fetch(new URL('t/alias.txt', server.url))).text(), 'inside', 'a link inside the folder works');
      assert.equal((await fetch(new URL('t/leak.txt', server.url))).status, 404);
      assert.equal((await fetch(new URL('t/leakdir/secret.txt', server.url))).status, 404);
      assert.equal((await fetch(new URL('t/..%2f..%2fetc%2fpasswd', server.url))).status, 404);
    } finally { await server.close(); }
  } finally {
    rmSync(dir, { recursive: true, force: true });
    rmSync(outside, { recursive: true, force: true });
  }
});

test('serve: an empty --host is an error, and a start-up error exits at once instead of hanging', async () => {
  const empty = await runCli(['serve', '--host', '', '--port', '0']);
  assert.equal(empty.code, 2);
  assert.match(empty.stderr, /^error: host "" is not a host name or address/);
  await assert.rejects(startServer({ host: '' }), /host "" is not a host name/);

  const busy = await startServer({ port: 0 });
  try {
    const r = await runCli(['serve', '--port', String(busy.port)]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, new RegExp(`^error: port ${busy.port} is already in use`));
  } finally { await busy.close(); }
  const host = await runCli(['serve', '--host', 'no-such-host.invalid', '--port', '0']);
  assert.equal(host.code, 2);
  assert.match(host.stderr, /^error: cannot listen on host no-such-host\.invalid/);
});

/** A stand-in for the element: records setAttribute calls (setAttribute throws on bad names, as the DOM does). */
function fakeElement() {
  const attrs = new Map();
  return {
    attrs,
    setAttribute(name, value) {
      if (!/^[a-z][a-z0-9-]*$/.test(name)) throw new Error(`InvalidCharacterError: "${name}"`);
      attrs.set(name, value);
    },
  };
}

test('a link sets only the element\'s own attributes: no on* handlers, no style, no odd names', () => {
  const el = fakeElement();
  const ignored = applyQuery(el, '?onclick=alert(document.domain)&style=position:fixed;inset:0&onmouseover=x&a%20b=x&seed=3&n-layer=1&class=x&id=y&onclick=again');
  assert.deepEqual([...el.attrs.keys()].sort(), ['n-layer', 'seed']);
  assert.deepEqual(ignored, ['onclick', 'style', 'onmouseover', 'a b', 'class', 'id']);
  assert.deepEqual(el.ignoredParams, ignored);
  assert.deepEqual(applyQuery(fakeElement(), ''), []);
});

test('text URLs: a sample or a same-origin path ending in .txt, whatever the query says', () => {
  const origin = 'http://127.0.0.1:8000';
  for (const v of ['facts', 'book.txt', 'texts/book.txt?v=2', '/a/B.TXT']) assert.equal(isTextSource(v, origin), true, v);
  for (const v of ['/engine/lab-core.wasm?a.txt', '/engine/lab-core.wasm%3Fa.txt', '/engine/lab.mjs#x.txt', 'https://evil.example/x.txt',
    '//evil.example/a.txt', 'javascript:alert(1)//.txt', 'data:text/plain,hi.txt', '%E0%A4%A.txt']) {
    assert.equal(isTextSource(v, origin), false, v);
  }
  const { state, problems } = readState((n) => (n === 'text' ? '/engine/lab-core.wasm?a.txt' : null), { origin });
  assert.equal(state.text, 'facts');
  assert.equal(problems[0].name, 'text');
});

test('after a wasm trap the engine instance is never used again; loadEngine() gives a fresh one', async () => {
  const engine = await loadEngine();
  const text = 'the cat sat on the mat. the dog sat on the log. '.repeat(4);
  const a = engine.createTrainer(text, { nLayer: 1, nHead: 1, nEmbd: 8, blockSize: 8, batchSize: 2 });
  const b = engine.createTrainer(text, { nLayer: 1, nHead: 1, nEmbd: 8, blockSize: 8, batchSize: 2 });
  const fp = b.fingerprint();
  // What a trap inside the instance looks like from JS (out-of-bounds access, stack overflow).
  a._h.train = () => { throw new WebAssembly.RuntimeError('memory access out of bounds'); };
  assert.throws(() => a.train(1), (e) => e.trap === true && /^the engine stopped \(memory access out of bounds\)/.test(e.message));
  assert.equal(engine.broken, 'memory access out of bounds');
  assert.throws(() => b.fingerprint(), /this engine instance stopped after a wasm trap \(memory access out of bounds\)/);
  assert.throws(() => engine.createTrainer(text, {}), /stopped after a wasm trap/);
  a.dispose();
  b.dispose();
  const fresh = await loadEngine();
  assert.notEqual(fresh, engine);
  assert.equal(fresh.broken, null);
  const c = fresh.createTrainer(text, { nLayer: 1, nHead: 1, nEmbd: 8, blockSize: 8, batchSize: 2 });
  assert.equal(c.fingerprint(), fp, 'the fresh instance makes the same model from the same seed');
  assert.ok(Number.isFinite(c.train(2).loss));
  c.dispose();
  assert.equal(await loadEngine(), fresh, 'a healthy engine is loaded once');
  // A stack overflow is a trap too.
  const d = fresh.createTrainer(text, { nLayer: 1, nHead: 1, nEmbd: 8, blockSize: 8, batchSize: 2 });
  d._h.info = () => { throw new RangeError('Maximum call stack size exceeded'); };
  assert.throws(() => d.info(), (e) => e.trap === true);
  assert.notEqual(await loadEngine(), fresh);
});
