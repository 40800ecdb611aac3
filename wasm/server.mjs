// A small static server for the lab (Chromium can't load workers or wasm from file://).
// Serves the mounts of site.mjs with correct content types; optional extra response headers
// (tests use them to send a strict Content-Security-Policy).
import http from 'node:http';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { siteMounts, contentTypes } from './site.mjs';

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
 * @param {{port?: number, host?: string, headers?: Record<string,string>, extraMounts?: Array<[string,string[]]>, quiet?: boolean}} [opts]
 * @returns {Promise<{url: string, port: number, close: () => Promise<void>}>}
 */
export async function startServer(opts = {}) {
  const host = opts.host ?? '127.0.0.1';
  const mounts = [...(opts.extraMounts ?? []), ...siteMounts];
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
      const file = await resolveFile(urlPath, mounts);
      if (!file) {
        res.writeHead(404, { ...headers, 'Content-Type': 'text/plain; charset=utf-8' });
        res.end(`not found: ${urlPath}\n`);
        return;
      }
      const body = await fs.readFile(file);
      const type = contentTypes[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
      res.writeHead(200, { ...headers, 'Content-Type': type, 'Content-Length': body.length });
      res.end(req.method === 'HEAD' ? undefined : body);
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
    close: () => new Promise((r) => { server.closeAllConnections?.(); server.close(() => r()); }),
  };
}
