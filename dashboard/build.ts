import { access, copyFile, mkdir } from "node:fs/promises";
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
  await copyFile(join(WEB_DIR, "styles.css"), join(outDir, ASSETS["/app.css"].file));
  await copyFile(join(WEB_DIR, "favicon.svg"), join(outDir, ASSETS["/favicon.svg"].file));
}

/** Builds the page unless every file is already there; returns the folder to serve. */
export async function ensureDashboardAssets(outDir = DEFAULT_ASSETS_DIR): Promise<string> {
  const present = await Promise.all(
    Object.values(ASSETS).map((a) =>
      access(join(outDir, a.file)).then(
        () => true,
        () => false,
      ),
    ),
  );
  if (!present.every(Boolean)) await buildDashboardAssets(outDir);
  return outDir;
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  await buildDashboardAssets(process.argv[2] ? resolve(process.argv[2]) : DEFAULT_ASSETS_DIR);
  process.stdout.write(`dashboard page built into ${process.argv[2] ?? DEFAULT_ASSETS_DIR}\n`);
}
