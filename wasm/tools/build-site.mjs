// Copies the lab's static files (site.mjs mounts) into one folder for any static host.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { siteMounts } from './site.mjs';
import { createBundler } from './bundle.mjs';

async function copyTree(src, dst) {
  let n = 0;
  await fs.mkdir(dst, { recursive: true });
  for (const entry of await fs.readdir(src, { withFileTypes: true })) {
    const s = path.join(src, entry.name);
    const d = path.join(dst, entry.name);
    if (entry.isDirectory()) n += await copyTree(s, d);
    else if (entry.isFile()) { await fs.copyFile(s, d); n += 1; }
  }
  return n;
}

/** Writes the site into `dir`; returns the number of files copied. */
export async function buildSite(dir) {
  let n = 0;
  for (const [prefix, dirs, only] of [...siteMounts].reverse()) {
    const target = path.join(dir, prefix);
    if (only) {
      await fs.mkdir(target, { recursive: true });
      for (const f of only) {
        const src = dirs.map((d) => path.join(d, f));
        const found = [];
        for (const s of src) { try { await fs.access(s); found.push(s); } catch { /* next */ } }
        if (!found.length) throw new Error(`engine file ${f} is missing: build the engine first`);
        await fs.copyFile(found[0], path.join(target, f));
        n += 1;
      }
    } else {
      for (const d of dirs) n += await copyTree(d, target);
    }
  }
  // The bundles replace their entry files (same URLs, see bundle.mjs).
  const bundler = createBundler();
  try {
    for (const [urlPath, body] of await bundler.files()) {
      const file = path.join(dir, urlPath);
      await fs.mkdir(path.dirname(file), { recursive: true });
      await fs.writeFile(file, body);
      n += 1;
    }
  } finally { await bundler.dispose(); }
  return n;
}
