import { expect, it } from "vitest";
import type { Passage } from "../datasets/dataset-types.js";
import type { PassageStore } from "./passage-store.js";
import type { StoreFixture } from "./store-fixture.js";

const passage = (title: string, text: string, metadata?: Record<string, unknown>): Passage => ({ id: `chunk-${title}`, title, text, content: `${title}\n${text}`, ...(metadata ? { metadata } : {}) });

/** What every passage store must do; `open` gives a fresh, empty one. */
export function passageStoreContract(open: () => StoreFixture<PassageStore>): void {
  it("starts empty: unknown ids have no content and no metadata", () => {
    const { store, close } = open();
    expect(store.all()).toEqual([]);
    expect(store.contents(["chunk-x"])).toEqual([undefined]);
    expect(store.metadata(["chunk-x"])).toEqual([null]);
    expect(store.allMetadata()).toEqual([]);
    close();
  });

  it("adds each passage once, in insertion order across calls, and counts only the new ones", () => {
    const f = open();
    expect(f.store.insert([passage("b", "2"), passage("a", "1")])).toBe(2);
    expect(f.store.insert([passage("a", "1"), passage("c", "3"), passage("c", "3")])).toBe(1);
    f.reopen();
    expect(f.store.all()).toEqual([
      { id: "chunk-b", content: "b\n2" },
      { id: "chunk-a", content: "a\n1" },
      { id: "chunk-c", content: "c\n3" },
    ]);
    expect(f.store.contents(["chunk-c", "chunk-x", "chunk-b", "chunk-c"])).toEqual(["c\n3", undefined, "b\n2", "c\n3"]);
    f.close();
  });

  it("keeps metadata; fills it in for a passage stored without; a later insert's metadata replaces it (the file moved), the first of one insert wins", () => {
    const f = open();
    f.store.insert([passage("a", "1"), passage("b", "2", { source: "b.txt", chunk: 0 })]);
    expect(f.store.metadata(["chunk-a", "chunk-b"])).toEqual([null, { source: "b.txt", chunk: 0 }]);
    expect(f.store.insert([passage("a", "1", { source: "a.txt" }), passage("b", "2", { source: "new/b.md", chunk: 0 }), passage("b", "2", { source: "copy-of-b.md" })])).toBe(0);
    expect(f.store.metadata(["chunk-b", "chunk-a"])).toEqual([{ source: "new/b.md", chunk: 0 }, { source: "a.txt" }]);
    // an insert without metadata (an OpenIE file's passages) leaves it as it is
    f.store.insert([passage("b", "2")]);
    expect(f.store.allMetadata()).toEqual([{ source: "a.txt" }, { source: "new/b.md", chunk: 0 }]);
    f.close();
  });

  it("an insert inside a unit that fails is rolled back", () => {
    const f = open();
    expect(() =>
      f.unit.transaction(() => {
        f.store.insert([passage("a", "1")]);
        throw new Error("stop");
      }),
    ).toThrow("stop");
    expect(f.store.all()).toEqual([]);
    expect(f.store.insert([passage("b", "2")])).toBe(1);
    f.close();
  });
}
