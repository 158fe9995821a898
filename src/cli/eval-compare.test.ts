import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { signedPct } from "../eval/format-eval-report.js";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { loadDataset } from "../datasets/load-dataset.js";
import { recallAtK } from "../eval/metrics.js";
import { runCli, SHARED_DATASETS, musiqueWorkspace, tempDir } from "../test-support/cli-harness.js";

// Stored graph-only runs on musique_train_dev (50 questions, the authors' GPT-3.5 OpenIE, lexical encoder).
let saveDir: string;
let base: string[];
const docsOf: Record<string, Map<string, string[]>> = {};
const dataset = loadDataset("musique_train_dev", SHARED_DATASETS);

beforeAll(async () => {
  ({ saveDir, base } = await musiqueWorkspace());
  for (const [run, args] of [["hipporag2-nofilter", ["--no-filter"]], ["dense", ["--method", "dense"]], ["hipporag2-nofilter-top5", ["--no-filter", "--top-k", "5"]]] as const) {
    const out = join(saveDir, `${run}.json`);
    expect((await runCli(["retrieve", ...base, ...args, "--predictions-out", out])).code).toBe(0);
    const rows = JSON.parse(readFileSync(out, "utf8")) as { id: string; docs: string[] }[];
    docsOf[run] = new Map(rows.map((r) => [r.id, r.docs]));
  }
  // two of the paper's Table 4 ablations, for hipporag report
  expect((await runCli(["retrieve", ...base, "--linking", "query"])).code).toBe(0);
  expect((await runCli(["retrieve", ...base, "--no-filter", "--no-passage-nodes"])).code).toBe(0);
}, 120_000);

/** A reference bootstrap written independently of src/eval: its own PRNG (mulberry32), plain arrays, sorted means. */
function referenceBootstrap(values: readonly number[], resamples: number, seed: number): number[] {
  let state = seed >>> 0;
  const random = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const means: number[] = [];
  for (let r = 0; r < resamples; r++) {
    let sum = 0;
    for (let i = 0; i < values.length; i++) sum += values[Math.floor(random() * values.length)]!;
    means.push(sum / values.length);
  }
  return means.sort((a, b) => a - b);
}

describe("hipporag eval --compare: paired bootstrap against a reference computation", () => {
  it("A − B, its 95% interval and one-sided p agree with the reference within Monte-Carlo error", async () => {
    const resamples = 10_000;
    const result = await runCli(["eval", ...base, "--compare", "hipporag2-nofilter", "dense", "--json", "--bootstrap", String(resamples), "--seed", "11"]);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    const out = JSON.parse(result.stdout);
    expect(out.a).toBe("hipporag2-nofilter");
    expect(out.b).toBe("dense");
    expect(out.count).toBe(50);
    expect(out.bootstrap).toEqual({ resamples, seed: 11 });
    expect(out.reports.map((r: { run: string }) => r.run)).toEqual(["hipporag2-nofilter", "dense"]);
    const refResamples = 40_000;
    let checkedInterior = 0;
    for (const k of [1, 2, 5, 10, 20]) {
      const differences = dataset.questions.map((q) => recallAtK(docsOf["hipporag2-nofilter"]!.get(q.id)!, q.goldDocs, k) - recallAtK(docsOf.dense!.get(q.id)!, q.goldDocs, k));
      const mean = differences.reduce((s, d) => s + d, 0) / differences.length;
      expect(out.recall[String(k)]).toBe(Math.round(mean * 10_000) / 10_000);
      const means = referenceBootstrap(differences, refResamples, 1000 + k);
      // p: both are estimates of one share; 4 standard errors of their difference, plus a resample
      const p = means.filter((m) => m <= 1e-9).length / refResamples;
      const pTolerance = 4 * Math.sqrt(Math.max(p * (1 - p), 1e-4) * (1 / resamples + 1 / refResamples)) + 1 / resamples;
      expect(Math.abs(out.p.recall[String(k)] - p), `p at R@${k}`).toBeLessThanOrEqual(pTolerance);
      if (p > 0.01 && p < 0.99) checkedInterior++;
      // each bound must sit where the reference distribution crosses 2.5% / 97.5% (bounds are rounded to 4 dp)
      const [low, high] = out.ci95.recall[String(k)];
      expect(low).toBeLessThanOrEqual(out.recall[String(k)]);
      expect(high).toBeGreaterThanOrEqual(out.recall[String(k)]);
      for (const [bound, q] of [[low, 0.025], [high, 0.975]] as const) {
        const tolerance = 4 * Math.sqrt(q * (1 - q) * (1 / resamples + 1 / refResamples)) + 1 / resamples;
        const atOrBelow = means.filter((m) => m <= bound + 1e-4).length / refResamples;
        const below = means.filter((m) => m < bound - 1e-4).length / refResamples;
        expect(atOrBelow, `R@${k} bound ${bound}`).toBeGreaterThanOrEqual(q - tolerance);
        expect(below, `R@${k} bound ${bound}`).toBeLessThanOrEqual(q + tolerance);
      }
    }
    expect(checkedInterior).toBeGreaterThan(0); // at least one p is neither ~0 nor ~1, so the check has teeth
  });

  it("is reproducible for a seed and changes with it", async () => {
    const args = ["eval", ...base, "--compare", "hipporag2-nofilter", "dense", "--json", "--bootstrap", "2000"];
    const first = JSON.parse((await runCli([...args, "--seed", "5"])).stdout);
    const again = JSON.parse((await runCli([...args, "--seed", "5"])).stdout);
    const other = JSON.parse((await runCli([...args, "--seed", "6"])).stdout);
    expect(again).toEqual(first);
    expect(other.recall).toEqual(first.recall); // the means do not depend on the seed
    expect(other.ci95).not.toEqual(first.ci95);
  });

  it("shows Recall@k beyond a run's top-k as – and leaves it out of the JSON", async () => {
    const json = JSON.parse((await runCli(["eval", ...base, "--run", "hipporag2-nofilter-top5", "--json", "--bootstrap", "500"])).stdout);
    expect(json.topK).toBe(5);
    expect(Object.keys(json.recall)).toEqual(["1", "2", "5"]);
    expect(Object.keys(json.ci95.recall)).toEqual(["1", "2", "5"]);
    const text = await runCli(["eval", ...base, "--bootstrap", "500"]);
    expect(text.code).toBe(0);
    const row = text.stdout.split("\n").find((line) => line.startsWith("hipporag2-nofilter-top5 "))!;
    // R@1 R@2 R@5 are numbers, R@10 … R@200 are "–" (the top-5 run's ranking has 5 passages)
    expect(row.trim().split(/\s+/).slice(2)).toEqual([...Array(3).fill(expect.stringMatching(/^\d+\.\d$/)), ...Array(7).fill("–")]);
    // a comparison with the top-5 run covers only the Recall@k both runs have
    const compared = JSON.parse((await runCli(["eval", ...base, "--compare", "hipporag2-nofilter", "hipporag2-nofilter-top5", "--json", "--bootstrap", "500"])).stdout);
    expect(Object.keys(compared.recall)).toEqual(["1", "2", "5"]);
    expect(compared.recall["5"]).toBe(0); // the same ranking, cut at 5
    expect(compared.p.recall["5"]).toBe(1);
  });

  it("writes one report per run label and comparison, intervals and † in Markdown and HTML, linked from the index", async () => {
    await runCli(["eval", ...base, "--run", "dense", "--bootstrap", "500"]);
    await runCli(["eval", ...base, "--run", "hipporag2-nofilter", "--bootstrap", "500"]);
    const compared = await runCli(["eval", ...base, "--compare", "hipporag2-nofilter", "dense", "--bootstrap", "2000"]);
    expect(compared.stdout).toMatch(/R@5\s+69\.0\s+56\.3\s+\+12\.7\s+\[\+\d+\.\d, \+\d+\.\d\]\s+<0\.001 †/);
    const dir = join(saveDir, "reports");
    for (const name of ["eval-musique_train_dev-dense", "eval-musique_train_dev-hipporag2-nofilter", "compare-musique_train_dev-hipporag2-nofilter-vs-dense"]) {
      for (const ext of ["json", "md", "html"]) expect(existsSync(join(dir, `${name}.${ext}`)), `${name}.${ext}`).toBe(true);
    }
    const md = readFileSync(join(dir, "compare-musique_train_dev-hipporag2-nofilter-vs-dense.md"), "utf8");
    const html = readFileSync(join(dir, "compare-musique_train_dev-hipporag2-nofilter-vs-dense.html"), "utf8");
    const body = JSON.parse(readFileSync(join(dir, "compare-musique_train_dev-hipporag2-nofilter-vs-dense.json"), "utf8"));
    const [low, high] = body.comparisons[0].ci95.recall["5"].map((v: number) => `+${(v * 100).toFixed(1)}`);
    expect(md).toContain(`| R@5 | 69.0 | 56.3 | +12.7 | [${low}, ${high}] | <0.001 † |`);
    expect(html).toContain(`<tr><td>R@5</td><td>69.0</td><td>56.3</td><td>+12.7</td><td>[${low}, ${high}]</td><td>&lt;0.001 †</td></tr>`);
    for (const page of [md, html]) {
      expect(page).toMatch(/69\.0 \[\d+\.\d, \d+\.\d\]/); // means with intervals
      expect(page).toContain("2,000 resamples, seed 0");
    }
    const index = readFileSync(join(dir, "index.html"), "utf8");
    for (const name of ["eval-musique_train_dev-dense.html", "eval-musique_train_dev-hipporag2-nofilter.html", "compare-musique_train_dev-hipporag2-nofilter-vs-dense.html"]) {
      expect(index).toContain(`href="${name}"`);
    }
    expect(index).toContain("hipporag2-nofilter, dense");
    expect(index).toContain("musique_train_dev");
  });

  const usage: [string, string[], RegExp][] = [
    ["one run to --compare", ["--compare", "dense"], /--compare takes two run names, got 1/],
    ["an unknown run", ["--compare", "dense", "nope"], /no stored run named "nope" .*\(have: dense, hipporag2-nofilter, hipporag2-nofilter-nopassagenodes, hipporag2-nofilter-top5, hipporag2-querynode\)/],
    ["the same run twice", ["--compare", "dense", "dense"], /two different runs/],
    ["a negative seed", ["--seed", "-1"], /--seed must be an integer from 0 to 4294967295/],
    ["zero resamples", ["--bootstrap", "0"], /--bootstrap must be a positive integer/],
  ];
  for (const [name, args, pattern] of usage) {
    it(`refuses ${name} with one line and exit 2`, async () => {
      const result = await runCli(["eval", ...base, ...args]);
      expect(result.code).toBe(2);
      expect(result.stdout).toBe("");
      expect(result.stderr.trim().split("\n")).toHaveLength(1);
      expect(result.stderr).toMatch(pattern);
    });
  }
});

describe("eval --predictions of two files with the same name", () => {
  it("writes two reports: the second does not overwrite the first; the same file again replaces its own", async () => {
    const dir = tempDir();
    const [a, b] = ["a", "b"].map((sub) => {
      mkdirSync(join(dir, sub));
      const path = join(dir, sub, "preds.json");
      writeFileSync(path, readFileSync(join(saveDir, sub === "a" ? "dense.json" : "hipporag2-nofilter.json")));
      return path;
    });
    const out = join(dir, "reports-ws");
    const evalOf = async (path: string) => JSON.parse((await runCli(["eval", "--dataset", "musique_train_dev", "--dataset-dir", SHARED_DATASETS, "--save-dir", out, "--predictions", path, "--bootstrap", "100", "--json"])).stdout);
    await evalOf(a!);
    await evalOf(b!);
    await evalOf(a!);
    const jsons = readdirSync(join(out, "reports")).filter((f) => f.startsWith("eval-") && f.endsWith(".json"));
    expect(jsons).toHaveLength(2);
    const bodies = jsons.map((f) => JSON.parse(readFileSync(join(out, "reports", f), "utf8")) as { predictions: string });
    expect(bodies.map((body) => body.predictions).sort()).toEqual([a, b]);
  });
});

describe("hipporag report: stored runs laid out like the paper's tables", () => {
  it("reads the workspace's dataset from its reports and puts the paper's numbers and the differences beside ours", async () => {
    await runCli(["eval", ...base, "--run", "dense", "--bootstrap", "200"]); // a stored report names the dataset
    const out = join(saveDir, "tables.html");
    const result = await runCli(["report", saveDir, "--dataset-dir", SHARED_DATASETS, "--json", "--bootstrap", "500", "--out", out]);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    const json = JSON.parse(result.stdout);
    expect(json.datasets.map((d: { dataset: string }) => d.dataset)).toEqual(["musique_train_dev"]);
    const means = Object.fromEntries(json.datasets[0].reports.map((r: { name: string; report: { recall: Record<string, number> } }) => [r.name, r.report.recall]));
    expect(Object.keys(means).sort()).toEqual(["dense", "hipporag2-nofilter", "hipporag2-nofilter-nopassagenodes", "hipporag2-nofilter-top5", "hipporag2-querynode"]);
    expect(json.datasets[0].reports[0].report.ci95.recall["5"]).toHaveLength(2);
    const [retrieval, ablations] = json.tables;
    expect(retrieval.title).toMatch(/Recall@2 \/ Recall@5.*Tables 3 and 9/);
    expect(retrieval.header).toEqual(["run", "paper system", "musique_train_dev", "paper", "ours − paper"]);
    // rows in the paper's order: HippoRAG 2 variants, then dense
    expect(retrieval.body.map((row: string[]) => row[0])).toEqual(["hipporag2-nofilter", "hipporag2-nofilter-nopassagenodes", "hipporag2-nofilter-top5", "hipporag2-querynode", "dense"]);
    const pct = (v: number) => (v * 100).toFixed(1);
    const dense = retrieval.body.find((row: string[]) => row[0] === "dense");
    // the lexical encoder's dense run is no NV-Embed-v2: no paper row to compare it with
    expect(dense).toEqual(["dense", "–", `${pct(means.dense["2"])} / ${pct(means.dense["5"])}`, "– / –", "– / –"]);
    const noFilter = retrieval.body.find((row: string[]) => row[0] === "hipporag2-nofilter");
    expect(noFilter[1]).toBe("HippoRAG 2 w/o filter");
    expect(noFilter[3]).toBe("– / 73.0"); // the paper gives only R@5 for this variant
    // Table 4: each ablation against our full system (hipporag2-nofilter here) and the paper's against its own
    expect(ablations.title).toMatch(/Ablations.*Table 4/);
    const query = ablations.body.find((row: string[]) => row[0] === "w/ Query-to-node");
    const q5 = means["hipporag2-querynode"]["5"];
    const full5 = means["hipporag2-nofilter"]["5"];
    expect(query).toEqual(["w/ Query-to-node", "hipporag2-querynode", `${pct(q5)} (${signedPct(q5 - full5)})`, "44.9 (−29.8)", signedPct(q5 - 0.449)]);
    const noPassages = ablations.body.find((row: string[]) => row[0] === "w/o passage nodes");
    expect(noPassages.slice(1, 2)).toEqual(["hipporag2-nofilter-nopassagenodes"]);
    expect(noPassages[3]).toBe("63.7 (−11.0)");
    expect(ablations.body.find((row: string[]) => row[0] === "w/ NER-to-node")).toEqual(["w/ NER-to-node", "–", "–", "53.8 (−20.9)", "–"]);
    const html = readFileSync(out, "utf8");
    expect(html).toContain("<td>w/ Query-to-node</td><td>hipporag2-querynode</td>");
    expect(html).toContain("<td>– / 73.0</td>");
  });

  it("takes several workspaces (one column group each) and names the folder when the dataset repeats", async () => {
    const result = await runCli(["report", "--save-dir", saveDir, saveDir, "--dataset", "musique_train_dev", "musique_train_dev", "--dataset-dir", SHARED_DATASETS, "--bootstrap", "200"]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`musique_train_dev (${saveDir})`);
    expect(result.stdout).toMatch(/^dense\s+–\s+(\S+ \/ \S+\s+– \/ –\s+– \/ –\s*){2}$/m);
  });

  it("skips what a shell glob brings that is not a workspace (outputs/* with a README and a logs folder), saying so", async () => {
    const outputs = tempDir();
    writeFileSync(join(outputs, "README.md"), "# my runs\n");
    mkdirSync(join(outputs, "logs"));
    const result = await runCli(["report", saveDir, join(outputs, "README.md"), join(outputs, "logs"), "--dataset-dir", SHARED_DATASETS, "--bootstrap", "200", "--json"]);
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout).datasets).toHaveLength(1);
    expect(JSON.parse(result.stdout).skipped).toEqual([join(outputs, "README.md"), join(outputs, "logs")]);
    expect(result.stderr).toContain(`note: skipped 2 paths that hold no workspace: ${join(outputs, "README.md")}, ${join(outputs, "logs")}`);
    // with one --dataset per path, a skipped path would shift the others' datasets: refused instead
    const aligned = await runCli(["report", saveDir, join(outputs, "README.md"), "--dataset", "musique_train_dev", "musique_train_dev", "--dataset-dir", SHARED_DATASETS]);
    expect(aligned.code).toBe(2);
    expect(aligned.stderr).toMatch(/no workspace at .*README\.md \(it is a file\)/);
    // nothing but non-workspaces: refused
    const only = await runCli(["report", join(outputs, "README.md"), join(outputs, "logs"), "--dataset-dir", SHARED_DATASETS]);
    expect(only.code).toBe(2);
    expect(only.stderr).toMatch(/no workspace at .*README\.md/);
  });

  it("with one --dataset-dir, leaves out (with a note) a workspace whose dataset is elsewhere, as the demo's is", async () => {
    const demo = join(import.meta.dirname, "../../reproduce/demo");
    const demoWs = join(tempDir(), "demo");
    expect((await runCli(["run", "--dataset", "demo", "--dataset-dir", demo, "--save-dir", demoWs, "--import-openie", join(demo, "openie_results_ner_handwritten.json"), "--skip-qa", "--no-baselines"])).code).toBe(0);
    const result = await runCli(["report", saveDir, demoWs, "--dataset-dir", SHARED_DATASETS, "--bootstrap", "200", "--json"]);
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout).datasets.map((d: { dataset: string }) => d.dataset)).toEqual(["musique_train_dev"]);
    expect(result.stderr).toMatch(new RegExp(`note: left out a workspace whose dataset is not in --dataset-dir .*: ${demoWs} \\(dataset demo: no .*demo_corpus\\.json; its run read it from .*reproduce/demo\\)`));
    // the demo's alone: refused, naming where its run read it
    const alone = await runCli(["report", demoWs, "--dataset-dir", SHARED_DATASETS]);
    expect(alone.code).toBe(2);
    expect(alone.stderr).toMatch(/dataset "demo" not found.*\(hint: is .* the folder it is in\?/);
  });

  it("refuses a folder without a workspace and a --dataset count that does not match, exit 2", async () => {
    const missing = await runCli(["report", join(saveDir, "nowhere"), "--dataset-dir", SHARED_DATASETS]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/no workspace at .*nowhere/);
    expect(existsSync(join(saveDir, "nowhere"))).toBe(false);
    const mismatch = await runCli(["report", saveDir, saveDir, "--dataset", "musique_train_dev", "--dataset-dir", SHARED_DATASETS]);
    expect(mismatch.code).toBe(2);
    expect(mismatch.stderr).toMatch(/--dataset was given once for 2 workspaces/);
    const none = await runCli(["report"]);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/at least one workspace/);
  });
});
