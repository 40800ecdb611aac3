// The page's JavaScript and CSS as a few bundles (esbuild), built from web/ when the server starts
// and again whenever a source file changes. Why: a lab is ~30 small modules, and a browser fetches
// them over at most 6 connections, level by level; one file per page (and one per worker) starts
// the lab several hundred milliseconds sooner. Each bundle is served at the URL of its entry file,
// so the pages and the relative URLs inside the code are the same with and without bundling.
import * as esbuild from 'esbuild';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { repoRoot, contentTypes } from './site.mjs';
import { safeLocale } from '../../web/app/locale.js';

const WEB = path.join(repoRoot, 'web');
const UPLOT = path.join(repoRoot, 'node_modules/uplot/dist');

/** Entry files, relative to web/: the two pages, the element alone, the workers, the styles. */
export const BUNDLE_ENTRIES = [
  'index.js', 'embed.js', 'training-loop-lab.js',
  'app/worker.js', 'app/experiments/experiments-worker.js', 'app/experiments/run-worker.js',
  'styles/element.css',
];

// uPlot makes its number formatter from navigator.language when its module loads; WebKitGTK
// under LANG=C reports "C", Intl throws "RangeError: invalid language tag: C", and the element is
// never defined. The bundles give uPlot the lab's validated tag instead (web/app/locale.js). The
// exact text is checked, so an uPlot upgrade that changes it stops the build instead of
// bringing the bug back.
const UPLOT_LOCALE = 'new Intl.NumberFormat(domEnv ? nav.language : \'en-US\')';

/** uPlot's ESM source with its locale tag routed through safeLocale(). */
export function patchUplotLocale(source) {
  if (!source.includes(UPLOT_LOCALE)) throw new Error(`uPlot changed: ${UPLOT_LOCALE} not found; check how it picks its locale (see bundle.mjs)`);
  // The function's own source, not an import: an import in uPlot's file stops esbuild from
  // inlining uPlot's constants (a bigger bundle). safeLocale uses nothing but Intl.
  return source.replace(UPLOT_LOCALE, `new Intl.NumberFormat((${safeLocale})(domEnv ? nav.language : 'en-US'))`);
}

// The page imports uPlot from /vendor/uplot/ (a mount of node_modules/uplot/dist): same here.
const vendorPlugin = {
  name: 'vendor-uplot',
  setup(build) {
    build.onResolve({ filter: /\/vendor\/uplot\// }, (args) => ({ path: path.join(UPLOT, path.basename(args.path)) }));
    build.onLoad({ filter: /uPlot\.esm\.js$/ }, async (args) => ({
      contents: patchUplotLocale(await fs.readFile(args.path, 'utf8')),
      loader: 'js',
      resolveDir: UPLOT,
    }));
  },
};

// The page parses its attributes before its engine has loaded, yet its ranges come from the
// engine's limits table (web/app/state.js): the bundle gets the table itself, read once from the
// built engine (wasm/dist) when the bundler starts, in place of web/app/engine-limits.js (which,
// imported unbundled in node, asks the engine at run time).
const ENGINE_LIMITS_FILE = path.join(WEB, 'app/engine-limits.js');
let engineLimits = null;
const limitsPlugin = {
  name: 'engine-limits',
  setup(build) {
    build.onLoad({ filter: /[\\/]engine-limits\.js$/ }, async (args) => {
      if (path.resolve(args.path) !== ENGINE_LIMITS_FILE) return undefined;
      engineLimits ??= import('../lab.mjs').then(async ({ loadEngine }) => (await loadEngine()).limits());
      return { contents: `export const ENGINE_LIMITS = ${JSON.stringify(await engineLimits)};`, loader: 'js' };
    });
  },
};

const options = {
  absWorkingDir: WEB,
  entryPoints: BUNDLE_ENTRIES,
  outdir: WEB, // only names the outputs: nothing is written (write: false)
  outbase: WEB,
  bundle: true,
  format: 'esm',
  target: ['chrome100', 'firefox100', 'safari15'],
  minify: true,
  sourcemap: 'linked',
  legalComments: 'none',
  write: false,
  metafile: true,
  logLevel: 'silent',
  plugins: [vendorPlugin, limitsPlugin],
};

async function mtimes(files) {
  return Promise.all(files.map((f) => fs.stat(f).then((s) => s.mtimeMs, () => -1)));
}

/**
 * A bundler that rebuilds only when an input changed.
 * @returns {{get: (urlPath: string) => Promise<{body: Buffer, type: string}|null>, files: () => Promise<Map<string, Buffer>>, dispose: () => Promise<void>}}
 *   get: the bundle served at urlPath, or null for any other URL (answered without looking at
 *   the sources: the set of bundle URLs is fixed by BUNDLE_ENTRIES)
 */
export function createBundler() {
  let ctx = null;
  let built = null; // {outputs: Map<urlPath, Buffer>, inputs: string[], stamps: number[]}
  let building = null;

  async function build() {
    ctx ??= await esbuild.context(options);
    const r = await ctx.rebuild();
    const outputs = new Map();
    for (const f of r.outputFiles) outputs.set(`/${path.relative(WEB, f.path).split(path.sep).join('/')}`, Buffer.from(f.contents));
    const inputs = Object.keys(r.metafile.inputs).map((p) => path.resolve(WEB, p));
    return { outputs, inputs, stamps: await mtimes(inputs) };
  }

  async function current() {
    if (built && !building) {
      const now = await mtimes(built.inputs);
      if (now.every((t, i) => t === built.stamps[i])) return built;
    }
    building ??= build().finally(() => { building = null; });
    built = await building;
    return built;
  }

  return {
    async get(urlPath) {
      if (built && !built.outputs.has(urlPath)) return null;
      const body = (await current()).outputs.get(urlPath);
      return body ? { body, type: contentTypes[path.extname(urlPath)] } : null;
    },
    async files() { return (await current()).outputs; },
    async dispose() { await ctx?.dispose(); ctx = null; },
  };
}
