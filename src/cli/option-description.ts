import type { Option } from "commander";

/**
 * An option's line in --help: commander's, except that a default is said once and as a value. A
 * description that names its default already ("a comma list sweeps; default 200") gets no second
 * "(default: [200])"; a one-value list shows as that value, an empty one not at all; a switch's
 * `false` is not shown (off unless given is what a switch means).
 */
export function optionDescription(option: Option): string {
  const extra: string[] = [];
  if (option.argChoices) extra.push(`choices: ${option.argChoices.map((choice) => JSON.stringify(choice)).join(", ")}`);
  const value: unknown = option.defaultValue;
  const saysDefault = /\bdefault\b/.test(option.description);
  const nothing = value === undefined || (Array.isArray(value) && value.length === 0); // an empty list: none given
  if (!nothing && !saysDefault && (option.required || option.optional)) {
    extra.push(`default: ${option.defaultValueDescription ?? (Array.isArray(value) && value.length === 1 ? JSON.stringify(value[0]) : JSON.stringify(value))}`);
  }
  if (option.presetArg !== undefined && option.optional) extra.push(`preset: ${JSON.stringify(option.presetArg)}`);
  if (option.envVar !== undefined) extra.push(`env: ${option.envVar}`);
  return extra.length ? `${option.description} (${extra.join(", ")})`.trim() : option.description;
}
