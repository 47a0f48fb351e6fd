#!/usr/bin/env node
// Runs one TypeScript script (benchmarks, tools) with the same loader the CLI uses.
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { register } from "tsx/esm/api";

const [script, ...rest] = process.argv.slice(2);
if (!script) {
  console.error("usage: run-ts <script.ts> [args...]");
  process.exit(2);
}
process.argv = [process.argv[0], script, ...rest];
register();
await import(pathToFileURL(resolve(script)).href);
