import { positiveInt, unitFloat } from "../core/validate.js";

/** Commander parsers for numeric flags, by the shared rules of core/validate.ts (the library uses the same). */
export function parsePositiveInt(name: string, max?: number) {
  return (value: string): number => positiveInt(name, value, max);
}

export function parseUnitFloat(name: string, options: { below1?: boolean } = {}) {
  return (value: string): number => unitFloat(name, value, options);
}
