import { describe, expect, it } from "vitest";
import { renderFields, renderTable } from "./table.js";

interface Row {
  id: string;
  name: string;
  note: string;
}

const COLUMNS = [
  { heading: "id", cell: (row: Row) => row.id },
  { heading: "name", cell: (row: Row) => row.name },
  { heading: "note", cell: (row: Row) => row.note },
];

describe("renderTable", () => {
  it("aligns columns under headings", () => {
    const text = renderTable(COLUMNS, [
      { id: "ss_1", name: "short", note: "a" },
      { id: "ss_22", name: "a longer name", note: "b" },
    ]);

    expect(text).toBe(
      ["ID     NAME           NOTE", "ss_1   short          a", "ss_22  a longer name  b", ""].join(
        "\n",
      ),
    );
  });

  it("measures wide characters by columns", () => {
    const lines = renderTable(COLUMNS, [
      { id: "ss_1", name: "飛行", note: "x" },
      { id: "ss_2", name: "flight", note: "y" },
    ]).split("\n");

    expect(lines[1]).toBe("ss_1  飛行    x");
    expect(lines[2]).toBe("ss_2  flight  y");
  });

  it("keeps a cell on one line", () => {
    const text = renderTable(COLUMNS, [{ id: "ss_1", name: "two\nlines", note: "z" }]);

    expect(text.split("\n")).toHaveLength(3);
    expect(text).toContain("two lines");
  });

  it("prints headings without rows", () => {
    expect(renderTable(COLUMNS, [])).toBe("ID  NAME  NOTE\n");
  });
});

describe("renderFields", () => {
  it("aligns values after labels", () => {
    expect(
      renderFields([
        ["name", "flight 42"],
        ["session_id", "ss_1"],
      ]),
    ).toBe("name        flight 42\nsession_id  ss_1\n");
  });
});
