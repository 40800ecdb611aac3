// A small static server for the lab (Chromium can't load workers or wasm from file://).
// Serves the page's bundles (bundle.mjs) and the mounts of site.mjs with correct content types;
// optional extra response headers (tests use them to send a strict Content-Security-Policy).
import http from 'node:http';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { siteMounts, contentTypes, SECURITY_HEADERS } from './site.mjs';
import { createBundler } from './bundle.mjs';

/** Is `file` inside `dir` (both absolute, resolved)? */
const inside = (file, dir) => file.startsWith(dir + path.sep);

/**
 * The file a URL path names, or null. Only regular files inside a mount are served: `..` cannot
 * climb out, and a symbolic link is followed only if its target is inside the same mount.
 */
async function resolveFile(urlPath, mounts) {
  for (const [prefix, dirs, only] of mounts) {
    if (!urlPath.startsWith(prefix)) continue;
    let rel = urlPath.slice(prefix.length);
    if (rel === '' || rel.endsWith('/')) rel += 'index.html';
    if (only && !only.includes(rel)) return null;
    for (const dir of dirs) {
      const base = path.resolve(dir);
      const file = path.resolve(base, rel);
      if (!inside(file, base)) return null; // no escaping the mount
      try {
        const real = await fs.realpath(file);
        if (!inside(real, await fs.realpath(base))) return null;
        if ((await fs.stat(real)).isFile()) return real;
      } catch { /* try the next folder */ }
    }
  }
  return null;
}

/**
 * Start serving the lab.
 * Every response carries SECURITY_HEADERS (site.mjs); `headers` add to them or replace them.
 * @param {{port?: number, host?: string, headers?: Record<string,string>, extraMounts?: Array<[string,string[]]>}} [opts]
 * @returns {Promise<{url: string, port: number, close: () => Promise<void>}>}
 */
export async function startServer(opts = {}) {
  const host = opts.host ?? '127.0.0.1';
  if (typeof host !== 'string' || host.trim() === '') throw new Error(`host "${host}" is not a host name or address; use e.g. 127.0.0.1, localhost or 0.0.0.0 (all interfaces)`);
  const mounts = [...(opts.extraMounts ?? []), ...siteMounts];
  const bundler = createBundler();
  const base = { ...SECURITY_HEADERS, ...(opts.headers ?? {}) };
  try {
    await bundler.files(); // a broken source file stops the server here, with esbuild's message
  } catch (e) { await bundler.dispose(); throw e; }
  const server = http.createServer(async (req, res) => {
    try {
      const headers = { 'Cache-Control': 'no-cache', ...base };
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        res.writeHead(405, { ...headers, Allow: 'GET, HEAD', 'Content-Type': 'text/plain; charset=utf-8' });
        res.end(`method ${req.method} not allowed: this server only sends files (GET, HEAD)\n`);
        return;
      }
      const url = new URL(req.url, 'http://x');
      const urlPath = decodeURIComponent(url.pathname);
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
      res.writeHead(400, { ...base, 'Content-Type': 'text/plain; charset=utf-8' });
      res.end(`bad request: ${e.message}\n`);
    }
  });
  try {
    await new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(opts.port ?? 0, host, resolve);
    });
  } catch (e) {
    await bundler.dispose(); // nothing may keep the process alive after a failed start
    throw e;
  }
  const port = server.address().port;
  const shownHost = host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${shownHost}:${port}/`,
    port,
    close: () => new Promise((r) => { server.closeAllConnections?.(); server.close(() => r()); }).then(() => bundler.dispose()),
  };
}
