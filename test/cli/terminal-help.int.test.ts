import { describe, expect, it } from "vitest";
import { exited, spawnNanoflux } from "../support/child-agent.ts";

/** Every command's --help ends with realistic examples (cli/help-examples.ts) and lists the global flags. */

async function help(args: string[]): Promise<string> {
  const child = spawnNanoflux([...args, "--help"], {});
  expect(await exited(child), args.join(" ")).toBe(0);
  return child.output();
}

/** The `Examples:` section: `# what it does` then the invocation, for each example. */
function examples(text: string): string[] {
  const section = text.split(/^Examples:\n/m)[1] ?? "";
  return section.split("\n").filter((line) => /^ {2}(\w+=\S+ )?nanoflux\b/.test(line));
}

describe("nanoflux --help", () => {
  it("gives every subcommand an Examples section of its own invocations, and the global flags", async () => {
    const root = await help([]);
    expect(root).toMatch(/-q, --quiet/);
    expect(root).toMatch(/-v, --verbose/);
    expect(root).toMatch(/--log-format <format>/);
    expect(examples(root).length).toBeGreaterThan(0);
    const commands = root.split(/^Commands:\n/m)[1]?.split(/^\S/m)[0] ?? "";
    const subcommands = [...commands.matchAll(/^ {2}([a-z-]+)(?: \[options\]| <|\s)/gm)]
      .map((m) => m[1] as string)
      .filter((name) => name !== "help");
    expect(subcommands.length).toBeGreaterThanOrEqual(10);
    // Two at a time: each is a process of its own.
    for (let i = 0; i < subcommands.length; i += 2) {
      const pair = subcommands.slice(i, i + 2);
      const texts = await Promise.all(pair.map((sub) => help([sub])));
      texts.forEach((text, j) => {
        const sub = pair[j] as string;
        const lines = examples(text);
        expect(lines.length, `${sub} has examples`).toBeGreaterThan(0);
        for (const line of lines) expect(line, sub).toMatch(new RegExp(`nanoflux ${sub}( |$)`));
        expect(text, sub).toMatch(/^Global Options:\n(.*\n)*.*--quiet/m);
      });
    }
  });
});
