import { expect, it } from "vitest";
import type { LlmCacheStore } from "./llm-cache-store.js";
import type { PassageStore } from "./passage-store.js";
import type { StoreFixture } from "./store-fixture.js";

const reply = (text: string) => ({ text, finishReason: "stop", promptTokens: 1, completionTokens: 1 });
const passage = (n: number) => ({ id: `chunk-${n}`, title: `T${n}`, text: `text ${n}`, content: `T${n}\ntext ${n}` });

/** Units of work over two roles of one backend: all or nothing, nested units as savepoints. */
export function unitOfWorkContract(open: () => StoreFixture<{ passages: PassageStore; llmCache: LlmCacheStore }>): void {
  it("commits every write of a unit, and returns what the work returns", () => {
    const f = open();
    const value = f.unit.transaction(() => {
      f.store.passages.insert([passage(1)]);
      f.store.llmCache.put("k", "qa", "m", reply("a"));
      return 42;
    });
    expect(value).toBe(42);
    f.reopen();
    expect(f.store.passages.contents(["chunk-1"])).toEqual(["T1\ntext 1"]);
    expect(f.store.llmCache.get("k")?.text).toBe("a");
    f.close();
  });

  it("a unit that throws stores nothing of any role (writes made before it stay) and rethrows", () => {
    const f = open();
    f.store.passages.insert([passage(1)]);
    const failing = () =>
      f.unit.transaction(() => {
        f.store.passages.insert([passage(2)]);
        f.store.llmCache.put("k", "qa", "m", reply("a"));
        throw new Error("bad line 3");
      });
    expect(failing).toThrow("bad line 3");
    f.reopen();
    expect(f.store.passages.all().map((p) => p.id)).toEqual(["chunk-1"]);
    expect(f.store.llmCache.get("k")).toBeUndefined();
    f.close();
  });

  it("an inner unit that throws, caught by the outer one, rolls back only itself", () => {
    const f = open();
    f.unit.transaction(() => {
      f.store.passages.insert([passage(1)]);
      try {
        f.unit.transaction(() => {
          f.store.passages.insert([passage(2)]);
          throw new Error("inner");
        });
      } catch {
        // the outer unit goes on without the inner one's writes
      }
      f.store.llmCache.put("k", "qa", "m", reply("a"));
    });
    f.reopen();
    expect(f.store.passages.all().map((p) => p.id)).toEqual(["chunk-1"]);
    expect(f.store.llmCache.get("k")?.text).toBe("a");
    f.close();
  });
}
