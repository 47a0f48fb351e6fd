import { access, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, sep } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { LanceQuestionStore, type LanceQuestionStoreOptions } from "../../curation/lance-question-store.ts";
import { ConfigError } from "../../protocol/errors.ts";
import { captureLog } from "../llm/model-fixtures.ts";
import { axisVector, describeQuestionStoreSpec, row, SPEC_DIMS } from "./support/question-store-spec.ts";

let root: string;
let n = 0;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "nf-lance-"));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

/** A store in a fresh folder; an hour-long flush interval, so only sizes and close() write. */
function options(overrides: Partial<LanceQuestionStoreOptions> = {}): LanceQuestionStoreOptions {
  return {
    path: join(root, `store-${++n}`),
    dims: SPEC_DIMS,
    embedder: "test-embedder",
    flushIntervalMs: 3_600_000,
    ...overrides,
  };
}

describeQuestionStoreSpec("LanceDB", () => LanceQuestionStore.open(options()));

describe("LanceQuestionStore", () => {
  test("finds rows still in the write buffer, and keeps every row after close and reopen", async () => {
    const opts = options({ flushRows: 1_000 });
    const store = await LanceQuestionStore.open(opts);
    await store.add([row("a", axisVector(1)), row("b", axisVector(7))]);
    expect((await store.nearest(axisVector(7), 1))[0]?.id).toBe("b");
    await store.close();

    const reopened = await LanceQuestionStore.open(opts);
    expect(await reopened.count()).toBe(2);
    expect((await reopened.nearest(axisVector(1), 1))[0]).toMatchObject({ id: "a", text: "question a" });
    await reopened.close();
  });

  test("writes once the buffer is full, in one batch", async () => {
    const store = await LanceQuestionStore.open(options({ flushRows: 3 }));
    await store.add([row("a", axisVector(1)), row("b", axisVector(2))]);
    await store.add([row("c", axisVector(3))]);
    expect(await store.count()).toBe(3);
    await store.close();
  });

  test("builds a vector index at the size limit and still finds rows added after it", async () => {
    const log = captureLog();
    const opts = options({ flushRows: 500, indexMinRows: 400, logger: log.logger });
    const store = await LanceQuestionStore.open(opts);
    const many = Array.from({ length: 500 }, (_, i) =>
      row(`r${i}`, axisVector(i % SPEC_DIMS, (i + 1) / 1000)),
    );
    await store.add(many);
    expect(log.at("info").map((line) => line.msg)).toContain("question store vector index built");
    await store.add([row("late", axisVector(4, 3))]);
    await store.flush();
    const found = await store.nearest(axisVector(4, 3), 1);
    expect(found[0]).toMatchObject({ id: "late" });
    expect(found[0]?.similarity).toBeCloseTo(1, 4);
    await store.close();

    const reopened = await LanceQuestionStore.open(opts);
    expect(await reopened.count()).toBe(501);
    await reopened.close();
  });

  test("a store shared by two processes sees the other's written rows", async () => {
    const opts = options({ readConsistencySeconds: 0 });
    const writer = await LanceQuestionStore.open(opts);
    const reader = await LanceQuestionStore.open(opts);
    expect(await reader.nearest(axisVector(9), 1)).toEqual([]);
    await writer.add([row("shared", axisVector(9))]);
    await writer.flush();
    expect((await reader.nearest(axisVector(9), 1))[0]?.id).toBe("shared");
    await Promise.all([writer.close(), reader.close()]);
  });

  test("refuses to reopen a store with another embedder", async () => {
    const opts = options();
    await (await LanceQuestionStore.open(opts)).close();
    await expect(LanceQuestionStore.open({ ...opts, embedder: "other-model" })).rejects.toThrow(ConfigError);
    await expect(LanceQuestionStore.open({ ...opts, dims: 8 })).rejects.toThrow(
      /16-dim vectors from "test-embedder"/,
    );
  });

  test("opens a relative path with more `..` than the working directory is deep (LanceDB panics on it as given)", async () => {
    const target = join(root, "climbing-store");
    const climb = "../".repeat(process.cwd().split(sep).length + 2);
    const store = await LanceQuestionStore.open(options({ path: `${climb}${target.slice(1)}` }));
    await store.add([row("a", axisVector(1))]);
    await store.close();
    const reopened = await LanceQuestionStore.open(options({ path: target }));
    expect(await reopened.count()).toBe(1);
    await reopened.close();
  });

  test("refuses a path under a file before LanceDB sees it, creating nothing", async () => {
    const file = join(root, "a-file");
    await writeFile(file, "in the way\n");
    await expect(LanceQuestionStore.open(options({ path: join(file, "store") }))).rejects.toThrow(
      /cannot open the question store: .*a-file, above .*, is a file, not a folder; set curation\.storePath/,
    );
    await expect(LanceQuestionStore.open(options({ path: "/proc/nanoflux-store" }))).rejects.toThrow(
      ConfigError,
    );
    await expect(access("/proc/nanoflux-store")).rejects.toThrow(/ENOENT/);
  });
});
