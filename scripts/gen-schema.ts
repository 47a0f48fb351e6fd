// Regenerates schema/topology.schema.json from config/topology.ts; test/config/json-schema.test.ts fails
// while the committed file is stale. Run: node bin/run-ts.mjs scripts/gen-schema.ts
import { writeFile } from "node:fs/promises";
import { relative } from "node:path";
import { renderTopologyJsonSchema, TOPOLOGY_SCHEMA_FILE } from "../config/json-schema.ts";

await writeFile(TOPOLOGY_SCHEMA_FILE, renderTopologyJsonSchema());
process.stdout.write(`wrote ${relative(process.cwd(), TOPOLOGY_SCHEMA_FILE)}\n`);
