// The lab's static site: which URL prefix is served from which folder of the repo. The dev server
// (`node wasm/cli.mjs serve`) serves straight from these folders; `node wasm/cli.mjs site DIR`
// copies them into one folder for any static host (all URLs in the page are relative).
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** [urlPrefix, folder] pairs, most specific first. A prefix may list several folders (first hit wins). */
export const siteMounts = [
  ['/engine/', [path.join(root, 'wasm/dist'), path.join(root, 'wasm')]],
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

export { root as repoRoot };
