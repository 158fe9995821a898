/** Minimal leveled logger to stderr; stdout stays clean for `--json` output. */
export type LogLevel = "debug" | "info" | "warn" | "error" | "silent";
const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 };

export interface Logger {
  level: LogLevel;
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export function createLogger(level: LogLevel = "info", write: (line: string) => void = defaultWrite): Logger {
  const logger: Logger = {
    level,
    debug: (m) => emit("debug", m),
    info: (m) => emit("info", m),
    warn: (m) => emit("warn", m),
    error: (m) => emit("error", m),
  };
  function emit(at: LogLevel, message: string): void {
    if (ORDER[at] < ORDER[logger.level]) return;
    write(at === "info" ? message : `${at}: ${message}`);
  }
  return logger;
}

function defaultWrite(line: string): void {
  process.stderr.write(`${line}\n`);
}

export const LOG_LEVELS: readonly LogLevel[] = ["debug", "info", "warn", "error", "silent"];
