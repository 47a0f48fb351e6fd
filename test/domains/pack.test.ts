import { cp, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { DEFAULT_PACKS_DIR, loadDomainPack, loadDomainPacks } from "../../domains/pack.ts";
import { ConfigError } from "../../protocol/errors.ts";

describe("shipped packs", () => {
  test("math, science and medical load with their answer formats, skills and tools", async () => {
    const packs = await loadDomainPacks();
    expect([...packs.keys()].sort()).toEqual(["math", "medical", "science"]);
    const math = packs.get("math");
    expect(math?.answerFormat).toBe("numeric");
    expect(math?.tolerance).toBe(1e-4);
    expect(math?.tools).toEqual(expect.arrayContaining(["python", "calculator"]));
    expect(math?.skills.map((skill) => skill.name)).toContain("percentages");
    expect(packs.get("science")?.optionLetters).toEqual(["A", "B", "C", "D"]);
    expect(packs.get("medical")?.optionLetters).toEqual(["A", "B", "C", "D", "E"]);
  });

  test("names pick a subset, and an unknown name lists the available packs", async () => {
    const packs = await loadDomainPacks(DEFAULT_PACKS_DIR, ["science"]);
    expect([...packs.keys()]).toEqual(["science"]);
    await expect(loadDomainPacks(DEFAULT_PACKS_DIR, ["chemistry"])).rejects.toThrow(
      /no domain pack "chemistry".*available: math, medical, science/,
    );
  });
});

describe("a broken pack", () => {
  let root: string;
  let dir: string;

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), "nanoflux-packs-"));
    dir = join(root, "math");
    await cp(join(DEFAULT_PACKS_DIR, "math"), dir, { recursive: true });
  });

  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  async function edit(file: string, change: (text: string) => string): Promise<void> {
    const path = join(dir, file);
    await writeFile(path, change(await readFile(path, "utf8")));
  }

  async function loadError(): Promise<ConfigError> {
    const error = await loadDomainPack(dir).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }

  test("the unchanged copy loads", async () => {
    await expect(loadDomainPack(dir)).resolves.toMatchObject({ name: "math", dir });
  });

  test("a missing template names the file", async () => {
    await rm(join(dir, "judge-derive.user.md"));
    expect((await loadError()).message).toMatch(/math\/judge-derive\.user\.md: file not found/);
  });

  test("bad YAML names pack.yaml", async () => {
    await edit("pack.yaml", (text) => `${text}\nskills: [unclosed\n`);
    expect((await loadError()).message).toMatch(/math\/pack\.yaml: not valid YAML/);
  });

  test("an invalid field names the file and the field path", async () => {
    await edit("pack.yaml", (text) => text.replace("tolerance: 1.0e-4", "tolerance: -1"));
    expect((await loadError()).message).toMatch(/math\/pack\.yaml: invalid pack.*\n\s+- answer\.tolerance: /);
  });

  test("a misspelt key is an error, not silently ignored", async () => {
    await edit("pack.yaml", (text) => text.replace("skills:", "skils: []\nskills:"));
    expect((await loadError()).message).toMatch(/pack\.yaml[\s\S]*skils/);
  });

  test("a numeric pack without a computing tool is refused", async () => {
    await edit("pack.yaml", (text) => text.replace("tools: [python, calculator]", "tools: []"));
    expect((await loadError()).message).toMatch(
      /- tools: numeric packs verify reference answers with a tool/,
    );
  });

  test("a name that differs from the folder is refused", async () => {
    await edit("pack.yaml", (text) => text.replace("name: math", "name: maths"));
    expect((await loadError()).message).toMatch(
      /pack\.yaml: name: "maths" differs from the folder name "math"/,
    );
  });

  test("an unknown placeholder names the template and the placeholder", async () => {
    await edit("attacker.user.md", (text) => `${text}\nAim for {{difficulty}}.\n`);
    const message = (await loadError()).message;
    expect(message).toMatch(/math\/attacker\.user\.md: unknown placeholder \{\{difficulty\}\}/);
    expect(message).toContain("{{complexity}}");
    expect(message).not.toContain("{{round_id}}");
  });

  test("a placeholder of another role is unknown here", async () => {
    await edit("defender.system.md", (text) => `${text}\n{{reference_answer_block}}\n`);
    expect((await loadError()).message).toMatch(
      /defender\.system\.md: unknown placeholder \{\{reference_answer_block\}\}/,
    );
  });

  test("a user template that drops a protocol header says which line to add", async () => {
    await edit("attacker.user.md", (text) => text.replace("Skill: {{skill}}\n", ""));
    expect((await loadError()).message).toMatch(
      /math\/attacker\.user\.md: the prompt protocol needs a line "Skill: \{\{skill\}\}"/,
    );
  });

  test("an attacker template that no longer asks for the complexity says so", async () => {
    await edit("attacker.user.md", (text) => text.replaceAll("{{complexity}}", "3"));
    expect((await loadError()).message).toMatch(
      /math\/attacker\.user\.md: the prompt protocol needs \{\{complexity\}\} in a sentence that asks for it/,
    );
  });

  test("the round is not a placeholder: prompts carry nothing only the simulator reads", async () => {
    await edit("attacker.user.md", (text) => `Round: {{round_id}}\n${text}`);
    expect((await loadError()).message).toMatch(/attacker\.user\.md: unknown placeholder \{\{round_id\}\}/);
  });

  test("a user template that drops a data block says which variable to add", async () => {
    await edit("judge-grade.user.md", (text) => text.replace("{{reference_solution_block}}", ""));
    expect((await loadError()).message).toMatch(
      /judge-grade\.user\.md: the prompt protocol needs \{\{reference_solution_block\}\}/,
    );
  });

  test("the blind derivation template cannot ask for the reference: it has no such variable", async () => {
    await edit("judge-derive.user.md", (text) => `${text}\n{{reference_answer_block}}`);
    expect((await loadError()).message).toMatch(
      /judge-derive\.user\.md: unknown placeholder \{\{reference_answer_block\}\}/,
    );
  });

  test("loadDomainPacks reports every broken pack at once", async () => {
    await cp(dir, join(root, "other"), { recursive: true });
    await edit("judge-grade.system.md", (text) => `${text}{{oops}}`);
    const error = await loadDomainPacks(root).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    expect(message).toMatch(/2 broken domain pack\(s\)/);
    expect(message).toMatch(/math\/judge-grade\.system\.md: unknown placeholder \{\{oops\}\}/);
    expect(message).toMatch(/other\/pack\.yaml: name: "math" differs from the folder name "other"/);
  });
});
