import { defineConfig } from "vitest/config";

// Two tiers: *.test.ts are pure and fast; *.int.test.ts start real servers (nats-server, LanceDB, simulator).
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: "unit",
          include: ["test/**/*.test.ts", "examples/**/*.test.ts"],
          exclude: ["**/*.int.test.ts", "**/node_modules/**"],
        },
      },
      {
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
