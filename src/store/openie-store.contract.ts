import { expect, it } from "vitest";
import { md5Hex } from "../core/ids.js";
import type { OpenIEResults } from "./openie-store.js";
import type { StoreFixture } from "./store-fixture.js";

const T1 = [["alice", "knows", "bob"]];
const T2 = [["bob", "likes", "carol"], ["odd", "triple"]];

/** What every OpenIE results store must do; `open` gives a fresh, empty one. */
export function openieStoreContract(open: () => StoreFixture<OpenIEResults>): void {
  it("starts empty: no record, no status, no model", () => {
    const { store, close } = open();
    const m = store.openie("m");
    expect(m.get("p1")).toBeUndefined();
    expect(m.all()).toEqual(new Map());
    expect(m.statuses()).toEqual(new Map());
    expect(m.doneTriples()).toEqual(new Map());
    expect(store.openieModels()).toEqual([]);
    close();
  });

  it("keeps NER, then triples, per passage; only finished records give triples, hashed by their JSON", () => {
    const f = open();
    const m = f.store.openie("m");
    m.saveNer("p1", ["alice", "bob"], "online");
    m.saveDone("p2", ["bob"], T2, "import:x.json");
    f.reopen();
    const r = f.store.openie("m");
    expect(r.get("p1")).toEqual({ passageId: "p1", status: "ner", entities: ["alice", "bob"], attempts: 0, source: "online" });
    expect(r.get("p2")).toEqual({ passageId: "p2", status: "done", entities: ["bob"], triples: T2, attempts: 0, source: "import:x.json" });
    expect(r.statuses()).toEqual(new Map([["p1", "ner"], ["p2", "done"]]));
    expect(r.doneTriples()).toEqual(new Map([["p2", { triples: T2, hash: md5Hex(JSON.stringify(T2)) }]]));
    r.saveDone("p1", ["alice", "bob"], T1, "online");
    expect(r.doneTriples().get("p1")).toEqual({ triples: T1, hash: md5Hex(JSON.stringify(T1)) });
    expect(r.all().get("p1")?.triples).toEqual(T1);
    f.close();
  });

  it("a failure counts an attempt and keeps the entities given; a later success replaces it and keeps the count", () => {
    const f = open();
    const m = f.store.openie("m");
    m.saveFailure("p1", "ner", "HTTP 500", "online");
    m.saveFailure("p1", "triples", "unparseable", "online", ["alice"]);
    expect(m.get("p1")).toEqual({ passageId: "p1", status: "failed", entities: ["alice"], error: "unparseable", failedStage: "triples", attempts: 2, source: "online" });
    expect(m.doneTriples().size).toBe(0);
    m.saveDone("p1", ["alice"], T1, "batch:b.jsonl");
    expect(m.get("p1")).toEqual({ passageId: "p1", status: "done", entities: ["alice"], triples: T1, attempts: 2, source: "batch:b.jsonl" });
    f.close();
  });

  it("models are separate; each model is listed with its count of finished passages, by name", () => {
    const f = open();
    f.store.openie("zeta").saveDone("p1", [], T1, "s");
    f.store.openie("alpha").saveNer("p1", ["x"], "s");
    f.store.openie("alpha").saveMany([{ passageId: "p2", entities: [], triples: T1 }, { passageId: "p3", entities: [], triples: T2 }], "s");
    expect(f.store.openie("zeta").get("p2")).toBeUndefined();
    expect([...f.store.openie("alpha").statuses()].sort()).toEqual([["p1", "ner"], ["p2", "done"], ["p3", "done"]]);
    expect(f.store.openieModels()).toEqual([{ model: "alpha", done: 2 }, { model: "zeta", done: 1 }]);
    f.close();
  });

  it("writes inside a unit that fails are rolled back, saveMany included", () => {
    const f = open();
    const m = f.store.openie("m");
    m.saveDone("p0", [], T1, "s");
    expect(() =>
      f.unit.transaction(() => {
        m.saveMany([{ passageId: "p1", entities: [], triples: T1 }], "s");
        m.saveFailure("p0", "ner", "x", "s");
        throw new Error("malformed line");
      }),
    ).toThrow("malformed line");
    f.reopen();
    expect([...f.store.openie("m").statuses()]).toEqual([["p0", "done"]]);
    f.close();
  });
}
