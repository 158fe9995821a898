/**
 * A passage is stored as `title\ntext` (upstream's format, whose md5 is the passage id), and read back
 * by cutting at the first line break. A title holding a line break would come back cut there (title
 * "A", text "B\n…"), `delete --title A` would match it, and {title: "A\nB", text: "C"} would be the same
 * passage as {title: "A", text: "B\nC"}. Loaders refuse such titles with the file, record and field.
 */
export const TITLE_LINE_BREAK_PROBLEM =
  'the title holds a line break; a passage is stored as "title\\ntext", so it would read back cut at the break (and could be the same passage as another record): replace the break with a space';

export function titleHasLineBreak(title: string): boolean {
  return title.includes("\n");
}
