import { describe } from "vitest";
import { tempDir } from "../test-support/cli-harness.js";
import { llmCacheStoreContract } from "./llm-cache-store.contract.js";
import { memoryIndexStoreContract } from "./memory-index-store.contract.js";
import { openieStoreContract } from "./openie-store.contract.js";
import { passageStoreContract } from "./passage-store.contract.js";
import { reportStoreContract } from "./report-store.contract.js";
import { runStoreContract } from "./run-store.contract.js";
import type { StoreFixture } from "./store-fixture.js";
import { unitOfWorkContract } from "./unit-of-work.contract.js";
import { Workspace } from "./workspace.js";

/** A role of a fresh workspace file; reopening opens the same file again. */
function sqlite<S>(role: (workspace: Workspace) => S): () => StoreFixture<S> {
  return () => {
    const dir = tempDir();
    let workspace = Workspace.open(dir);
    const fixture: StoreFixture<S> = {
      store: role(workspace),
      unit: { transaction: (work) => workspace.transaction(work) },
      reopen: () => {
        workspace.close();
        workspace = Workspace.open(dir);
        fixture.store = role(workspace);
      },
      close: () => workspace.close(),
    };
    return fixture;
  };
}

describe("SQLite passage store", () => passageStoreContract(sqlite((w) => w.passages)));
describe("SQLite OpenIE results", () => openieStoreContract(sqlite((w) => w)));
describe("SQLite LLM cache", () => llmCacheStoreContract(sqlite((w) => w.llmCache)));
describe("SQLite run store", () => runStoreContract(sqlite((w) => w.runs)));
describe("SQLite report store", () => reportStoreContract(sqlite((w) => w.reports)));
describe("SQLite memory-index store", () => memoryIndexStoreContract(sqlite((w) => w.indexes)));
describe("SQLite unit of work", () => unitOfWorkContract(sqlite((w) => ({ passages: w.passages, llmCache: w.llmCache }))));
