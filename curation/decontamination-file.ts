import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { DecontaminationReport } from "./decontamination.ts";

export const DECONTAMINATION_FILE = "decontamination.json";

/** The curator's decontamination report for the run, when a curator ran with this run folder. */
export async function readDecontaminationReport(runDir: string): Promise<DecontaminationReport | undefined> {
  const text = await readFile(join(runDir, DECONTAMINATION_FILE), "utf8").catch(() => undefined);
  if (text === undefined) return undefined;
  const parsed = DecontaminationReport.safeParse(JSON.parse(text));
  return parsed.success ? parsed.data : undefined;
}
