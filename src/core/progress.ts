import cliProgress from "cli-progress";

export interface ProgressFields {
  [key: string]: string | number;
}

export interface Progress {
  update(done: number, fields?: ProgressFields): void;
  stop(): void;
}

/**
 * A progress display: a cli-progress bar on a TTY, otherwise one plain line every `intervalMs`
 * (cli-progress prints nothing at all when stderr is not a TTY). `quiet` shows nothing.
 */
export function createProgress(options: {
  label: string;
  total: number;
  quiet?: boolean;
  intervalMs?: number;
  stream?: NodeJS.WriteStream;
  format?: (fields: ProgressFields) => string;
}): Progress {
  const stream = options.stream ?? process.stderr;
  const describe = (fields: ProgressFields) => (options.format ? options.format(fields) : "");
  if (options.quiet || options.total === 0) return { update() {}, stop() {} };
  const started = Date.now();
  // Under half a second a rate says nothing (a cached stage would show millions per second).
  const rate = (done: number) => {
    const seconds = (Date.now() - started) / 1000;
    return seconds < 0.5 ? "" : `${(done / seconds).toFixed(1)}/s`;
  };
  if (stream.isTTY) {
    const bar = new cliProgress.SingleBar(
      { format: `${options.label} [{bar}] {value}/{total} | {rate} | {extra}`, stream, hideCursor: true, clearOnComplete: false },
      cliProgress.Presets.shades_classic,
    );
    bar.start(options.total, 0, { rate: "", extra: "" });
    return {
      update: (done, fields = {}) => bar.update(done, { rate: rate(done), extra: describe(fields) }),
      stop: () => bar.stop(),
    };
  }
  const interval = options.intervalMs ?? 5000;
  let last = Date.now(); // short tasks print only their final line
  let lastDone = -1;
  let lastFields: ProgressFields = {};
  const line = (done: number, fields: ProgressFields) =>
    stream.write(`${options.label}: ${done}/${options.total}${rate(done) ? ` (${rate(done)})` : ""}${describe(fields) ? ` | ${describe(fields)}` : ""}\n`);
  return {
    update(done, fields = {}) {
      lastDone = done;
      lastFields = fields;
      if (Date.now() - last >= interval) {
        last = Date.now();
        line(done, fields);
      }
    },
    stop() {
      if (lastDone >= 0) line(lastDone, lastFields);
    },
  };
}
