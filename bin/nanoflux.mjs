#!/usr/bin/env node
// Entry point: registers the TypeScript loader, then hands over to the CLI. The loader reads this package's
// tsconfig wherever the command runs, so a plug-in importing "nanoflux" gets these sources, not a build.
import { fileURLToPath } from "node:url";
import { register } from "tsx/esm/api";

register({ tsconfig: fileURLToPath(new URL("../tsconfig.json", import.meta.url)) });
await import("../cli/main.ts");
