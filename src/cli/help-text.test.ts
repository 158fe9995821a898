import { describe, expect, it } from "vitest";
import { runCli } from "../test-support/cli-harness.js";

describe("--help", () => {
  it("says each default once, as a value: no '(default: [200])' beside 'default 200', no '(default: false)' on switches", async () => {
    for (const command of ["retrieve", "run", "index", "openie", "qa", "eval", "delete", "report"]) {
      const help = (await runCli([command, "--help"])).stdout.replace(/\s+/g, " ");
      expect(help, command).toMatch(/--save-dir|save-dirs/);
      expect(help, command).not.toMatch(/\(default: \[/);
      expect(help, command).not.toMatch(/\(default: false\)/);
      expect(help.match(/default:? 200\b/g)?.length ?? 0, command).toBeLessThanOrEqual(1);
    }
    // the --config example names options the command has
    expect((await runCli(["delete", "--help"])).stdout.replace(/\s+/g, " ")).not.toMatch(/linkingTopK/);
    const retrieve = (await runCli(["retrieve", "--help"])).stdout.replace(/\s+/g, " ");
    expect(retrieve).toMatch(/--config <file> a JSON file of this command's options, e\.g\. \{"linkingTopK": \[3, 5, 10\]\}/);
    expect(retrieve).toMatch(/--top-k <n> passages returned per question \(a comma list sweeps; default 200\)/);
    expect(retrieve).toMatch(/--dataset-dir <dir> folder holding the dataset files \(default: "reproduce\/dataset"\)/);
  });
});
