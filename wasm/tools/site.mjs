// The lab's static site: which URL prefix is served from which folder of the repo. The dev server
// (`node wasm/cli.mjs serve`) serves straight from these folders; `node wasm/cli.mjs site DIR`
// copies them into one folder for any static host (all URLs in the page are relative).
import { fileURLToPath } from 'node:url';
import path from 'node:path';

// This file is wasm/tools/site.mjs: the repo is two folders up.
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** The engine files the page loads; nothing else of wasm/ (sources, tools/) is served. */
export const ENGINE_FILES = ['lab.mjs', 'lab-core.mjs', 'lab-core.wasm', 'parallel.mjs', 'replica.mjs'];

/**
 * [urlPrefix, folders, only?] triples, most specific first. A prefix may list several folders
 * (first hit wins); `only`, when given, is the complete list of file names served under it.
 */
export const siteMounts = [
  ['/engine/', [path.join(root, 'wasm/dist'), path.join(root, 'wasm')], ENGINE_FILES],
  ['/vendor/uplot/', [path.join(root, 'node_modules/uplot/dist')]],
  ['/', [path.join(root, 'web')]],
];

export const contentTypes = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.wasm': 'application/wasm',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8', // the bundles' source maps
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.safetensors': 'application/octet-stream',
};

/**
 * The policy the page is written for (no inline scripts or styles; 'wasm-unsafe-eval' compiles the
 * engine). The server sends it with every response; a static host should send the same. It keeps
 * script out of the page even if something got an attribute or markup into it. frame-ancestors is
 * left open on purpose: course pages on other sites embed embed.html in an iframe.
 */
export const CONTENT_SECURITY_POLICY =
  "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; worker-src 'self'; "
  + "object-src 'none'; base-uri 'self'; form-action 'self'";

/** Headers on every response of the server (README "What the server sends"). */
export const SECURITY_HEADERS = {
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
};

export { root as repoRoot };
