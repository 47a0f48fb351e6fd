// Builds the library into dist/: JavaScript and type declarations from index.ts and everything it imports
// (tsc -p tsconfig.build.json, which rewrites the sources' `.ts` imports to `.js`), then the files that code
// reads beside itself through import.meta.url, at the same relative places: the domain packs (../prompts), the
// demo topology and its schema, the training recipe, and the workers and scripts next to the modules (*.mjs,
// *.py). `npm run build`; `npm ci` and installs from git run it as `prepare`.
//
// --if-typescript (prepare): an install without the dev dependencies (the Docker image, which runs the CLI
// through tsx) has no compiler; say so and build nothing instead of failing the install.
import { spawnSync } from "node:child_process";
import { cp, mkdir, readdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, extname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const DIST = join(ROOT, "dist");
/** Folders and files the built code reads beside itself, relative to the root and copied as they are. */
const ASSETS = ["prompts", "schema/topology.schema.json", "recipes", "topologies/demo.yaml"];
/** Files next to compiled modules that they load at run time (workers, the sandbox's guard). */
const SIBLING_EXTENSIONS = new Set([".mjs", ".py"]);

function compilerPath() {
  try {
    return join(dirname(createRequire(import.meta.url).resolve("typescript/package.json")), "bin", "tsc");
  } catch {
    return undefined;
  }
}

/** Every folder under `dir` that holds a file, relative to `dir`. */
async function foldersWithFiles(dir) {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return [...new Set(entries.filter((e) => e.isFile()).map((e) => relative(dir, e.parentPath)))];
}

async function copySiblings(folder, outDir) {
  if (folder === "") return 0;
  const entries = await readdir(join(ROOT, folder), { withFileTypes: true });
  const files = entries.filter((e) => e.isFile() && SIBLING_EXTENSIONS.has(extname(e.name)));
  await Promise.all(files.map((e) => cp(join(ROOT, folder, e.name), join(outDir, folder, e.name))));
  return files.length;
}

export async function buildLibrary({ ifTypescript = false } = {}) {
  const started = performance.now();
  const tsc = compilerPath();
  if (!tsc) {
    if (ifTypescript) {
      process.stderr.write("build-lib: typescript is not installed (no dev dependencies); dist/ not built\n");
      return undefined;
    }
    throw new Error("build-lib: typescript is not installed: run npm install (with the dev dependencies)");
  }
  // Built aside (where git, biome and tsc look away) and swapped in at the end with two renames: a process
  // reading dist/ meanwhile finds the old build or the new one, never half of one (or, between the renames, none).
  const aside = join(ROOT, "node_modules", ".cache", "nanoflux-build");
  await mkdir(aside, { recursive: true });
  const next = join(aside, `dist-${process.pid}`);
  const previous = join(aside, `old-${process.pid}`);
  try {
    await rm(next, { recursive: true, force: true });
    const compiled = spawnSync(
      process.execPath,
      [tsc, "-p", join(ROOT, "tsconfig.build.json"), "--outDir", next],
      {
        cwd: ROOT,
        stdio: "inherit",
      },
    );
    if (compiled.status !== 0)
      throw new Error(`build-lib: tsc failed (exit ${compiled.status ?? compiled.signal})`);
    const siblings = await Promise.all((await foldersWithFiles(next)).map((f) => copySiblings(f, next)));
    await Promise.all(
      ASSETS.map(async (asset) => {
        await mkdir(dirname(join(next, asset)), { recursive: true });
        await cp(join(ROOT, asset), join(next, asset), { recursive: true });
      }),
    );
    // The code reads its version from ../package.json as in the sources: a package file of its own, without a
    // name or exports, so that nothing resolves the package through it.
    const { version } = JSON.parse(await readFile(join(ROOT, "package.json"), "utf8"));
    await writeFile(
      join(next, "package.json"),
      `${JSON.stringify({ private: true, type: "module", version }, null, 2)}\n`,
    );
    await rename(DIST, previous).catch((err) => {
      if (err.code !== "ENOENT") throw err;
    });
    await rename(next, DIST);
    return {
      ms: Math.round(performance.now() - started),
      siblings: siblings.reduce((a, b) => a + b, 0),
    };
  } finally {
    await rm(next, { recursive: true, force: true });
    await rm(previous, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  try {
    const built = await buildLibrary({ ifTypescript: process.argv.includes("--if-typescript") });
    if (built)
      process.stdout.write(
        `build-lib: dist/ built in ${(built.ms / 1000).toFixed(1)} s (${built.siblings} worker and script files beside the modules)\n`,
      );
  } catch (err) {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  }
}
