import { INT64_MIN } from "@sortie/domain";
import { describe, expect, it } from "vitest";
import {
  bindExactly,
  D1_MAX_PARAMETERS,
  decodeExactRows,
  exactSelectSql,
  isSelectSql,
  sqlLiteral,
} from "../src/store/d1/exact-integers.js";

describe("bindExactly", () => {
  it("casts bigint placeholders only", () => {
    const bound = bindExactly("select * from t where a = ? and b = ?", [5n, "x"]);

    expect(bound.sql).toBe("select * from t where a = CAST(? AS INTEGER) and b = ?");
    expect(bound.parameters).toEqual(["5", "x"]);
  });

  it("skips question marks in quotes and comments", () => {
    const sql = `select '?', "a?b", [c?], \`d?\` -- ?\n/* ? */ from t where x = ?`;

    const bound = bindExactly(sql, [1n]);

    expect(bound.sql).toBe(sql.replace(/= \?$/, "= CAST(? AS INTEGER)"));
  });

  it("rejects mismatched parameter counts", () => {
    expect(() => bindExactly("select ? , ?", [1n])).toThrow(/2 placeholders but 1 parameters/);
    expect(() => bindExactly("select 1", [1n])).toThrow(/0 placeholders but 1 parameters/);
  });

  it("rejects numbered placeholders", () => {
    expect(() => bindExactly("select ?1", [1n])).toThrow(/numbered placeholder/);
  });

  it("writes literals past the parameter limit", () => {
    const values = Array.from({ length: D1_MAX_PARAMETERS + 1 }, (_, i) =>
      i === 0 ? INT64_MIN : `v'${i}`,
    );
    const sql = `select 1 where x in (${values.map(() => "?").join(", ")})`;

    const bound = bindExactly(sql, values);

    expect(bound.parameters).toEqual([]);
    expect(bound.sql).toContain("CAST('-9223372036854775808' AS INTEGER), 'v''1', 'v''2'");
  });

  it("maps booleans to integers", () => {
    expect(bindExactly("select ?, ?", [true, false]).parameters).toEqual([1, 0]);
  });

  it("rejects undefined parameters", () => {
    expect(() => bindExactly("select ?", [undefined])).toThrow(/pass null/);
  });
});

describe("sqlLiteral", () => {
  it("writes each type as SQLite reads it", () => {
    expect(sqlLiteral(null)).toBe("NULL");
    expect(sqlLiteral(3)).toBe("3");
    expect(sqlLiteral(-2.5)).toBe("-2.5");
    expect(sqlLiteral(0.1)).toBe("0.1");
    expect(sqlLiteral("it's")).toBe("'it''s'");
    expect(sqlLiteral(new Uint8Array([0, 255]))).toBe("X'00ff'");
  });

  it("rejects values SQL cannot hold", () => {
    expect(() => sqlLiteral(Number.NaN)).toThrow(/no literal/);
    expect(() => sqlLiteral("a\u0000b")).toThrow(/NUL/);
    expect(() => sqlLiteral({})).toThrow(/cannot bind a value of type object/);
  });
});

describe("exact select wrapper", () => {
  it("adds an integer text column per column", () => {
    expect(exactSelectSql("select a from t;", ["a"])).toBe(
      `SELECT *, CASE WHEN typeof("a") = 'integer' THEN CAST("a" AS TEXT) END FROM (select a from t)`,
    );
  });

  it("decodes integer text as bigint", () => {
    const rows = decodeExactRows(
      ["n", "r", "s", "b"],
      [[1700000060000000000, 1.5, "x", [1, 2], "1700000060000000001", null, null, null]],
    );

    expect(rows).toEqual([{ n: 1700000060000000001n, r: 1.5, s: "x", b: new Uint8Array([1, 2]) }]);
  });

  it("rejects rows of the wrong width", () => {
    expect(() => decodeExactRows(["a"], [[1]])).toThrow(
      /1 values where the exact-integer wrapper returns 2/,
    );
  });

  it("recognizes statements that return rows", () => {
    expect(isSelectSql("  SELECT 1")).toBe(true);
    expect(isSelectSql("with x as (select 1) select * from x")).toBe(true);
    expect(isSelectSql("UPDATE t SET a = 1")).toBe(false);
  });
});
