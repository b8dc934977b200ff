import type { UnitFile, UnitOption } from "./model.ts";
import { endsWithLoneBackslash } from "./text.ts";

/**
 * Canonical text, byte for byte the layout of go-systemd's Serialize (which fleet hashes):
 * sections in order of first appearance with all their options together, `[Section]` then
 * `Name=Value` lines, one blank line between sections, a final newline; "" for no options.
 */
export function serializeUnitFile(file: UnitFile): string {
  return serializeWithLines(file).text;
}

/**
 * The canonical text plus, for each option of `file.options` (in that order), the line it occupies
 * in that text. Used to locate problems in a file that was built rather than parsed.
 */
export function serializeWithLines(file: UnitFile): { text: string; lines: number[] } {
  const groups = new Map<string, number[]>();
  file.options.forEach((option, index) => {
    const group = groups.get(option.section);
    if (group === undefined) groups.set(option.section, [index]);
    else group.push(index);
  });

  const parts: string[] = [];
  const lines: number[] = new Array<number>(file.options.length).fill(0);
  let line = 0;
  for (const [section, indexes] of groups) {
    if (parts.length > 0) {
      parts.push("\n");
      line++;
    }
    parts.push(`[${section}]\n`);
    line++;
    for (const index of indexes) {
      const option = file.options[index] as UnitOption;
      parts.push(`${option.name}=${encodeValue(option.value)}\n`);
      line++;
      lines[index] = line;
    }
  }
  return { text: parts.join(""), lines };
}

// A parsed value can end in an unescaped backslash: its source line was `Key=a\ `, where the blank
// stopped the continuation and was then stripped. Written bare it would continue onto the next
// line, so one blank is appended, which systemd and parseUnitFile read back as the same value.
function encodeValue(value: string): string {
  return endsWithLoneBackslash(value) ? `${value} ` : value;
}
