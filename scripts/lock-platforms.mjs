#!/usr/bin/env node
// Puts every platform's LanceDB binary in package-lock.json. `npm ci` refuses a lock that lacks an optional
// dependency of @lancedb/lancedb, and npm leaves out the ones its registry cannot resolve (a mirror that lacks a
// platform's build). Each added entry carries the platform fields, so npm skips it everywhere else. Run it after
// changing the LanceDB version: `node scripts/lock-platforms.mjs`.
import { readFileSync, writeFileSync } from "node:fs";

const LOCK = new URL("../package-lock.json", import.meta.url);
const PLATFORMS = {
  "darwin-arm64": { cpu: ["arm64"], os: ["darwin"] },
  "darwin-x64": { cpu: ["x64"], os: ["darwin"] },
  "linux-arm64-gnu": { cpu: ["arm64"], libc: ["glibc"], os: ["linux"] },
  "linux-arm64-musl": { cpu: ["arm64"], libc: ["musl"], os: ["linux"] },
  "linux-x64-gnu": { cpu: ["x64"], libc: ["glibc"], os: ["linux"] },
  "linux-x64-musl": { cpu: ["x64"], libc: ["musl"], os: ["linux"] },
  "win32-arm64-msvc": { cpu: ["arm64"], os: ["win32"] },
  "win32-x64-msvc": { cpu: ["x64"], os: ["win32"] },
};

const lock = JSON.parse(readFileSync(LOCK, "utf8"));
const lancedb = lock.packages["node_modules/@lancedb/lancedb"];
const added = [];
for (const [name, version] of Object.entries(lancedb.optionalDependencies ?? {})) {
  const platform = name.replace("@lancedb/lancedb-", "");
  const key = `node_modules/${name}`;
  if (!PLATFORMS[platform] || lock.packages[key]) continue;
  lock.packages[key] = {
    version,
    ...PLATFORMS[platform],
    license: lancedb.license,
    optional: true,
    engines: lancedb.engines,
  };
  added.push(name);
}
const [root, ...rest] = Object.keys(lock.packages);
lock.packages = Object.fromEntries([root, ...rest.sort()].map((key) => [key, lock.packages[key]]));
writeFileSync(LOCK, `${JSON.stringify(lock, null, 2)}\n`);
console.log(added.length ? `added ${added.join(", ")}` : "every platform is in the lock file");
