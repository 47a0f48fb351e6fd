import { readdir, readFile } from "node:fs/promises";
import { basename, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parse as parseYaml } from "yaml";
import { zodIssues } from "../config/load.ts";
import { ConfigError, errorMessage } from "../protocol/errors.ts";
import { type AnswerCheck, checkAnswer } from "./answer-check.ts";
import { type AnswerFormat, PackManifest, type Skill } from "./pack-manifest.ts";
import { checkPromptProtocol } from "./protocol.ts";
import {
  type PackContent,
  PROMPT_ROLES,
  type PromptRole,
  type RenderedPrompt,
  type RenderInput,
  ROLE_VARIABLES,
  type RoleTemplates,
  renderPrompt,
  templateFile,
} from "./render.ts";
import { type RubricSpec, rubricWithOverrides } from "./rubric.ts";
import { templatePlaceholders } from "./template.ts";

/**
 * A domain pack is a folder a user edits without touching code: `pack.yaml` plus one system and one user
 * template per role. Adding a domain is adding a folder under prompts/. Every problem is found at load time.
 */

export const DEFAULT_PACKS_DIR = fileURLToPath(new URL("../prompts", import.meta.url));
const MANIFEST_FILE = "pack.yaml";

export interface DomainPack {
  readonly name: string;
  readonly description: string;
  readonly dir: string;
  readonly answerFormat: AnswerFormat;
  /** Numeric packs: relative tolerance of answer checks. */
  readonly tolerance: number | undefined;
  /** Choice packs: the option letters a question offers; empty for numeric packs. */
  readonly optionLetters: readonly string[];
  readonly skills: readonly Skill[];
  /** Tool names the Judge is offered. */
  readonly tools: readonly string[];
  readonly rubric: RubricSpec;
  render<R extends PromptRole>(role: R, input: RenderInput[R]): RenderedPrompt;
  /** Compares an answer with the expected one; choice packs also accept an option's text given `options`. */
  checkAnswer(given: string, expected: string, options?: Readonly<Record<string, string>>): AnswerCheck;
}

/** Binds validated content to the pack's rendering and checking. */
function createDomainPack(content: PackContent, dir: string): DomainPack {
  const { manifest } = content;
  const { answer } = manifest;
  const tolerance = answer.format === "numeric" ? answer.tolerance : undefined;
  const optionLetters = answer.format === "choice" ? answer.options : [];
  return {
    name: manifest.name,
    description: manifest.description,
    dir,
    answerFormat: answer.format,
    tolerance,
    optionLetters,
    skills: manifest.skills,
    tools: manifest.tools,
    rubric: content.rubric,
    render: (role, input) => renderPrompt(content, role, input),
    checkAnswer: (given, expected, options) =>
      checkAnswer(answer.format, given, expected, {
        tolerance,
        options,
        letters: options ? undefined : optionLetters,
      }),
  };
}

async function readPackFile(dir: string, file: string): Promise<string> {
  const path = join(dir, file);
  try {
    return await readFile(path, "utf8");
  } catch (err) {
    const missing = (err as NodeJS.ErrnoException).code === "ENOENT";
    throw new ConfigError(
      missing
        ? `${path}: file not found; every pack needs ${MANIFEST_FILE} and <role>.system.md / <role>.user.md for attacker, defender and judge (see prompts/README.md)`
        : `${path}: cannot be read (${errorMessage(err)}); check the file's permissions`,
      { cause: err },
    );
  }
}

function parseManifest(text: string, path: string, folderName: string): PackManifest {
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (err) {
    const firstLine = errorMessage(err).split("\n")[0]?.replace(/:$/, "");
    throw new ConfigError(`${path}: not valid YAML (${firstLine}); fix the syntax`, { cause: err });
  }
  const result = PackManifest.safeParse(raw);
  if (!result.success) {
    const issues = zodIssues(result.error).map((issue) => `  - ${issue.path}: ${issue.message}`);
    throw new ConfigError(
      `${path}: invalid pack (the fields are described in prompts/README.md)\n${issues.join("\n")}`,
    );
  }
  if (result.data.name !== folderName) {
    throw new ConfigError(
      `${path}: name: "${result.data.name}" differs from the folder name "${folderName}"; make them equal, the folder name is the domain`,
    );
  }
  return result.data;
}

function checkPlaceholders(template: string, path: string, role: PromptRole): void {
  const known = ROLE_VARIABLES[role];
  const unknown = templatePlaceholders(template).filter((name) => !known.includes(name));
  if (unknown.length > 0) {
    throw new ConfigError(
      `${path}: unknown placeholder ${unknown.map((name) => `{{${name}}}`).join(", ")}; ${role} templates may use ${known.map((name) => `{{${name}}}`).join(", ")}`,
    );
  }
}

async function readTemplates(dir: string): Promise<RoleTemplates> {
  const entries = await Promise.all(
    PROMPT_ROLES.map(async (role) => {
      const [system, user] = await Promise.all(
        (["system", "user"] as const).map(async (part) => {
          const file = templateFile(role, part);
          const text = await readPackFile(dir, file);
          checkPlaceholders(text, join(dir, file), role);
          return text;
        }),
      );
      return [role, { system, user }] as const;
    }),
  );
  return Object.fromEntries(entries) as RoleTemplates;
}

export async function loadDomainPack(dir: string): Promise<DomainPack> {
  const manifestPath = join(dir, MANIFEST_FILE);
  const manifest = parseManifest(await readPackFile(dir, MANIFEST_FILE), manifestPath, basename(dir));
  const content: PackContent = {
    manifest,
    rubric: rubricWithOverrides(manifest.rubric),
    templates: await readTemplates(dir),
  };
  const pack = createDomainPack(content, dir);
  checkPromptProtocol(pack);
  return pack;
}

async function packFolders(rootDir: string): Promise<string[]> {
  try {
    const entries = await readdir(rootDir, { withFileTypes: true });
    return (
      entries
        // Hidden folders (.git, editor state) are not packs.
        .filter((entry) => entry.isDirectory() && !entry.name.startsWith("."))
        .map((entry) => entry.name)
        .sort()
    );
  } catch (err) {
    throw new ConfigError(
      `${rootDir}: cannot list domain packs (${errorMessage(err)}); pass the prompts folder`,
      {
        cause: err,
      },
    );
  }
}

/**
 * Loads the named packs (default: every folder under rootDir) and reports every broken one at once, so a
 * user fixes all packs in one go instead of one per start-up.
 */
export async function loadDomainPacks(
  rootDir = DEFAULT_PACKS_DIR,
  names?: readonly string[],
): Promise<Map<string, DomainPack>> {
  const available = await packFolders(rootDir);
  const missing = (names ?? []).filter((name) => !available.includes(name));
  if (missing.length > 0) {
    throw new ConfigError(
      `no domain pack ${missing.map((name) => `"${name}"`).join(", ")} in ${rootDir}; available: ${available.join(", ") || "none"} (add a folder, see prompts/README.md)`,
    );
  }
  const wanted = names ?? available;
  const results = await Promise.allSettled(wanted.map((name) => loadDomainPack(join(rootDir, name))));
  const failures = results.flatMap((result) =>
    result.status === "rejected" ? [errorMessage(result.reason)] : [],
  );
  if (failures.length > 0) {
    throw new ConfigError(`${failures.length} broken domain pack(s) in ${rootDir}:\n${failures.join("\n")}`);
  }
  return new Map(
    results.flatMap((result) =>
      result.status === "fulfilled" ? [[result.value.name, result.value] as const] : [],
    ),
  );
}
