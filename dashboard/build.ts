import { copyFile, mkdir, readFile, stat, writeFile } from "node:fs/promises";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { Plugin } from "esbuild";
import { z } from "zod";
import { errorMessage, SystemError } from "../protocol/errors.ts";

/**
 * Bundles the page (dashboard/web) into static files with esbuild: `npx tsx dashboard/build.ts`. The server
 * builds them itself when they are missing, so a checkout works without this step; nothing is fetched at run
 * time, so the page works offline.
 */

const WEB_DIR = fileURLToPath(new URL("./web/", import.meta.url));
const DEFAULT_ASSETS_DIR = join(WEB_DIR, "dist");
const REPO_DIR = fileURLToPath(new URL("../", import.meta.url));
/** Beside the built page: the sources it was built from, relative to the repository. */
const SOURCES_FILE = "sources.json";

/** The files the server serves, by URL path. */
export const ASSETS = {
  "/": { file: "index.html", type: "text/html; charset=utf-8" },
  "/app.js": { file: "app.js", type: "text/javascript; charset=utf-8" },
  "/app.css": { file: "app.css", type: "text/css; charset=utf-8" },
  "/favicon.svg": { file: "favicon.svg", type: "image/svg+xml" },
} as const;

/** zod's namespace export keeps its ~40 locales (260 kB minified); the page only ever shows English. */
const englishOnlyZod: Plugin = {
  name: "zod-english-only",
  setup(build) {
    build.onResolve({ filter: /\/locales\/index\.js$/ }, (args) =>
      /[\\/]zod[\\/]/.test(args.importer)
        ? { path: resolve(args.resolveDir, args.path), namespace: "zod-locales" }
        : undefined,
    );
    build.onLoad({ filter: /.*/, namespace: "zod-locales" }, (args) => ({
      contents: 'export { default as en } from "./en.js";',
      resolveDir: dirname(args.path),
    }));
  },
};

export async function buildDashboardAssets(outDir = DEFAULT_ASSETS_DIR): Promise<void> {
  const esbuild = await import("esbuild").catch((err: unknown) => {
    throw new SystemError(
      `the dashboard page is not built (${outDir} is missing) and esbuild cannot be loaded to build it (${errorMessage(err)}): install the dev dependencies with \`npm install --include=dev\`, or build it where they are with \`npx tsx dashboard/build.ts\``,
      { cause: err },
    );
  });
  await mkdir(outDir, { recursive: true });
  const built = await esbuild.build({
    entryPoints: [join(WEB_DIR, "main.ts")],
    absWorkingDir: REPO_DIR,
    metafile: true,
    // The stylesheets the page's modules import (its own, the chart library's) come out beside it as app.css.
    outfile: join(outDir, ASSETS["/app.js"].file),
    bundle: true,
    format: "esm",
    platform: "browser",
    target: "es2022",
    minify: true,
    sourcemap: false,
    legalComments: "none",
    logLevel: "silent",
    plugins: [englishOnlyZod],
  });
  await copyFile(join(WEB_DIR, "index.html"), join(outDir, ASSETS["/"].file));
  await copyFile(join(WEB_DIR, "favicon.svg"), join(outDir, ASSETS["/favicon.svg"].file));
  // Every file the bundle read (under the repository; packages are the lock's to change), for the staleness check.
  const sources = Object.keys(built.metafile.inputs).filter((input) => !input.includes("node_modules/"));
  const copied = ["index.html", "favicon.svg"].map((file) => relative(REPO_DIR, join(WEB_DIR, file)));
  await writeFile(join(outDir, SOURCES_FILE), `${JSON.stringify([...sources, ...copied])}\n`);
}

/** When the page was built: the oldest of its files, or undefined when one is missing. */
async function builtAt(outDir: string): Promise<number | undefined> {
  const times = await Promise.all(
    Object.values(ASSETS).map((a) =>
      stat(join(outDir, a.file)).then(
        (info) => info.mtimeMs,
        () => undefined,
      ),
    ),
  );
  return times.some((time) => time === undefined) ? undefined : Math.min(...(times as number[]));
}

/**
 * The newest change to the files the last build read, as it listed them. A file gone counts as a change (the page
 * would no longer build the same); without the list (a build older than it), the page counts as stale.
 */
async function sourcesChangedAt(outDir: string): Promise<number> {
  let sources: string[];
  try {
    sources = z.array(z.string()).parse(JSON.parse(await readFile(join(outDir, SOURCES_FILE), "utf8")));
  } catch {
    return Number.POSITIVE_INFINITY;
  }
  const times = await Promise.all(
    sources.map((source) =>
      stat(join(REPO_DIR, source)).then(
        (info) => info.mtimeMs,
        () => Number.POSITIVE_INFINITY,
      ),
    ),
  );
  return Math.max(0, ...times);
}

/**
 * Builds the page when a file of it is missing, or when a source it was built from changed since (a stale page
 * against a newer server fails in confusing ways); returns the folder to serve.
 */
export async function ensureDashboardAssets(outDir = DEFAULT_ASSETS_DIR): Promise<string> {
  const built = await builtAt(outDir);
  const stale = built !== undefined && (await sourcesChangedAt(outDir)) > built;
  if (built === undefined || stale) await buildDashboardAssets(outDir);
  return outDir;
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  await buildDashboardAssets(process.argv[2] ? resolve(process.argv[2]) : DEFAULT_ASSETS_DIR);
  process.stdout.write(`dashboard page built into ${process.argv[2] ?? DEFAULT_ASSETS_DIR}\n`);
}
