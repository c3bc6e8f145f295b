import stringWidth from "string-width";

/** One column of a table: its heading and how to read a row's cell. */
export interface Column<Row> {
  heading: string;
  cell(row: Row): string;
}

const GAP = "  ";

/**
 * Renders rows as aligned columns under upper-case headings, two spaces
 * apart, measuring each cell in terminal columns so that wide characters
 * line up. The last column is not padded. Returns the text with a trailing
 * newline.
 */
export function renderTable<Row>(
  columns: ReadonlyArray<Column<Row>>,
  rows: readonly Row[],
): string {
  const headings = columns.map((column) => column.heading.toUpperCase());
  const cells = rows.map((row) => columns.map((column) => oneLine(column.cell(row))));
  const widths = headings.map((heading, index) =>
    Math.max(stringWidth(heading), ...cells.map((line) => stringWidth(line[index] ?? ""))),
  );

  const renderLine = (line: string[]) =>
    line
      .map((cell, index) => (index === line.length - 1 ? cell : pad(cell, widths[index] ?? 0)))
      .join(GAP)
      .trimEnd();

  return `${[headings, ...cells].map(renderLine).join("\n")}\n`;
}

/**
 * Renders label and value pairs as two aligned columns, for the view of one
 * record. Returns the text with a trailing newline.
 */
export function renderFields(fields: ReadonlyArray<[string, string]>): string {
  const width = Math.max(0, ...fields.map(([label]) => stringWidth(label)));
  return `${fields.map(([label, value]) => `${pad(label, width)}${GAP}${oneLine(value)}`.trimEnd()).join("\n")}\n`;
}

function pad(text: string, width: number): string {
  return text + " ".repeat(Math.max(0, width - stringWidth(text)));
}

// A line break inside a cell would break the alignment of every row after it.
function oneLine(text: string): string {
  return text.replace(/[\r\n\t]+/g, " ");
}
