import { copyFile, mkdir, readdir, stat } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { Plugin } from "esbuild";
import { errorMessage, SystemError } from "../protocol/errors.ts";

/**
 * Bundles the page (dashboard/web) into static files with esbuild: `npx tsx dashboard/build.ts`. The server
 * builds them itself when they are missing, so a checkout works without this step; nothing is fetched at run
 * time, so the page works offline.
 */

const WEB_DIR = fileURLToPath(new URL("./web/", import.meta.url));
const DEFAULT_ASSETS_DIR = join(WEB_DIR, "dist");

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
  await esbuild.build({
    entryPoints: [join(WEB_DIR, "main.ts")],
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

/** The newest change to the page's sources, and to the parts of the app it bundles (schemas, the protocol). */
async function sourcesChangedAt(): Promise<number> {
  const roots = [
    WEB_DIR,
    fileURLToPath(new URL("./", import.meta.url)),
    fileURLToPath(new URL("../protocol/", import.meta.url)),
  ];
  let newest = 0;
  for (const root of roots) {
    const entries = await readdir(root, { recursive: true, withFileTypes: true }).catch(() => []);
    for (const entry of entries) {
      const file = join(entry.parentPath, entry.name);
      if (!entry.isFile() || file.includes(`${join(WEB_DIR, "dist")}`)) continue;
      newest = Math.max(newest, (await stat(file)).mtimeMs);
    }
  }
  return newest;
}

/**
 * Builds the page when a file is missing, or, in a checkout where the default build lives, when its sources
 * changed since (a stale page against a newer server fails in confusing ways); returns the folder to serve.
 */
export async function ensureDashboardAssets(outDir = DEFAULT_ASSETS_DIR): Promise<string> {
  const built = await builtAt(outDir);
  const stale = built !== undefined && outDir === DEFAULT_ASSETS_DIR && (await sourcesChangedAt()) > built;
  if (built === undefined || stale) await buildDashboardAssets(outDir);
  return outDir;
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  await buildDashboardAssets(process.argv[2] ? resolve(process.argv[2]) : DEFAULT_ASSETS_DIR);
  process.stdout.write(`dashboard page built into ${process.argv[2] ?? DEFAULT_ASSETS_DIR}\n`);
}
