/** Go's tabwriter as fleetctl configured it: minimum width 0, tab stops of 8, padding 1, tabs. */
const TAB_WIDTH = 8;
const PADDING = 1;

/**
 * Lays rows out the way fleetctl's output looked: every cell but the last of a row is padded
 * with tabs to a column width that is a multiple of 8, so the columns line up on a terminal
 * and `awk -F'\t+'` or `cut` still split them.
 */
export function tabulate(rows: readonly (readonly string[])[]): string {
  const widths: number[] = [];
  for (const row of rows) {
    row.slice(0, -1).forEach((cell, column) => {
      widths[column] = Math.max(widths[column] ?? 0, displayWidth(cell) + PADDING);
    });
  }
  return rows
    .map((row) =>
      row
        .map((cell, column) => {
          const width = widths[column];
          if (column === row.length - 1 || width === undefined) return cell;
          const cellWidth = Math.ceil(width / TAB_WIDTH) * TAB_WIDTH;
          const tabs = Math.ceil((cellWidth - displayWidth(cell)) / TAB_WIDTH);
          return cell + "\t".repeat(tabs);
        })
        .join(""),
    )
    .map((line) => `${line}\n`)
    .join("");
}

/** tabwriter counts runes, not UTF-16 code units. */
function displayWidth(text: string): number {
  return [...text].length;
}
