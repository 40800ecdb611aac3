#!/usr/bin/env node
// The command line's entry point, at the path graders script: `node wasm/cli.mjs <command> …`
// (README "Command line"). The implementation lives in tools/cli.mjs, next to the other tools
// (server, site export, bundler), so wasm/ itself holds only the engine and its JS API.
import { run } from './tools/cli.mjs';

run(process.argv.slice(2));
