// A small static server for the lab (Chromium can't load workers or wasm from file://).
// Serves the page's bundles (bundle.mjs) and the mounts of site.mjs with correct content types;
// optional extra response headers (tests use them to send a strict Content-Security-Policy).
import http from 'node:http';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { siteMounts, contentTypes } from './site.mjs';
import { createBundler } from './bundle.mjs';

async function resolveFile(urlPath, mounts) {
  for (const [prefix, dirs] of mounts) {
    if (!urlPath.startsWith(prefix)) continue;
    let rel = urlPath.slice(prefix.length);
    if (rel === '' || rel.endsWith('/')) rel += 'index.html';
    for (const dir of dirs) {
      const file = path.resolve(dir, rel);
      if (!file.startsWith(path.resolve(dir) + path.sep)) return null; // no escaping the mount
      try {
        const st = await fs.stat(file);
        if (st.isFile()) return file;
      } catch { /* try the next folder */ }
    }
  }
  return null;
}

/**
 * Start serving the lab.
 * @param {{port?: number, host?: string, headers?: Record<string,string>, extraMounts?: Array<[string,string[]]>}} [opts]
 * @returns {Promise<{url: string, port: number, close: () => Promise<void>}>}
 */
export async function startServer(opts = {}) {
  const host = opts.host ?? '127.0.0.1';
  const mounts = [...(opts.extraMounts ?? []), ...siteMounts];
  const bundler = createBundler();
  await bundler.files(); // a broken source file stops the server here, with esbuild's message
  const server = http.createServer(async (req, res) => {
    try {
      const url = new URL(req.url, 'http://x');
      let urlPath = decodeURIComponent(url.pathname);
      const headers = { 'Cache-Control': 'no-cache', ...(opts.headers ?? {}) };
      if (urlPath === '/favicon.ico') {
        res.writeHead(204, headers);
        res.end();
        return;
      }
      let found = await bundler.get(urlPath);
      if (!found) {
        const file = await resolveFile(urlPath, mounts);
        if (!file) {
          res.writeHead(404, { ...headers, 'Content-Type': 'text/plain; charset=utf-8' });
          res.end(`not found: ${urlPath}\n`);
          return;
        }
        found = { body: await fs.readFile(file), type: contentTypes[path.extname(file).toLowerCase()] ?? 'application/octet-stream' };
      }
      // 'no-cache' + ETag: the browser asks every time and gets a 304 while the file is the same,
      // so it keeps its cache, including the compiled engine (a much faster second visit).
      const etag = `"${createHash('sha1').update(found.body).digest('base64url')}"`;
      if (req.headers['if-none-match'] === etag) {
        res.writeHead(304, { ...headers, ETag: etag });
        res.end();
        return;
      }
      res.writeHead(200, { ...headers, 'Content-Type': found.type, 'Content-Length': found.body.length, ETag: etag });
      res.end(req.method === 'HEAD' ? undefined : found.body);
    } catch (e) {
      res.writeHead(400, { 'Content-Type': 'text/plain; charset=utf-8' });
      res.end(`bad request: ${e.message}\n`);
    }
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, resolve);
  });
  const port = server.address().port;
  const shownHost = host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${shownHost}:${port}/`,
    port,
    close: () => new Promise((r) => { server.closeAllConnections?.(); server.close(() => r()); }).then(() => bundler.dispose()),
  };
}
