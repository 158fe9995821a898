import { resolve } from "node:path";

/**
 * Where a command read its dataset, as absolute paths: recorded in run and eval reports so that
 * `hipporag report` finds each workspace's questions again without being told (workspaces whose data
 * lives in different folders), from any working directory.
 */
export interface DatasetSource {
  datasetDir: string;
  corpus?: string;
  questions?: string;
}

export function datasetSource(datasetDir: string, source: { corpus?: string; questions?: string } = {}): DatasetSource {
  return {
    datasetDir: resolve(datasetDir),
    ...(source.corpus ? { corpus: resolve(source.corpus) } : {}),
    ...(source.questions ? { questions: resolve(source.questions) } : {}),
  };
}
