import { fileURLToPath } from "node:url";
import { z } from "zod";
import { Topology } from "./topology.ts";

/** Where the generated schema ships; topology files point editors at it with a `yaml-language-server` comment. */
export const TOPOLOGY_SCHEMA_FILE = fileURLToPath(new URL("../schema/topology.schema.json", import.meta.url));

/**
 * The topology's JSON Schema for editor completion and checking, generated from the zod schema so it cannot
 * disagree with what `nanoflux validate` accepts. Input types: defaults make fields optional, as in a file.
 */
export function topologyJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(Topology, {
    io: "input",
    // Draft 7 is what the YAML language server (VS Code, JetBrains, Neovim) understands fully.
    target: "draft-7",
    override: ({ jsonSchema }) => {
      // A URL field may hold a ${VAR} placeholder, filled in from the environment when the file is loaded.
      if (jsonSchema.format !== "uri") return;
      delete jsonSchema.format;
      delete jsonSchema.type;
      jsonSchema.anyOf = [
        { type: "string", format: "uri" },
        { type: "string", pattern: "\\$\\{[A-Za-z_][A-Za-z0-9_]*(:-[^}]*)?\\}" },
      ];
    },
  });
  const { $schema, ...body } = schema;
  return {
    $schema,
    title: "NanoFlux topology",
    description: "Models, agents, run, tournament, curation, NATS, training and simulator settings of a run.",
    ...body,
  };
}

/** The file's exact text: the generator writes it and a test compares it. */
export function renderTopologyJsonSchema(): string {
  return `${JSON.stringify(topologyJsonSchema(), null, 2)}\n`;
}
