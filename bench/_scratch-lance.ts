import * as lancedb from "@lancedb/lancedb";
import { Field, FixedSizeList, Float32, Schema, Utf8 } from "apache-arrow";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
const dims = 512, n = Number(process.argv[2] ?? 100000), kind = process.argv[3] ?? "ivfpq";
function unit(): Float32Array { const v = new Float32Array(dims); let s=0; for (let i=0;i<dims;i++){ const x=Math.random()*2-1; v[i]=x; s+=x*x;} s=Math.sqrt(s); for(let i=0;i<dims;i++) v[i]!/=s; return v; }
const dir = mkdtempSync(join(tmpdir(), "lance-"));
const db = await lancedb.connect(dir);
const schema = new Schema([new Field("id", new Utf8()), new Field("vector", new FixedSizeList(dims, new Field("item", new Float32(), true)))]);
const table = await db.createEmptyTable("q", schema);
const stored: Float32Array[] = [];
let t = performance.now();
for (let b=0;b<n;b+=10000) { const rows = []; for (let i=b;i<Math.min(n,b+10000);i++){ const v=unit(); stored.push(v); rows.push({id:`q${i}`, vector: Array.from(v)}); } await table.add(rows); }
console.log("add s", (performance.now()-t)/1000);
t = performance.now();
await table.optimize();
console.log("optimize s", (performance.now()-t)/1000);
t = performance.now();
const cfg = kind === "hnswsq" ? lancedb.Index.hnswSq({distanceType:"cosine"}) : kind==="ivfflat" ? lancedb.Index.ivfFlat({distanceType:"cosine", numPartitions: Math.round(Math.sqrt(n))}) : lancedb.Index.ivfPq({distanceType:"cosine", numPartitions: Math.round(Math.sqrt(n)), numSubVectors: dims/16});
if (kind !== "none") await table.createIndex("vector", {config: cfg, waitTimeoutSeconds: 600});
console.log("index s", (performance.now()-t)/1000, JSON.stringify(await table.listIndices()));
for (const [np, rf] of [[20, 5], [20, 10], [40, 10], [40, 10], [64, 10]] as const) {
const lat: number[] = []; let hit = 0;
for (let q=0;q<300;q++) {
  const base = stored[Math.floor(Math.random()*n)]!; const probe = unit(); const v = base.map((x,i)=>x*0.9+probe[i]!*0.436); let s=0; for (const x of v) s+=x*x; s=Math.sqrt(s); const qv=v.map(x=>x/s);
  const t0 = performance.now();
  let query = table.vectorSearch(qv).distanceType("cosine").limit(1).select(["id"]);
  if (kind!=="none" && kind !== "hnswsq") query = query.nprobes(np);
  if (kind==="hnswsq") query = query.ef(np*5);
  if (rf) query = query.refineFactor(rf);
  const res = await query.toArray();
  lat.push(performance.now()-t0);
  if (res[0] && 1 - res[0]._distance > 0.85) hit++;
}
lat.sort((a,b)=>a-b);
console.log(kind, np, rf, "p50", lat[150]!.toFixed(2), "p99", lat[297]!.toFixed(2), "recall", hit/300);
}
