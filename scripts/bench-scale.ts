/**
 * Scale: synthetic corpora at multiples of the paper's MuSiQue size (1× = 11,656 passages, 85,288
 * phrases; 10× ≈ 116k passages, 850k phrases, 768-d) built and searched with each vector store:
 * build time, synonymy time, peak RSS, retrieval ms/question (HippoRAG 2 without the filter, through
 * the library), and for LanceDB the recall@10 of its IVF index against exact search over the encoder's
 * vectors. Synonymy is exact below 250k phrases and approximate (IVF, `src/graph/synonymy-ann.ts`)
 * above; where the build was exact (SQLite case), the ANN path is also run over the same vectors and
 * its edge recall against the build's lists is measured; where the build was approximate but exact
 * all-pairs is affordable (up to 400k phrases: ×3, ~4 min), exact is run over the same vectors and
 * the build's edge recall against it measured ("exact synonymy s"); beyond (×10), the exact lists of
 * 4,000 phrases drawn at random, each searched against all phrases, estimate that recall, with a 95%
 * bootstrap interval over phrases. Each (scale, store) runs in its own child
 * process so its peak RSS is its own; each step's peak RSS is recorded too ("<step> peak MB", the
 * index stages by name), and retrieval's dense search (facts and passages) is timed on its own
 * beside the whole (the rest is seeds, PageRank and ranking). Opening the index is timed apart from
 * retrieval. The workspace is deleted after each case (10× is ~8 GB) unless --keep.
 * Writes scripts/results/scale-x<scales>.json.
 *   npx tsx scripts/bench-scale.ts [--scales 1,3,10] [--stores sqlite,lancedb] [--questions 200] [--dim 768] [--keep]
 */
import { execFileSync } from "node:child_process";
import { resolve } from "node:path";
import { report } from "./bench-util.js";

const list = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return (i > 0 ? process.argv[i + 1]! : fallback).split(",");
};
const num = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};

if (process.argv[2] === "--case") {
  const { runScaleCase } = await import("./bench-scale-case.js");
  console.log(JSON.stringify(await runScaleCase({ scale: Number(process.argv[3]), store: process.argv[4] as "sqlite" | "lancedb", questions: Number(process.argv[5]), dim: Number(process.argv[6]), keep: process.argv[7] === "keep" })));
} else {
  const scales = list("scales", "1,3,10").map(Number);
  const stores = list("stores", "sqlite,lancedb");
  const questions = num("questions", 200);
  const dim = num("dim", 768);
  const rows: Record<string, string | number>[] = [];
  for (const scale of scales) {
    for (const store of stores) {
      console.error(`scale ×${scale}, ${store} …`);
      try {
        const out = execFileSync(process.execPath, ["--max-old-space-size=12288", "--import", "tsx", resolve(import.meta.filename), "--case", String(scale), store, String(questions), String(dim), process.argv.includes("--keep") ? "keep" : ""], { encoding: "utf8", maxBuffer: 1 << 26, stdio: ["ignore", "pipe", "inherit"] });
        rows.push(JSON.parse(out.trim().split("\n").pop()!) as Record<string, string | number>);
      } catch (error) {
        // A case that runs out of memory or time is a result too: it is recorded, not hidden.
        rows.push({ scale: `×${scale}`, store, error: (error as Error).message.split("\n")[0]!.slice(0, 120) });
      }
      // One file per set of scales: a 10× run (tens of minutes) does not overwrite the 1× record.
      report(`scale-x${scales.join("-")}`, rows, { scales, stores, questions, dim });
    }
  }
}
