import { realpath, stat } from "node:fs/promises";
import { delimiter, dirname, extname, isAbsolute, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * Where a topology's plug-in module (`agents[].module`) may come from, checked without running it: an existing
 * regular .ts/.mts/.js/.mjs file whose real path (symlinks resolved) lies inside the topology file's folder, a
 * folder listed in NANOFLUX_PLUGIN_PATH, or NanoFlux's own folder (the plug-ins it ships, outside
 * node_modules). See topologies/README.md, "Plug-ins and trust".
 */

/** Folders, separated like PATH (':' on Linux and macOS), whose modules any topology may load. */
export const PLUGIN_PATH_ENV = "NANOFLUX_PLUGIN_PATH";
export const PLUGIN_EXTENSIONS = [".ts", ".mts", ".js", ".mjs"] as const;

const NANOFLUX_ROOT = fileURLToPath(new URL("..", import.meta.url));

export type PluginModuleCheck = { ok: true; file: string } | { ok: false; message: string; hint: string };

function isInside(folder: string, file: string): boolean {
  const path = relative(folder, file);
  return path !== "" && !path.startsWith(`..${sep}`) && path !== ".." && !isAbsolute(path);
}

/** Real paths of the folders modules may come from; a listed folder that does not exist allows nothing. */
async function allowedFolders(baseDir: string, env: NodeJS.ProcessEnv): Promise<string[]> {
  const listed = (env[PLUGIN_PATH_ENV] ?? "").split(delimiter).filter((folder) => folder.trim() !== "");
  const real = await Promise.all(
    [baseDir, ...listed].map((folder) => realpath(resolve(folder)).catch(() => undefined)),
  );
  return real.filter((folder): folder is string => folder !== undefined);
}

async function isShippedWithNanoflux(file: string): Promise<boolean> {
  const root = await realpath(NANOFLUX_ROOT);
  return isInside(root, file) && !relative(root, file).split(sep).includes("node_modules");
}

/** Resolves `modulePath` against the topology's folder and checks it may be imported; imports nothing. */
export async function checkPluginModule(
  modulePath: string,
  baseDir: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<PluginModuleCheck> {
  const given = resolve(baseDir, modulePath);
  const fail = (why: string, hint: string): PluginModuleCheck => ({
    ok: false,
    message: `agent module ${modulePath}: ${why}`,
    hint,
  });
  const pathHint = `give the path, relative to the topology file, of a ${PLUGIN_EXTENSIONS.join("/")} module exporting defineAgent({...}), like ../examples/critic/critic.ts`;
  let file: string;
  try {
    file = await realpath(given);
  } catch {
    return fail(`${given} does not exist`, pathHint);
  }
  const shown = file === given ? file : `${given} (really ${file})`;
  if (!(PLUGIN_EXTENSIONS as readonly string[]).includes(extname(file)))
    return fail(`${shown} is not a ${PLUGIN_EXTENSIONS.join(", ")} file`, pathHint);
  if (!(await stat(file)).isFile()) return fail(`${shown} is not a regular file`, pathHint);
  const folders = await allowedFolders(baseDir, env);
  if (!folders.some((folder) => isInside(folder, file)) && !(await isShippedWithNanoflux(file)))
    return fail(
      `${shown} is outside the topology's folder ${baseDir}`,
      `move the module under ${baseDir}, or allow its folder: ${PLUGIN_PATH_ENV}=${dirname(file)} (see topologies/README.md, "Plug-ins and trust")`,
    );
  return { ok: true, file };
}
