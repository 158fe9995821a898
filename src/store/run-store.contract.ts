import { expect, it } from "vitest";
import type { RetrievalRow, RunStore } from "./run-store.js";
import type { StoreFixture } from "./store-fixture.js";

const ranking = (questionKey: string, passageIds: string[], indexId = "m|enc"): RetrievalRow => ({
  questionKey,
  questionId: `id-${questionKey}`,
  question: `question ${questionKey}?`,
  indexId,
  inputs: { index: "f1", method: "hipporag" },
  passageIds,
  scores: passageIds.map((_, i) => 1 / (i + 3)),
  trace: { seeds: [{ phrase: "alice", weight: 0.5 }], fallback: null },
});
const answer = (text: string) => ({ inputs: { ranking: "r1" }, answer: text, raw: `Answer: ${text}` });

/** What every run store must do; `open` gives a fresh, empty one. */
export function runStoreContract(open: () => StoreFixture<RunStore>): void {
  it("starts empty: no run, and an unknown run has nothing", () => {
    const { store, close } = open();
    expect(store.runs()).toEqual([]);
    expect(store.retrievals("dense")).toEqual(new Map());
    expect(store.answers("dense")).toEqual(new Map());
    close();
  });

  it("gives back each ranking as stored (order, scores, inputs, trace), by question key", () => {
    const f = open();
    f.store.saveRetrievals("hipporag2", [ranking("q1", ["p3", "p1", "p2"]), ranking("q2", ["p2"])]);
    f.reopen();
    const got = f.store.retrievals("hipporag2");
    expect([...got.keys()].sort()).toEqual(["q1", "q2"]);
    expect(got.get("q1")).toEqual(ranking("q1", ["p3", "p1", "p2"]));
    expect(f.store.retrievals("dense")).toEqual(new Map());
    f.close();
  });

  it("lists runs sorted and distinct, each ranking with its index", () => {
    const f = open();
    f.store.saveRetrievals("zeta", [ranking("q1", ["p1"], "m|e2"), ranking("q2", ["p1"], "m|e1"), ranking("q3", ["p1"], "m|e2")]);
    f.store.saveRetrievals("alpha", [ranking("q1", ["p1"])]);
    expect(f.store.runs()).toEqual(["alpha", "zeta"]);
    expect([...f.store.retrievals("zeta").values()].map((r) => r.indexId).sort()).toEqual(["m|e1", "m|e2", "m|e2"]);
    f.close();
  });

  it("a new ranking replaces the old one and drops only that question's answer in that run", () => {
    const f = open();
    f.store.saveRetrievals("r", [ranking("q1", ["p1"]), ranking("q2", ["p2"])]);
    f.store.saveRetrievals("other", [ranking("q1", ["p1"])]);
    f.store.saveAnswer("r", "q1", answer("Paris"));
    f.store.saveAnswer("r", "q2", answer("Rome"));
    f.store.saveAnswer("other", "q1", answer("Oslo"));
    f.store.saveRetrievals("r", [ranking("q1", ["p9", "p1"])]);
    expect(f.store.retrievals("r").get("q1")?.passageIds).toEqual(["p9", "p1"]);
    expect(f.store.retrievals("r").size).toBe(2);
    expect(f.store.answers("r")).toEqual(new Map([["q2", answer("Rome")]]));
    expect(f.store.answers("other")).toEqual(new Map([["q1", answer("Oslo")]]));
    f.close();
  });

  it("a second answer for a question replaces the first", () => {
    const f = open();
    f.store.saveAnswer("r", "q1", answer("Paris"));
    f.store.saveAnswer("r", "q1", answer("Lyon"));
    f.reopen();
    expect(f.store.answers("r")).toEqual(new Map([["q1", answer("Lyon")]]));
    f.close();
  });

  it("dropping answers removes only those of the run and keys named; its ranking stays", () => {
    const f = open();
    f.store.saveRetrievals("r", [ranking("q1", ["p1"])]);
    f.store.saveAnswer("r", "q1", answer("Paris"));
    f.store.saveAnswer("r", "q2", answer("Rome"));
    f.store.saveAnswer("other", "q1", answer("Oslo"));
    f.store.dropAnswers("r", ["q1", "q9"]);
    f.reopen();
    expect(f.store.answers("r")).toEqual(new Map([["q2", answer("Rome")]]));
    expect(f.store.answers("other")).toEqual(new Map([["q1", answer("Oslo")]]));
    expect(f.store.retrievals("r")).toEqual(new Map([["q1", ranking("q1", ["p1"])]]));
    f.close();
  });

  it("rankings and answers written in a unit that fails are rolled back", () => {
    const f = open();
    f.store.saveRetrievals("r", [ranking("q1", ["p1"])]);
    f.store.saveAnswer("r", "q1", answer("Paris"));
    expect(() =>
      f.unit.transaction(() => {
        f.store.saveRetrievals("r", [ranking("q1", ["p2"]), ranking("q2", ["p2"])]);
        f.store.saveAnswer("r", "q2", answer("Rome"));
        throw new Error("stop");
      }),
    ).toThrow("stop");
    expect(f.store.retrievals("r")).toEqual(new Map([["q1", ranking("q1", ["p1"])]]));
    expect(f.store.answers("r")).toEqual(new Map([["q1", answer("Paris")]]));
    f.close();
  });
}
