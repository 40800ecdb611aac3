#!/usr/bin/env node
// The lab without a browser: train, evaluate, step, predict, generate, serve. A contract that
// graders script (README "CLI"): the last stdout line of each command is JSON; any bad input exits
// with code 2 and one line `error: …` on stderr.
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs, UsageError } from './cli-args.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
export const SAMPLE_TEXT = path.join(here, '..', 'web', 'samples', 'facts.txt');

const HELP = {
  main: `usage: node wasm/cli.mjs <command> [options]

commands:
  train      train a model on a text (default: the built-in sample) and optionally save it
  eval       mean cross-entropy of a checkpoint on a text
  step       one training step on all windows of a text; writes the updated checkpoint
  predict    next-token probabilities after a prompt
  generate   sample a continuation of a prompt
  serve      serve the lab on localhost
  site       copy the lab's static files into a folder for any static host

Run "node wasm/cli.mjs <command> --help" for a command's options.`,
  train: `usage: node wasm/cli.mjs train [--text FILE] [--steps N] [--seed S] [--n-layer L] [--n-head H]
       [--n-embd C] [--block-size T] [--batch-size B] [--optimizer sgd|momentum|adamw] [--lr X]
       [--tokenizer char|bpe] [--vocab-size V] [--workers N] [--out FILE.safetensors]

Trains on FILE (default: the built-in sample text). --workers N splits every batch over N worker
threads holding a copy of the model each (default: one per core, at most one per batch row and 16,
fewer if memory is short); 1 = no extra threads. Progress goes to stderr; the last stdout line is
{"steps":N,"loss":x,"val_loss":y,"tokens_per_s":z,"params":p,"workers":w}.`,
  eval: `usage: node wasm/cli.mjs eval --checkpoint FILE --text FILE

Mean cross-entropy over the text's windows (block_size+1 tokens, stride block_size), with the
checkpoint's own tokenizer. Last stdout line: {"loss":x,"tokens":n}.`,
  step: `usage: node wasm/cli.mjs step --checkpoint IN --text FILE --optimizer sgd|momentum|adamw --lr X --out OUT
       [--weight-decay W] [--grad-clip G]

One training step on exactly the batch "eval" uses (all windows of the text); no clipping and no
weight decay unless asked. Writes OUT; last stdout line: {"loss":x} (the loss before the update).`,
  predict: `usage: node wasm/cli.mjs predict --checkpoint FILE --prompt STR [--top-k K]

Last stdout line: {"top":[{"token":"…","id":i,"prob":p},…]} (next-token probabilities, sorted).`,
  generate: `usage: node wasm/cli.mjs generate --checkpoint FILE [--prompt STR] [--tokens N] [--temperature T]
       [--top-k K] [--top-p P] [--seed S]

Last stdout line: {"text":"…"} (the prompt followed by N sampled tokens; also "continuation").`,
  serve: `usage: node wasm/cli.mjs serve [--port N] [--host H]

Serves the lab at http://127.0.0.1:8000/ (by default) and prints the URL. Ctrl-C stops it.`,
  site: `usage: node wasm/cli.mjs site DIR

Copies the page, the engine and the chart library into DIR (relative URLs: any static host, any sub-path).`,
};

const SPECS = {
  train: {
    text: 'file', steps: ['int', 0, 1000000], seed: ['int', 0, Number.MAX_SAFE_INTEGER], 'n-layer': ['int', 1, 48],
    'n-head': ['int', 1, 64], 'n-embd': ['int', 1, 4096], 'block-size': ['int', 1, 2048], 'batch-size': ['int', 1, 512],
    optimizer: ['enum', 'sgd', 'momentum', 'adamw'], lr: ['pos'], tokenizer: ['enum', 'char', 'bpe'],
    'vocab-size': ['int', 2, 65536], workers: ['int', 1, 16], out: 'string',
  },
  eval: { checkpoint: 'file', text: 'file' },
  step: {
    checkpoint: 'file', text: 'file', optimizer: ['enum', 'sgd', 'momentum', 'adamw'], lr: ['pos'], out: 'string',
    'weight-decay': ['nonneg'], 'grad-clip': ['nonneg'],
  },
  predict: { checkpoint: 'file', prompt: 'string', 'top-k': ['int', 1, 65536] },
  generate: {
    checkpoint: 'file', prompt: 'string', tokens: ['int', 0, 10000], temperature: ['pos'], 'top-k': ['int', 1, 65536],
    'top-p': ['pos'], seed: ['int', 0, Number.MAX_SAFE_INTEGER],
  },
  serve: { port: ['int', 0, 65535], host: 'string' },
  site: {},
};
const REQUIRED = {
  eval: ['checkpoint', 'text'], step: ['checkpoint', 'text', 'optimizer', 'lr', 'out'],
  predict: ['checkpoint', 'prompt'], generate: ['checkpoint'],
};

function readText(file) {
  const buf = readFileSync(file);
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(buf);
  } catch {
    throw new UsageError(`${file} is not valid UTF-8 text`);
  }
}

async function engine() {
  const { loadEngine } = await import('./lab.mjs');
  return loadEngine();
}

async function loadTrainer(file, settings = {}) {
  const e = await engine();
  return e.loadCheckpoint(new Uint8Array(readFileSync(file)), settings);
}

/** One trainer in this thread (workers = 1), else replicas in worker threads (wasm/parallel.mjs). */
async function trainerFor(text, settings, workers) {
  const available = Math.min(os.availableParallelism(), 16);
  if ((workers ?? available) === 1) return (await engine()).createTrainer(text, settings);
  const { createParallelTrainer, spawnNodeReplica } = await import('./parallel.mjs');
  const t = await createParallelTrainer({ spawn: spawnNodeReplica, workers, available, memoryBudget: os.freemem(), text, settings });
  const { workers: n, bytes } = t.plan;
  process.stderr.write(`${n} worker${n > 1 ? 's' : ''} (one model copy each, about ${Math.ceil(bytes / 1048576)} MB in all)\n`);
  return t;
}

const out = (obj) => process.stdout.write(`${JSON.stringify(obj)}\n`);

function progress(step, total, loss, tps) {
  const msg = `step ${step}/${total}  loss ${loss === null ? '–' : loss.toFixed(4)}  ${Math.round(tps)} tokens/s`;
  if (process.stderr.isTTY) {
    const width = 24;
    const filled = total ? Math.round((width * step) / total) : width;
    process.stderr.write(`\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${msg}   `);
    if (step === total) process.stderr.write('\n');
  } else {
    process.stderr.write(`${msg}\n`);
  }
}

const commands = {
  async train(o) {
    const text = readText(o.text ?? SAMPLE_TEXT);
    const settings = {};
    const map = {
      seed: 'seed', 'n-layer': 'nLayer', 'n-head': 'nHead', 'n-embd': 'nEmbd', 'block-size': 'blockSize',
      'batch-size': 'batchSize', optimizer: 'optimizer', lr: 'lr', tokenizer: 'tokenizer', 'vocab-size': 'vocabSize',
    };
    for (const [k, v] of Object.entries(map)) if (o[k] !== undefined) settings[v] = o[k];
    const trainer = await trainerFor(text, settings, o.workers);
    const steps = o.steps ?? 200;
    const info = await trainer.info();
    process.stderr.write(`model: ${info.params} parameters, vocabulary ${info.vocabSize} (${info.tokenizer}), ` +
      `${info.trainTokens} training tokens, ${info.valTokens} validation tokens\n`);
    let done = 0; let seconds = 0; let tokens = 0; let loss = null; let diverged = null;
    const chunk = Math.max(1, Math.min(50, Math.ceil(steps / 20)));
    while (done < steps) {
      const r = await trainer.train(Math.min(chunk, steps - done));
      done += r.losses.length;
      seconds += r.seconds;
      tokens += r.losses.length * info.tokensPerStep;
      if (r.loss !== null) loss = r.loss;
      progress(done, steps, loss, seconds > 0 ? tokens / seconds : 0);
      if (r.diverged) { diverged = r.diverged.message; break; }
    }
    const ev = await trainer.evaluate();
    if (o.out) writeFileSync(o.out, await trainer.exportCheckpoint(true));
    await trainer.dispose();
    const result = {
      steps: done, loss, val_loss: ev.valLoss, tokens_per_s: seconds > 0 ? tokens / seconds : 0, params: info.params,
      workers: info.workers ?? 1,
    };
    if (diverged) {
      process.stderr.write(`error: ${diverged}\n`);
      out({ ...result, diverged });
      return 1;
    }
    out(result);
    return 0;
  },

  async eval(o) {
    const trainer = await loadTrainer(o.checkpoint);
    const text = readText(o.text);
    const loss = trainer.evalText(text);
    out({ loss, tokens: trainer.countTokens(text) });
    return 0;
  },

  async step(o) {
    const trainer = await loadTrainer(o.checkpoint, {
      optimizer: o.optimizer, lr: o.lr, gradClip: o['grad-clip'] ?? 0, weightDecay: o['weight-decay'] ?? 0,
    });
    const loss = trainer.stepOnText(readText(o.text));
    writeFileSync(o.out, trainer.exportCheckpoint(true));
    out({ loss });
    return 0;
  },

  async predict(o) {
    const trainer = await loadTrainer(o.checkpoint);
    out({ top: trainer.predict(o.prompt, o['top-k'] ?? 10) });
    return 0;
  },

  async generate(o) {
    const trainer = await loadTrainer(o.checkpoint);
    const prompt = o.prompt ?? '';
    const opts = { seed: o.seed ?? 1 };
    if (o.temperature !== undefined) opts.temperature = o.temperature;
    if (o['top-k'] !== undefined) opts.topK = o['top-k'];
    if (o['top-p'] !== undefined) opts.topP = o['top-p'];
    const continuation = trainer.generate(prompt, o.tokens ?? 200, opts);
    out({ text: prompt + continuation, prompt, continuation });
    return 0;
  },

  async serve(o) {
    const { startServer } = await import('./server.mjs');
    if (!existsSync(path.join(here, 'dist', 'lab-core.wasm')))
      throw new UsageError('the engine is not built (wasm/dist/lab-core.wasm is missing): run the README\'s start command');
    const port = o.port ?? 8000;
    let server;
    try {
      server = await startServer({ port, host: o.host ?? '127.0.0.1' });
    } catch (e) {
      if (e.code === 'EADDRINUSE') throw new UsageError(`port ${port} is already in use: choose another with --port`);
      if (e.code === 'EADDRNOTAVAIL' || e.code === 'ENOTFOUND') throw new UsageError(`cannot listen on host ${o.host}: use 127.0.0.1 or another local address`);
      throw e;
    }
    process.stdout.write(`The training-loop lab is running at ${server.url}\n(Ctrl-C to stop)\n`);
    await new Promise((resolve) => {
      const stop = () => { server.close().then(resolve); };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
    process.stdout.write('stopped\n');
    return 0;
  },

  async site(o, positional) {
    if (positional.length !== 1) throw new UsageError('site needs exactly one folder: node wasm/cli.mjs site DIR');
    const { buildSite } = await import('./build-site.mjs');
    const n = await buildSite(positional[0]);
    out({ dir: path.resolve(positional[0]), files: n });
    return 0;
  },
};

export async function main(argv) {
  const [command, ...rest] = argv;
  if (!command || command === '--help' || command === '-h' || command === 'help') {
    process.stdout.write(`${HELP.main}\n`);
    return command ? 0 : 2;
  }
  if (!commands[command]) throw new UsageError(`unknown command "${command}"; allowed: ${Object.keys(commands).join(', ')}`);
  if (rest.includes('--help') || rest.includes('-h')) {
    process.stdout.write(`${HELP[command]}\n`);
    return 0;
  }
  const { options, positional } = parseArgs(rest, SPECS[command], command === 'site');
  for (const r of REQUIRED[command] ?? []) if (options[r] === undefined) throw new UsageError(`${command} needs --${r}`);
  return commands[command](options, positional);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).then(
    (code) => { process.exitCode = code; },
    (e) => {
      const msg = String(e?.message ?? e).split('\n')[0];
      process.stderr.write(`error: ${msg}\n`);
      process.exitCode = 2;
    },
  );
}
