import { defineConfig } from "vitest/config";

// Two tiers: *.test.ts are pure and fast; *.int.test.ts start real servers (nats-server, LanceDB, simulator).
// A plug-in under test that imports "nanoflux" gets the sources (the package's private export condition), not
// the build in dist/.
const sources = { conditions: ["nanoflux-source"] };

export default defineConfig({
  test: {
    projects: [
      {
        resolve: sources,
        ssr: { resolve: sources },
        test: {
          name: "unit",
          include: ["test/**/*.test.ts", "examples/**/*.test.ts"],
          exclude: ["**/*.int.test.ts", "**/node_modules/**"],
        },
      },
      {
        resolve: sources,
        ssr: { resolve: sources },
        test: {
          name: "int",
          include: ["test/**/*.int.test.ts", "examples/**/*.int.test.ts"],
          testTimeout: 120_000,
          hookTimeout: 60_000,
          pool: "forks",
          fileParallelism: false,
        },
      },
    ],
  },
});
