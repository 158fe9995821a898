import { expect, it } from "vitest";
import type { ReportStore } from "./report-store.js";
import type { StoreFixture } from "./store-fixture.js";

const report = (name: string, body: unknown = { dataset: name }) => ({ createdAt: "2026-12-01T00:00:00.000Z", kind: "eval", name, body: JSON.stringify(body) });

/** What every report store must do; `open` gives a fresh, empty one. */
export function reportStoreContract(open: () => StoreFixture<ReportStore>): void {
  it("starts empty", () => {
    const { store, close } = open();
    expect([...store.newestFirst()]).toEqual([]);
    close();
  });

  it("gives each report a larger id than the ones before, and reads them newest first", () => {
    const f = open();
    const a = f.store.add(report("a"));
    const b = f.store.add(report("b"));
    f.reopen();
    const c = f.store.add(report("a", "not json"));
    expect(a).toBeLessThan(b);
    expect(b).toBeLessThan(c);
    expect([...f.store.newestFirst()]).toEqual([
      { id: c, ...report("a", "not json") },
      { id: b, ...report("b") },
      { id: a, ...report("a") },
    ]);
    f.close();
  });

  it("stopping early while reading leaves the store usable", () => {
    const f = open();
    f.store.add(report("a"));
    f.store.add(report("b"));
    for (const r of f.store.newestFirst()) if (r.name === "b") break;
    f.store.add(report("c"));
    expect([...f.store.newestFirst()].map((r) => r.name)).toEqual(["c", "b", "a"]);
    f.close();
  });

  it("a report added in a unit that fails is not kept", () => {
    const f = open();
    expect(() =>
      f.unit.transaction(() => {
        f.store.add(report("a"));
        throw new Error("stop");
      }),
    ).toThrow("stop");
    expect([...f.store.newestFirst()]).toEqual([]);
    f.close();
  });
}
