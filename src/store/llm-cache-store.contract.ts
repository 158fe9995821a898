import { expect, it } from "vitest";
import type { LlmCacheStore } from "./llm-cache-store.js";
import type { StoreFixture } from "./store-fixture.js";

const reply = (text: string, promptTokens = 10, completionTokens = 2, finishReason = "stop") => ({ text, finishReason, promptTokens, completionTokens });

/** What every LLM cache store must do; `open` gives a fresh, empty one. */
export function llmCacheStoreContract(open: () => StoreFixture<LlmCacheStore>): void {
  it("starts empty", () => {
    const { store, close } = open();
    expect(store.get("k")).toBeUndefined();
    expect(store.usage()).toEqual([]);
    close();
  });

  it("gives back the reply stored under a key, exactly; a second put replaces it", () => {
    const f = open();
    f.store.put("k1", "openie-ner", "m", reply("héllo\n{\"a\": 1}", 123, 45, "length"));
    f.reopen();
    expect(f.store.get("k1")).toEqual(reply("héllo\n{\"a\": 1}", 123, 45, "length"));
    expect(f.store.get("k2")).toBeUndefined();
    f.store.put("k1", "openie-ner", "m", reply("again"));
    expect(f.store.get("k1")).toEqual(reply("again"));
    f.close();
  });

  it("sums usage per (stage, model), sorted by stage then model, counting a replaced key once", () => {
    const f = open();
    f.store.put("a", "qa", "m2", reply("x", 5, 1));
    f.store.put("b", "filter", "m1", reply("x", 7, 3));
    f.store.put("c", "qa", "m1", reply("x", 2, 2));
    f.store.put("d", "qa", "m2", reply("x", 4, 4));
    f.store.put("a", "qa", "m2", reply("x", 6, 1));
    expect(f.store.usage()).toEqual([
      { stage: "filter", model: "m1", calls: 1, promptTokens: 7, completionTokens: 3 },
      { stage: "qa", model: "m1", calls: 1, promptTokens: 2, completionTokens: 2 },
      { stage: "qa", model: "m2", calls: 2, promptTokens: 10, completionTokens: 5 },
    ]);
    f.close();
  });

  it("a put inside a unit that fails is rolled back", () => {
    const f = open();
    expect(() =>
      f.unit.transaction(() => {
        f.store.put("k", "qa", "m", reply("x"));
        throw new Error("stop");
      }),
    ).toThrow("stop");
    expect(f.store.get("k")).toBeUndefined();
    f.close();
  });
}
