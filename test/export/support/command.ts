import { exportCommand } from "../../../cli/export-command.ts";

/** `nanoflux export` as the command line runs it, with commander's own output silenced. */
export function quietExportCommand() {
  return exportCommand()
    .exitOverride()
    .configureOutput({ writeErr: () => undefined, writeOut: () => undefined });
}

/** Runs `nanoflux export <args>`, returning what it printed; a failure rejects, as the command would. */
export async function exportPrinted(args: string[]): Promise<{ stdout: string; stderr: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const write = process.stdout.write;
  const stderr = process.stderr.write;
  process.stdout.write = (chunk: string | Uint8Array) => out.push(String(chunk)) > 0;
  process.stderr.write = (chunk: string | Uint8Array) => err.push(String(chunk)) > 0;
  try {
    await quietExportCommand().parseAsync(args, { from: "user" });
  } finally {
    process.stdout.write = write;
    process.stderr.write = stderr;
  }
  return { stdout: out.join(""), stderr: err.join("") };
}
