/** WebAssembly text → binary with wabt (a devDependency: only this script and a test need it). */
export async function assembleWat(source: string): Promise<Uint8Array> {
  const { default: init } = await import("wabt");
  const wabt = await init();
  const module = wabt.parseWat("ppr-sweep.wat", source, { threads: true });
  try {
    // No module.validate(): wabt's validator rejects shared memories even with threads on; V8 validates on compile.
    return module.toBinary({}).buffer;
  } finally {
    module.destroy();
  }
}
