import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runCli, tempDir } from "../../test-support/cli-harness.js";
import { FakeHub, useHubEndpoint } from "../../test-support/fake-hub-server.js";

// Files in the authors' styles, large enough for several network reads (≈ 300 KB corpus).
const CORPUS = JSON.stringify(Array.from({ length: 2000 }, (_, i) => ({ idx: i, title: `Title ${i}`, text: `Passage number ${i} says something about topic ${i % 37} in a longer sentence to fill space.` })));
const QUESTIONS = JSON.stringify([{ id: "q1", question: "What does passage 1 say?", answer: "something", paragraphs: [{ idx: 1, title: "Title 1", paragraph_text: "x", is_supporting: true }] }]);
const FILES = {
  "README.md": "# HippoRAG 2 datasets",
  "reproduce/dataset/musique_corpus.json": CORPUS,
  "reproduce/dataset/musique.json": QUESTIONS,
  "popqa_corpus.json": JSON.stringify([{ title: "P", text: "p" }]),
  "old/archive/v0/musique_corpus.json": "[]",
};
const LFS = ["reproduce/dataset/musique_corpus.json"];

let hub: FakeHub;
let restoreEnv: () => void;

beforeEach(async () => {
  hub = await new FakeHub({ files: FILES, lfs: LFS }).start();
  restoreEnv = useHubEndpoint(hub.endpoint);
});
afterEach(async () => {
  await hub.stop();
  restoreEnv();
});

const pull = (dir: string, ...extra: string[]) => runCli(["datasets", "pull", "musique", "--dataset-dir", dir, ...extra]);

describe("hipporag datasets list", () => {
  it("hipporag datasets alone shows its subcommands", async () => {
    const result = await runCli(["datasets"]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/list \[options\][\s\S]*pull \[options\] <names\.\.\.>/);
    expect(hub.requests).toEqual([]);
  });
  it("finds <name>_corpus.json and <name>.json anywhere in the tree, shallowest first, and shows what is local", async () => {
    const dir = tempDir();
    writeFileSync(join(dir, "mine_corpus.json"), "[]");
    const result = await runCli(["datasets", "list", "--dataset-dir", dir, "--json"]);
    expect(result.code).toBe(0);
    const body = JSON.parse(result.stdout);
    expect(body.hub.map((d: { name: string }) => d.name)).toEqual(["musique", "popqa"]);
    expect(body.hub[0].corpus).toMatchObject({ path: "reproduce/dataset/musique_corpus.json", size: CORPUS.length });
    expect(body.hub[0].questions.path).toBe("reproduce/dataset/musique.json");
    expect(body.hub[0].shadowed).toEqual(["old/archive/v0/musique_corpus.json"]);
    expect(body.hub[1].questions).toBeUndefined();
    expect(body.local).toEqual([{ name: "mine", corpusBytes: 2, hasQuestions: false }]);
    const text = await runCli(["datasets", "list", "--dataset-dir", dir]);
    expect(text.stdout).toMatch(/musique\s+\d+\.\d KB\s+no/);
    expect(text.stdout).toMatch(/popqa\s+.*\(corpus only\)/);
    expect(text.stdout).toMatch(/mine\s+-\s+yes \(corpus only\)/);
  });
  it("follows Link pages and walks folders when the server ignores recursive=true", async () => {
    await hub.stop();
    hub = await new FakeHub({ files: FILES, lfs: LFS, pageSize: 1, flatTree: true }).start();
    process.env.HF_ENDPOINT = hub.endpoint;
    const result = await runCli(["datasets", "list", "--json"]);
    expect(JSON.parse(result.stdout).hub.map((d: { name: string }) => d.name)).toEqual(["musique", "popqa"]);
    expect(hub.requests.filter((r) => r.url.includes("cursor=")).length).toBeGreaterThan(2);
  });
  it("offline (HF_HUB_OFFLINE=1 or --offline) lists local files and sends nothing", async () => {
    const dir = tempDir();
    writeFileSync(join(dir, "a_corpus.json"), "[]");
    process.env.HF_HUB_OFFLINE = "1";
    const env = await runCli(["datasets", "list", "--dataset-dir", dir, "--json"]);
    delete process.env.HF_HUB_OFFLINE;
    const flag = await runCli(["datasets", "list", "--dataset-dir", dir, "--offline", "--json"]);
    for (const result of [env, flag]) {
      expect(result.code).toBe(0);
      expect(JSON.parse(result.stdout)).toMatchObject({ hub: null, local: [{ name: "a" }] });
      expect(result.stderr).toMatch(/offline: osunlp\/HippoRAG_2 not consulted/);
    }
    expect(hub.requests).toEqual([]);
  });
  it("a Hub out of reach still lists the local datasets, saying so (a refusal stays an error)", async () => {
    const dir = tempDir();
    writeFileSync(join(dir, "a_corpus.json"), "[]");
    const endpoint = process.env.HF_ENDPOINT;
    process.env.HF_ENDPOINT = "http://127.0.0.1:9";
    try {
      const result = await runCli(["datasets", "list", "--dataset-dir", dir]);
      expect(result.code, result.stderr).toBe(0);
      expect(result.stdout).toMatch(/^a\s+\?\s+yes/m);
      expect(result.stderr).toMatch(/osunlp\/HippoRAG_2 could not be reached \(cannot reach http:\/\/127\.0\.0\.1:9 .*\): local datasets in .* only \(--offline skips the Hub\)/);
    } finally {
      process.env.HF_ENDPOINT = endpoint;
    }
  });
  it("offline with nothing local says where it looked and how to get datasets, instead of a bare 'no datasets'", async () => {
    const missing = join(tempDir(), "nowhere");
    const result = await runCli(["datasets", "list", "--dataset-dir", missing, "--offline"]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/no datasets: .*nowhere does not exist/);
    expect(result.stdout).toMatch(/--dataset-dir/);
    expect(result.stdout).toMatch(/hipporag datasets pull <name>/);
    const empty = tempDir();
    expect((await runCli(["datasets", "list", "--dataset-dir", empty, "--offline"])).stdout).toMatch(/no datasets: no <name>_corpus\.json under .*hipporag-test-/);
  });
});

describe("hipporag datasets pull", () => {
  it("downloads both files under their local names, verified; a second pull downloads nothing", async () => {
    const dir = join(tempDir(), "new", "dataset");
    const first = await pull(dir);
    expect(first.code).toBe(0);
    expect(readFileSync(join(dir, "musique_corpus.json"), "utf8")).toBe(CORPUS);
    expect(readFileSync(join(dir, "musique.json"), "utf8")).toBe(QUESTIONS);
    expect(readdirSync(dir).sort()).toEqual(["musique.json", "musique_corpus.json"]);
    expect(first.stderr).toMatch(/musique_corpus\.json: .* from osunlp\/HippoRAG_2\/reproduce\/dataset\/musique_corpus\.json .*sha256 verified/);
    expect(first.stderr).toMatch(/musique\.json: .*git-sha1 verified/);
    expect(first.stdout).toMatch(/2 downloaded/);
    const before = hub.requests.length;
    const second = await pull(dir, "--json");
    expect(second.code).toBe(0);
    expect(hub.requests.slice(before).filter((r) => r.url.includes("/resolve/"))).toEqual([]);
    expect(JSON.parse(second.stdout).files.map((f: { status: string }) => f.status)).toEqual(["up-to-date", "up-to-date"]);
  });
  it("resumes a dropped connection with Range and ends with the exact file", async () => {
    const dir = tempDir();
    hub.drops.set("reproduce/dataset/musique_corpus.json", { bytes: 100_000, times: 2 });
    const result = await pull(dir);
    expect(result.code).toBe(0);
    expect(readFileSync(join(dir, "musique_corpus.json"), "utf8")).toBe(CORPUS);
    const ranges = hub.downloads("reproduce/dataset/musique_corpus.json").map((r) => r.range);
    expect(ranges[0]).toBeUndefined();
    expect(ranges.slice(1).every((r) => /^bytes=\d+-$/.test(r!))).toBe(true);
    expect(Number(/\d+/.exec(ranges[1]!)![0])).toBeGreaterThan(0);
    expect(ranges).toHaveLength(3);
    expect(result.stderr).toMatch(/connection dropped at \d+ bytes.*resuming/);
    expect(result.stderr).toMatch(/resumed 2×/);
  });
  it("resumes a partial file left by an interrupted run, and restarts when that part is not a prefix", async () => {
    const dir = tempDir();
    writeFileSync(join(dir, "musique_corpus.json.part"), CORPUS.slice(0, 50_000));
    expect((await pull(dir)).code).toBe(0);
    expect(hub.downloads("reproduce/dataset/musique_corpus.json").map((r) => r.range)).toEqual(["bytes=50000-"]);
    expect(readFileSync(join(dir, "musique_corpus.json"), "utf8")).toBe(CORPUS);

    const other = tempDir();
    writeFileSync(join(other, "musique_corpus.json.part"), "garbage from another revision");
    const result = await pull(other);
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/did not match; downloading it again from the start/);
    expect(readFileSync(join(other, "musique_corpus.json"), "utf8")).toBe(CORPUS);
  });
  it("a corrupted download is a remote failure (exit 3) that leaves nothing under the final name", async () => {
    const dir = tempDir();
    hub.corrupt.add("reproduce/dataset/musique_corpus.json");
    const result = await pull(dir);
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/^error: reproduce\/dataset\/musique_corpus\.json from osunlp\/HippoRAG_2 failed verification \(sha256 mismatch/);
    expect(existsSync(join(dir, "musique_corpus.json"))).toBe(false);
    expect(readdirSync(dir)).toEqual([]);
  });
  it("a local file with the wrong content is replaced", async () => {
    const dir = tempDir();
    writeFileSync(join(dir, "musique_corpus.json"), "[]");
    expect((await pull(dir)).code).toBe(0);
    expect(readFileSync(join(dir, "musique_corpus.json"), "utf8")).toBe(CORPUS);
  });
  it("a gated repository: 401 says to set HF_TOKEN; with it the pull works; no token is ever printed or stored", async () => {
    await hub.stop();
    const token = "hf_SecretTokenValue123456";
    hub = await new FakeHub({ files: FILES, lfs: LFS, token }).start();
    process.env.HF_ENDPOINT = hub.endpoint;
    const dir = tempDir();
    const denied = await pull(dir);
    expect(denied.code).toBe(3);
    expect(denied.stderr).toMatch(/401 unauthorized.*set HF_TOKEN/);
    process.env.HF_TOKEN = "hf_WrongTokenEchoedBack999";
    const wrong = await runCli(["datasets", "list"]);
    expect(wrong.code).toBe(3);
    expect(wrong.stderr).toMatch(/HF_TOKEN was not accepted/);
    expect(wrong.stderr + wrong.stdout).not.toContain("WrongTokenEchoedBack");
    process.env.HF_TOKEN = token;
    const ok = await pull(dir, "--json");
    expect(ok.code).toBe(0);
    expect(hub.downloads("reproduce/dataset/musique.json")[0]!.authorization).toBe(`Bearer ${token}`);
    expect(ok.stdout + ok.stderr).not.toContain(token);
    for (const file of readdirSync(dir)) expect(readFileSync(join(dir, file), "utf8")).not.toContain(token);
  });
  it("follows the Hub's redirect of LFS files to its CDN, resumes there with Range, and does not send the token along", async () => {
    await hub.stop();
    const token = "hf_CdnMustNotSeeThis000";
    hub = await new FakeHub({ files: FILES, lfs: LFS, cdn: true }).start();
    process.env.HF_ENDPOINT = hub.endpoint;
    process.env.HF_TOKEN = token;
    hub.drops.set("reproduce/dataset/musique_corpus.json", { bytes: 70_000, times: 1 });
    const dir = tempDir();
    const result = await pull(dir);
    expect(result.code).toBe(0);
    expect(readFileSync(join(dir, "musique_corpus.json"), "utf8")).toBe(CORPUS);
    expect(hub.cdnRequests.map((r) => r.range)).toEqual([undefined, "bytes=70000-"]);
    expect(hub.cdnRequests.every((r) => r.authorization === undefined)).toBe(true);
    expect(hub.downloads("reproduce/dataset/musique_corpus.json").every((r) => r.authorization === `Bearer ${token}`)).toBe(true);
  });
  it("offline never touches the network; an unknown name fails before any download and lists what there is", async () => {
    const dir = tempDir();
    process.env.HF_HUB_OFFLINE = "1";
    const offline = await pull(dir);
    expect(offline.code).toBe(2);
    expect(offline.stderr).toMatch(/offline .*cannot pull musique/);
    expect(hub.requests).toEqual([]);
    delete process.env.HF_HUB_OFFLINE;
    const unknown = await runCli(["datasets", "pull", "musique", "nope", "--dataset-dir", dir]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/has no dataset "nope".*available: musique, popqa/);
    expect(readdirSync(dir)).toEqual([]);
  });
  it("--repo and --revision choose the repository; a missing revision is a clear remote error", async () => {
    const result = await runCli(["datasets", "list", "--revision", "nosuch"]);
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/404.*--revision nosuch/);
    const other = await runCli(["datasets", "list", "--repo", "someone/else"]);
    expect(other.code).toBe(3);
    expect(hub.requests.at(-1)!.url).toMatch(/^\/api\/datasets\/someone\/else\/tree\/main/);
  });
});
