import { expect, it } from "vitest";
import type { MemoryIndexStore, PhraseNeighbors } from "./memory-index-store.js";
import type { StoreFixture } from "./store-fixture.js";

const ROW = { openieModel: "gpt-4o-mini", encoder: "nvidia/NV-Embed-v2", config: { threshold: 0.8, maxNeighbors: 101 } };
const lists = (entries: [string, PhraseNeighbors][]) => new Map(entries);

/** What every memory-index store must do; `open` gives a fresh, empty one. */
export function memoryIndexStoreContract(open: () => StoreFixture<MemoryIndexStore>): void {
  it("knows nothing of an index never created", () => {
    const { store, close } = open();
    expect(store.get("i")).toBeUndefined();
    expect(store.all()).toEqual([]);
    expect(store.passages("i")).toEqual(new Map());
    expect(store.excluded("i")).toEqual([]);
    expect(store.synonyms("i")).toEqual(new Map());
    close();
  });

  it("creates an index once: ensuring it again keeps its identity and config", () => {
    const f = open();
    f.store.ensure("j", { ...ROW, openieModel: "other" });
    f.store.ensure("i", ROW);
    expect(f.store.all()).toEqual([{ id: "i", ...ROW }, { id: "j", ...ROW, openieModel: "other" }]);
    f.store.ensure("i", ROW);
    f.store.ensure("i", { ...ROW, config: { threshold: 0.5 } });
    f.reopen();
    expect(f.store.get("i")).toEqual(ROW);
    f.close();
  });

  it("keeps passages in the order given with their triples hashes; a new list replaces the old one whole", () => {
    const f = open();
    f.store.ensure("i", ROW);
    f.store.setPassages("i", [["p3", "h3"], ["p1", "h1"], ["p2", "h2"]], []);
    expect([...f.store.passages("i")]).toEqual([["p3", "h3"], ["p1", "h1"], ["p2", "h2"]]);
    f.store.setPassages("i", [["p2", "h2b"], ["p3", "h3"]], []);
    f.reopen();
    expect([...f.store.passages("i")]).toEqual([["p2", "h2b"], ["p3", "h3"]]);
    f.close();
  });

  it("records the passages a partial index left out, and clears them when it is complete", () => {
    const f = open();
    f.store.ensure("i", ROW);
    f.store.setPassages("i", [["p1", "h1"]], ["p2", "p4"]);
    expect(f.store.excluded("i")).toEqual(["p2", "p4"]);
    f.store.setPassages("i", [["p1", "h1"], ["p2", "h2"], ["p4", "h4"]], []);
    expect(f.store.excluded("i")).toEqual([]);
    f.close();
  });

  it("upserts and drops synonym lists, scores bit for bit; indexes are separate", () => {
    const f = open();
    f.store.ensure("i", ROW);
    f.store.ensure("j", ROW);
    const score = 0.1 + 0.2; // 0.30000000000000004: must come back exactly
    f.store.writeSynonyms("i", lists([["alice", [["alicia", score], ["al", 0.8]]], ["bob", []]]), []);
    f.store.writeSynonyms("j", lists([["alice", [["x", 1]]]]), []);
    f.store.writeSynonyms("i", lists([["carol", [["caroline", 0.9]]], ["alice", [["alicia", score]]]]), ["bob", "never-stored"]);
    f.reopen();
    expect(f.store.synonyms("i")).toEqual(lists([["alice", [["alicia", score]]], ["carol", [["caroline", 0.9]]]]));
    expect(f.store.synonyms("j")).toEqual(lists([["alice", [["x", 1]]]]));
    f.close();
  });

  it("synonym lists and passages committed in one unit that fails are both rolled back (an interrupted index update)", () => {
    const f = open();
    f.store.ensure("i", ROW);
    f.store.setPassages("i", [["p1", "h1"]], []);
    f.store.writeSynonyms("i", lists([["alice", []]]), []);
    expect(() =>
      f.unit.transaction(() => {
        f.store.writeSynonyms("i", lists([["bob", [["alice", 0.85]]]]), ["alice"]);
        f.store.setPassages("i", [["p1", "h1"], ["p2", "h2"]], ["p3"]);
        throw new Error("interrupted");
      }),
    ).toThrow("interrupted");
    f.reopen();
    expect([...f.store.passages("i")]).toEqual([["p1", "h1"]]);
    expect(f.store.excluded("i")).toEqual([]);
    expect(f.store.synonyms("i")).toEqual(lists([["alice", []]]));
    f.close();
  });
}
