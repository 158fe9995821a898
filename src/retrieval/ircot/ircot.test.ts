import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { FakeOpenAIServer, type ChatBody, type FakeReply } from "../../test-support/fake-openai-server.js";
import { fakeLlm } from "../../test-support/fake-llm.js";
import { runCli, SHARED_DATASETS, tempDir, writeJson, musiqueWorkspace } from "../../test-support/cli-harness.js";
import { DEFAULT_IRCOT_PROMPT } from "./ircot-prompt.js";

// IRCoT over HippoRAG 2 and dense retrieval on the 50 MuSiQue questions of musique_train_dev
// (GPT-3.5 OpenIE imported, the built-in lexical encoder), with loopback reasoners built here.

interface Hop {
  question: string;
  answer: string;
}
const dataset = JSON.parse(readFileSync(join(SHARED_DATASETS, "musique_train_dev.json"), "utf8")) as { question: string; answer: string; question_decomposition: Hop[] }[];
const hopsOf = new Map(dataset.map((d) => [d.question, d.question_decomposition]));

const isReasoning = (body: ChatBody) => body.messages[0]?.content.startsWith(DEFAULT_IRCOT_PROMPT.system) ?? false;
/** The question and the reasoning so far, read back from the last user message of a reasoning call. */
function parseStep(body: ChatBody): { question: string; thoughts: string } {
  const match = /\nQuestion: (.*)\nThought so far: (.*)\nNext sentence:$/s.exec(body.messages.at(-1)!.content);
  if (!match) throw new Error("not an IRCoT step message");
  return { question: match[1]!, thoughts: match[2]! };
}

/**
 * A perfect reasoner: it reads the question's decomposition (from the dataset file, in this test
 * only) and names the next hop's answer; at the last hop it says "So the answer is: …".
 */
function perfectReasoner(body: ChatBody): FakeReply {
  if (!isReasoning(body)) return fakeLlm(body);
  const { question, thoughts } = parseStep(body);
  const hops = hopsOf.get(question)!;
  const done = thoughts.split("One step further: ").length - 1;
  if (done >= hops.length - 1) return { content: `So the answer is: ${hops.at(-1)!.answer}.` };
  return { content: `One step further: ${hops[done]!.answer}.` };
}
/** A reasoner that never concludes. */
function endlessReasoner(body: ChatBody): FakeReply {
  if (!isReasoning(body)) return fakeLlm(body);
  return { content: `I am still thinking about ${parseStep(body).question.split(" ").at(-1)}` };
}

let base: string[];
let saveDir: string;
/**
 * A reasoning prompt of a test's own (the system message tagged), so that no reply of another test
 * is already in the workspace's LLM cache: the cache is keyed by the messages, whoever answered them.
 */
function ownPrompt(tag: string): string[] {
  return ["--ircot-prompt", writeJson(tempDir(), "ircot.json", { system: `${DEFAULT_IRCOT_PROMPT.system} (${tag})` })];
}
const taggedWith = (tag: string) => (body: ChatBody) => body.messages[0]?.content === `${DEFAULT_IRCOT_PROMPT.system} (${tag})`;
let server: FakeOpenAIServer | undefined;
afterEach(async () => {
  await server?.stop();
  server = undefined;
});
beforeAll(async () => {
  ({ base, saveDir } = await musiqueWorkspace());
}, 60_000);

const llmAt = (s: FakeOpenAIServer) => ["--llm-base-url", s.url, "--llm-name", "gpt-3.5-turbo-1106", "--max-retries", "0"];
async function json(args: string[]) {
  const result = await runCli(args);
  expect(result.code, result.stderr).toBe(0);
  return { ...JSON.parse(result.stdout), stderr: result.stderr };
}
/** Reasoning calls per question, from what the server received. */
function callsPerQuestion(s: FakeOpenAIServer, from = 0): Map<string, number> {
  const calls = new Map<string, number>();
  for (const body of s.chatRequests().slice(from).filter(isReasoning)) calls.set(parseStep(body).question, (calls.get(parseStep(body).question) ?? 0) + 1);
  return calls;
}

describe("IRCoT with a perfect reasoner", () => {
  it("over HippoRAG 2: stops on 'So the answer is', one call per hop, Recall@5 clearly above single-step; reused, then recomputed when the prompt changes", async () => {
    server = await new FakeOpenAIServer({ chat: perfectReasoner }).start();
    const single = await json(["retrieve", ...base, "--no-filter", "--json"]);
    const ircot = await json(["retrieve", ...base, ...llmAt(server), "--no-filter", "--ircot", "--json"]);
    expect(ircot.run).toBe("hipporag2-nofilter-ircot4");
    expect(ircot.questions).toBe(50);
    // MuSiQue has 2–4 hops: the reasoner concludes at its last hop, within the default 4 steps
    const calls = callsPerQuestion(server);
    expect(calls.size).toBe(50);
    for (const [question, n] of calls) expect(n).toBe(hopsOf.get(question)!.length);
    expect(Math.max(...calls.values())).toBeLessThanOrEqual(4);
    expect(ircot.ircot).toMatchObject({ questions: 50, concluded: 50, failed: 0, calls: [...calls.values()].reduce((a, b) => a + b, 0) });
    console.log(`Recall@5 single-step ${single.recall["5"]}, IRCoT ${ircot.recall["5"]}; R@2 ${single.recall["2"]} vs ${ircot.recall["2"]}; ${ircot.ircot.calls} calls, ${ircot.ircot.meanSteps} steps per question`);
    expect(ircot.recall["5"]).toBeGreaterThan(single.recall["5"] + 0.05);

    // the trace records every step: the query, the passages it added, the sentence
    const q = dataset.find((d) => d.question_decomposition.length === 3)!;
    const explained = await runCli(["retrieve", ...base, ...llmAt(server), "--no-filter", "--ircot", "--explain", q.question]);
    expect(explained.stdout).toMatch(/\+ IRCoT \(3 steps of at most 4\)/);
    expect(explained.stdout).toContain(`2. query: ${q.question} One step further: ${q.question_decomposition[0]!.answer}.`);
    expect(explained.stdout).toContain(`sentence: So the answer is: ${q.question_decomposition[2]!.answer}.`);
    expect(explained.stdout).toContain(`answer: ${q.question_decomposition[2]!.answer}`);
    expect(explained.stdout).toMatch(/new passages: \S/);

    // stored per question: a second run reuses everything and asks nothing
    const asked = server.chatRequests().length;
    const again = await json(["retrieve", ...base, ...llmAt(server), "--no-filter", "--ircot", "--json"]);
    expect(again.reused).toBe(50);
    expect(server.chatRequests().length).toBe(asked);
    expect(again.recall).toEqual(ircot.recall);

    // the reasoning prompt is an input: a new wording recomputes every question, with the new prompt sent
    const promptFile = writeJson(tempDir(), "ircot.json", { demoOutput: "So the answer is: Bahir Dar." });
    const reworded = await runCli(["retrieve", ...base, ...llmAt(server), "--no-filter", "--ircot", "--ircot-prompt", promptFile]);
    expect(reworded.code, reworded.stderr).toBe(0);
    expect(reworded.stderr).toMatch(/50 computed \(50 IRCoT reasoning LLM or prompt changed\)/);
    expect(server.chatRequests().slice(asked).filter(isReasoning).every((b) => b.messages[2]!.content === "So the answer is: Bahir Dar.")).toBe(true);

    // eval reads the reasoning back from the stored traces
    const evaluated = await json(["eval", ...base, "--run", "hipporag2-nofilter-ircot4", "--json"]);
    expect(evaluated.ircot).toMatchObject({ questions: 50, concluded: 50 });

    // IRCoT's own answers, scored as a run of their own (no LLM asked)
    const before = server.chatRequests().length;
    const own = await json(["qa", ...base, "--run", "hipporag2-nofilter-ircot4", "--ircot-answer", "--json"]);
    expect(own.run).toBe("hipporag2-nofilter-ircot4-ircotanswer");
    expect(own.answered).toBe(50);
    expect(own.em).toBe(1); // the perfect reasoner's final sentence names the gold answer
    expect(server.chatRequests().length).toBe(before);
  }, 240_000);

  it("over dense retrieval: its own run, above single-step dense", async () => {
    server = await new FakeOpenAIServer({ chat: perfectReasoner }).start();
    const single = await json(["retrieve", ...base, "--method", "dense", "--json"]);
    const ircot = await json(["retrieve", ...base, ...llmAt(server), "--method", "dense", "--ircot", "--json"]);
    expect(ircot.run).toBe("dense-ircot4");
    console.log(`dense Recall@5 single-step ${single.recall["5"]}, IRCoT ${ircot.recall["5"]}`);
    expect(ircot.recall["5"]).toBeGreaterThan(single.recall["5"] + 0.05);
  }, 120_000);
});

describe("run --ircot", () => {
  it("runs HippoRAG 2 and the baselines with IRCoT, each under its own label, and reports the reasoning's tokens", async () => {
    server = await new FakeOpenAIServer({ chat: perfectReasoner }).start();
    const run = await runCli(["run", ...base, ...llmAt(server), "--no-filter", "--ircot", "--max-steps", "3", "--skip-qa", "--json"]);
    expect(run.code, run.stderr).toBe(0);
    const report = JSON.parse(run.stdout);
    expect(report.results.map((r: { name: string }) => r.name)).toEqual(["hipporag2-nofilter-ircot3", "dense-ircot3", "bm25-ircot3"]);
    const ircot = report.costs.find((c: { stage: string }) => c.stage === "ircot (gpt-3.5-turbo-1106)");
    expect(ircot.calls).toBeGreaterThan(0);
    expect(ircot.promptTokens).toBeGreaterThan(0);
    // and every run's reasoning: calls, steps per question, conclusions
    expect(report.results[0].ircot).toMatchObject({ questions: 50, maxCallsPerQuestion: 3 });
    expect(report.results[0].ircot.meanSteps).toBeGreaterThan(1);
    expect(readFileSync(report.report.markdownPath, "utf8")).toMatch(/IRCoT[\s\S]*hipporag2-nofilter-ircot3 \| 50 \|/);
  }, 120_000);
});

describe("IRCoT limits and faults", () => {
  it("--dry-run with the filter bounds what the run sends: a filter call per step, reasoning prompts of this corpus' passages", async () => {
    const tag = "dry-run";
    server = await new FakeOpenAIServer({ chat: endlessReasoner }).start();
    const args = ["retrieve", ...base, ...llmAt(server), "--ircot", "--max-steps", "3", "--filter-llm-name", `filter-${tag}`, ...ownPrompt(tag)];
    const plan = JSON.parse((await runCli([...args, "--dry-run", "--json"])).stdout) as { stages: { stage: string; calls: number; tokensIn: number }[] };
    const stage = (name: string) => plan.stages.find((st) => st.stage.startsWith(name))!;
    expect((await runCli(args)).code).toBe(0);
    const sent = server.chatRequests();
    const reasoning = sent.filter(taggedWith(tag));
    const filtered = sent.filter((b) => b.model === `filter-${tag}`);
    const tokens = (bodies: ChatBody[]) => bodies.reduce((n, b) => n + Math.ceil(b.messages.reduce((m, x) => m + x.content.length, 0) / 4), 0);
    expect(reasoning).toHaveLength(50 * 3); // it never concludes: the plan's "at most" is reached
    expect(stage("ircot").calls).toBe(reasoning.length);
    expect(filtered.length).toBeGreaterThan(50); // step 1 and the steps after it
    expect(stage("filter").calls).toBeGreaterThanOrEqual(filtered.length);
    // the estimate covers the prompts sent, within a third
    expect(stage("ircot").tokensIn).toBeGreaterThanOrEqual(tokens(reasoning) * 0.9);
    expect(stage("ircot").tokensIn).toBeLessThan(tokens(reasoning) * 1.35);
  });

  it("a reasoner that never concludes stops at --max-steps: exactly that many calls per question", async () => {
    server = await new FakeOpenAIServer({ chat: endlessReasoner }).start();
    const run = await json(["retrieve", ...base, ...llmAt(server), "--no-filter", "--ircot", "--max-steps", "2", "--top-k", "20", ...ownPrompt("endless"), "--json"]);
    expect(run.run).toBe("hipporag2-nofilter-top20-ircot2");
    const calls = callsPerQuestion(server);
    expect(calls.size).toBe(50);
    for (const n of calls.values()) expect(n).toBe(2);
    expect(run.ircot).toMatchObject({ concluded: 0, meanSteps: 2, maxCallsPerQuestion: 2 });
    const own = await json(["qa", ...base, "--run", run.run, "--ircot-answer", "--json"]);
    expect(own.unconcluded).toBe(50);
  }, 120_000);

  it("a failing reasoning call keeps the ranking so far, exits 5 and is retried next run; a rejected key stops the stage", async () => {
    let down = true;
    const failing = taggedWith("failing");
    server = await new FakeOpenAIServer({ chat: perfectReasoner, fault: ({ body }) => (down && failing(body as ChatBody) ? { kind: "status", status: 500 } : undefined) }).start();
    const args = ["retrieve", ...base, ...llmAt(server), "--no-filter", "--ircot", "--max-steps", "3", ...ownPrompt("failing"), "--json"];
    const failed = await runCli(args);
    expect(failed.code).toBe(5);
    expect(failed.stderr).toMatch(/50 questions stopped IRCoT early because a reasoning call failed \(first: LLM call \(ircot, model [^)]+\) failed after \d attempt\(s\): HTTP 500: injected 500\)/);
    expect(JSON.parse(failed.stdout).ircot).toMatchObject({ failed: 50, meanSteps: 1, calls: 50, maxCallsPerQuestion: 1 }); // a failed call is a call made
    // eval says what happened: reasoning stopped early, which is no fallback to the dense ranking
    const evaluated = await runCli(["eval", ...base, "--run", JSON.parse(failed.stdout).run]);
    expect(evaluated.stdout + evaluated.stderr).toMatch(/50 of 50 questions stopped reasoning early \(an IRCoT reasoning call failed/);
    expect(evaluated.stdout + evaluated.stderr).not.toMatch(/fell back/);
    // IRCoT's own answers: failed reasoning is a failure (exit 5), not "the step limit reached", nor an empty answer
    const own = await runCli(["qa", ...base, "--run", JSON.parse(failed.stdout).run, "--ircot-answer"]);
    expect(own.code).toBe(5);
    expect(own.stderr).toMatch(/0 concluded, 0 reached the step limit without an answer \(scored as empty\), 50 without one because a reasoning call failed/);
    const ownRun = `${JSON.parse(failed.stdout).run}-ircotanswer`;
    const noted = await runCli(["eval", ...base, "--run", ownRun]);
    expect(noted.stdout + noted.stderr).toMatch(new RegExp(`50 of 50 questions have no answer \\(failed\\).*; hipporag retrieve \\(with --ircot\\) then qa --run ${JSON.parse(failed.stdout).run} --ircot-answer answers them`));
    // the reader's answers are never filed in IRCoT's own-answers run
    const reader = await runCli(["qa", ...base, ...llmAt(server), "--run", ownRun]);
    expect(reader.code).toBe(2);
    expect(reader.stderr).toMatch(/holds IRCoT's own answers of .* \(qa --ircot-answer wrote it\)/);
    down = false;
    const retried = await runCli(args);
    expect(retried.code, retried.stderr).toBe(0);
    expect(JSON.parse(retried.stdout).recomputed).toEqual({ "retried after an LLM error": 50 });
    expect(JSON.parse(retried.stdout).ircot).toMatchObject({ failed: 0, concluded: dataset.filter((d) => d.question_decomposition.length <= 3).length });

    const reworded = taggedWith("rejected");
    const rejected = await new FakeOpenAIServer({ chat: perfectReasoner, fault: ({ body }) => (reworded(body as ChatBody) ? { kind: "status", status: 401 } : undefined) }).start();
    try {
      const stopped = await runCli(["retrieve", ...base, ...llmAt(rejected), "--no-filter", "--ircot", "--max-steps", "2", ...ownPrompt("rejected")]);
      expect(stopped.code).toBe(3);
      // stopped at once: far fewer calls than one per question
      expect(stopped.stderr).toMatch(/401|rejected|key/i);
      expect(rejected.chatRequests().filter(reworded).length).toBeGreaterThan(0);
      expect(rejected.chatRequests().filter(reworded).length).toBeLessThan(50);
    } finally {
      await rejected.stop();
    }
  }, 120_000);

  it("reasoning kept from cut-off replies under --accept-truncated is reused with the flag, and reasoned again without it", async () => {
    let cut = true;
    const truncating = taggedWith("truncating");
    server = await new FakeOpenAIServer({
      chat: (body) => {
        const reply = perfectReasoner(body);
        return cut && truncating(body) ? { ...reply, finishReason: "length" } : reply;
      },
    }).start();
    const args = ["retrieve", ...base, ...llmAt(server), "--no-filter", "--ircot", "--max-steps", "2", ...ownPrompt("truncating"), "--json"];
    expect(JSON.parse((await runCli([...args, "--accept-truncated"])).stdout).recomputed).toEqual({ new: 50 });
    expect(JSON.parse((await runCli([...args, "--accept-truncated"])).stdout).reused).toBe(50);
    cut = false;
    const strict = await runCli(args);
    expect(strict.code, strict.stderr).toBe(0);
    expect(JSON.parse(strict.stdout).recomputed).toEqual({ "IRCoT reasoning cut off by the token limit (kept under --accept-truncated)": 50 });
    expect(JSON.parse((await runCli(args)).stdout).reused).toBe(50);
  }, 120_000);

  it("a trace stored as concluded with an empty answer (an earlier version's reading of a bare \"So the answer is:\") is reasoned again", async () => {
    server = await new FakeOpenAIServer({ chat: perfectReasoner }).start();
    const args = ["retrieve", ...base, ...llmAt(server), "--no-filter", "--ircot", "--max-steps", "2", ...ownPrompt("old-empty"), "--json"];
    const first = JSON.parse((await runCli(args)).stdout);
    const { default: Database } = await import("better-sqlite3");
    const db = new Database(join(saveDir, "hipporag.sqlite"));
    const row = db.prepare("SELECT question_key, trace FROM retrievals WHERE run = ? LIMIT 1").get(first.run) as { question_key: string; trace: string };
    const trace = JSON.parse(row.trace);
    trace.ircot.answer = "";
    db.prepare("UPDATE retrievals SET trace = ? WHERE run = ? AND question_key = ?").run(JSON.stringify(trace), first.run, row.question_key);
    db.close();
    expect(JSON.parse((await runCli(args)).stdout).recomputed).toEqual({ "IRCoT concluded without an answer": 1 });
  }, 120_000);

  it("--max-steps without --ircot, and IRCoT without an LLM, are usage errors", async () => {
    const stray = await runCli(["retrieve", ...base, "--no-filter", "--max-steps", "3"]);
    expect(stray.code).toBe(2);
    expect(stray.stderr).toMatch(/--max-steps applies to IRCoT only \(hint: add --ircot\)/);
    const noLlm = await runCli(["retrieve", ...base, "--no-filter", "--ircot"]);
    expect(noLlm.code).toBe(2);
    expect(noLlm.stderr).toMatch(/IRCoT needs an LLM/);
    const badPrompt = await runCli(["retrieve", ...base, "--no-filter", "--ircot", "--ircot-prompt", writeJson(tempDir(), "p.json", { frame: "no slots" })]);
    expect(badPrompt.code).toBe(2);
    expect(badPrompt.stderr).toMatch(/p\.json.*frame.*must contain \{passages\}/);
  });
});
