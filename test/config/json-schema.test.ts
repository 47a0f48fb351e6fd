import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import {
  renderTopologyJsonSchema,
  TOPOLOGY_SCHEMA_FILE,
  topologyJsonSchema,
} from "../../config/json-schema.ts";

interface JsonSchema {
  properties?: Record<string, JsonSchema>;
  items?: JsonSchema;
  required?: string[];
  anyOf?: JsonSchema[];
  enum?: unknown[];
  pattern?: string;
}

describe("the topology JSON Schema", () => {
  it("is committed exactly as scripts/gen-schema.ts generates it", async () => {
    const committed = await readFile(TOPOLOGY_SCHEMA_FILE, "utf8");
    // On failure: node bin/run-ts.mjs scripts/gen-schema.ts
    expect(committed).toBe(renderTopologyJsonSchema());
  });

  it("describes a file as written: defaults optional, sections strict, the training section included", () => {
    const schema = topologyJsonSchema() as JsonSchema & { additionalProperties?: boolean };
    expect(schema.required).toEqual(["models", "agents"]);
    expect(schema.additionalProperties).toBe(false);
    const model = schema.properties?.models?.items;
    expect(model?.required).toEqual(["id", "baseUrl", "model"]);
    expect(schema.properties?.training?.properties?.backend?.enum).toEqual(["openai", "gpu-hosts"]);
    expect(Object.keys(schema.properties?.training?.properties?.hyperparameters?.properties ?? {})).toContain(
      "loraRank",
    );
  });

  it("lets URL fields hold a ${VAR} placeholder", () => {
    const baseUrl = (topologyJsonSchema() as JsonSchema).properties?.models?.items?.properties?.baseUrl;
    const pattern = baseUrl?.anyOf?.find((option) => option.pattern)?.pattern;
    expect(pattern).toBeDefined();
    expect(new RegExp(pattern as string).test("${NANOFLUX_SIM_URL}")).toBe(true);
    expect(new RegExp(pattern as string).test("${GPU_URL:-http://gpu:8000/v1}")).toBe(true);
    expect(new RegExp(pattern as string).test("gpu-box/v1")).toBe(false);
  });
});
