import { afterAll } from "vitest";
import { removeTempDirs } from "./cli-harness.js";

// A vitest setup file: each test file's temporary workspaces go when the file ends (a CI run made ~60).
afterAll(() => {
  removeTempDirs();
});
