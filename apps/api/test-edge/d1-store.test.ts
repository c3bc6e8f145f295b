import { INT64_MAX, INT64_MIN } from "@sortie/domain";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type D1Store, openD1Store } from "../src/store/d1/open-d1.js";
import { queryTemplate } from "../src/store/query-template.js";
import { isUniqueViolation } from "../src/store/store.js";
import { type D1Slot, takeD1Slot } from "./support/d1-slots.js";

const EXACT_VALUES = [1700000060000000001n, INT64_MIN, INT64_MAX, -1n, 0n, 9007199254740993n];

describe("D1 store", () => {
  let slot: D1Slot;
  let store: D1Store;

  beforeAll(async () => {
    slot = await takeD1Slot();
    store = openD1Store(slot.database);
    await store.migrate();
  });
  afterAll(() => {
    slot?.release();
  });

  async function insertUser(userId: string, createdNs: bigint): Promise<void> {
    await store.db
      .insertInto("users")
      .values({ user_id: userId, name: userId, created_ns: createdNs })
      .execute();
  }

  it("round-trips int64 extremes exactly", async () => {
    for (const [index, value] of EXACT_VALUES.entries()) await insertUser(`exact_${index}`, value);

    const rows = await store.db
      .selectFrom("users")
      .select(["user_id", "created_ns"])
      .where("user_id", "like", "exact_%")
      .execute();
    const read = new Map(rows.map((row) => [row.user_id, row.created_ns]));

    for (const [index, value] of EXACT_VALUES.entries()) {
      expect(read.get(`exact_${index}`)).toBe(value);
      expect(typeof read.get(`exact_${index}`)).toBe("bigint");
    }
  });

  it("compares bigint parameters as integers", async () => {
    const above = await store.db
      .selectFrom("users")
      .select("user_id")
      .where("created_ns", ">", 1700000060000000000n)
      .where("user_id", "like", "exact_%")
      .execute();
    const atMax = await store.db
      .selectFrom("users")
      .select("user_id")
      .where("created_ns", "=", INT64_MAX)
      .execute();

    expect(above.map((row) => row.user_id).sort()).toEqual(["exact_0", "exact_2"]);
    expect(atMax.map((row) => row.user_id)).toEqual(["exact_2"]);
  });

  it("computes with bigint parameters exactly", async () => {
    const result = await sql<{ sum: bigint; kept: bigint; kind: string }>`
      SELECT ${1700000060000000000n} + ${1n} AS sum, coalesce(NULL, ${INT64_MIN}) AS kept, typeof(${INT64_MAX}) AS kind
    `.execute(store.db);

    expect(result.rows).toEqual([{ sum: 1700000060000000001n, kept: INT64_MIN, kind: "integer" }]);
  });

  it("keeps reals, text and nulls as they are", async () => {
    const result = await sql<{ real: number; whole: number; text: string; missing: null }>`
      SELECT 2.5 AS real, CAST(3 AS REAL) AS whole, '1700000060000000001' AS text, NULL AS missing
    `.execute(store.db);

    expect(result.rows).toEqual([
      { real: 2.5, whole: 3, text: "1700000060000000001", missing: null },
    ]);
  });

  it("reads query templates exactly", async () => {
    const byId = queryTemplate<{ created_ns: bigint }, { id: string }>((db, slot) =>
      db.selectFrom("users").select("created_ns").where("user_id", "=", slot("id")),
    );

    expect(await byId(store.db, { id: "exact_1" })).toEqual([{ created_ns: INT64_MIN }]);
  });

  it("keeps the order of a limited query", async () => {
    for (let i = 0; i < 30; i++)
      await insertUser(`order_${String(i).padStart(2, "0")}`, 1700000000000000000n + BigInt(i));

    const descending = await store.db
      .selectFrom("users")
      .select("user_id")
      .where("user_id", "like", "order_%")
      .orderBy("created_ns", "desc")
      .limit(7)
      .execute();

    expect(descending.map((row) => row.user_id)).toEqual([
      "order_29",
      "order_28",
      "order_27",
      "order_26",
      "order_25",
      "order_24",
      "order_23",
    ]);
  });

  it("binds more than 100 parameters", async () => {
    const ids = Array.from({ length: 150 }, (_, i) => `many_${i}`);
    await store.db
      .insertInto("users")
      .values(
        ids.map((id, i) => ({
          user_id: id,
          name: `it's ${id}`,
          created_ns: INT64_MAX - BigInt(i),
        })),
      )
      .execute();

    const rows = await store.db
      .selectFrom("users")
      .select(["user_id", "name", "created_ns"])
      .where("user_id", "in", ids)
      .orderBy("user_id")
      .execute();

    expect(rows).toHaveLength(150);
    expect(rows.find((row) => row.user_id === "many_149")).toEqual({
      user_id: "many_149",
      name: "it's many_149",
      created_ns: INT64_MAX - 149n,
    });
  });

  it("reports unique violations by code", async () => {
    const error = await insertUser("exact_0", 1n).catch((failure: unknown) => failure);

    expect(isUniqueViolation(error)).toBe(true);
  });

  it("rejects RETURNING with a clear error", async () => {
    const attempt = store.db
      .insertInto("users")
      .values({ user_id: "returning", name: "r", created_ns: 1n })
      .returning("created_ns")
      .execute();

    await expect(attempt).rejects.toThrow(/replace RETURNING with a SELECT/);
  });

  it("rolls back every write of a failed transaction", async () => {
    const now = 1700000060000000001n;
    await store.db
      .insertInto("orgs")
      .values({ org_id: "og_keep", name: "keep", created_ns: now, created_by: "exact_0" })
      .execute();
    await store.db
      .insertInto("memberships")
      .values({ org_id: "og_keep", user_id: "exact_0", role: "admin", created_ns: now })
      .execute();

    const failure = await store
      .transaction(async (tx) => {
        await tx
          .insertInto("users")
          .values({ user_id: "rolled_back", name: "new", created_ns: now })
          .execute();
        await tx
          .updateTable("users")
          .set({ name: "renamed", created_ns: INT64_MIN })
          .where("user_id", "=", "exact_1")
          .execute();
        // Deleting the org cascades to its memberships, which must come back too.
        await tx.deleteFrom("orgs").where("org_id", "=", "og_keep").execute();
        throw new Error("abort on purpose");
      })
      .catch((error: Error) => error);

    expect(failure).toBeInstanceOf(Error);
    expect(
      await store.db
        .selectFrom("users")
        .select("user_id")
        .where("user_id", "=", "rolled_back")
        .executeTakeFirst(),
    ).toBeUndefined();
    expect(
      await store.db
        .selectFrom("users")
        .select(["name", "created_ns"])
        .where("user_id", "=", "exact_1")
        .executeTakeFirst(),
    ).toEqual({
      name: "exact_1",
      created_ns: INT64_MIN,
    });
    expect(
      await store.db
        .selectFrom("orgs")
        .select("name")
        .where("org_id", "=", "og_keep")
        .executeTakeFirst(),
    ).toEqual({ name: "keep" });
    expect(
      await store.db
        .selectFrom("memberships")
        .select("role")
        .where("org_id", "=", "og_keep")
        .execute(),
    ).toEqual([{ role: "admin" }]);
  });

  it("keeps the writes of a committed transaction", async () => {
    await store.transaction(async (tx) => {
      await tx
        .insertInto("users")
        .values({ user_id: "committed", name: "c", created_ns: INT64_MAX })
        .execute();
      await tx
        .updateTable("users")
        .set({ name: "changed" })
        .where("user_id", "=", "committed")
        .execute();
    });

    const row = await store.db
      .selectFrom("users")
      .select(["name", "created_ns"])
      .where("user_id", "=", "committed")
      .executeTakeFirst();
    const logged = await sql<{
      count: bigint;
    }>`SELECT count(*) AS count FROM "_sortie_undo_users"`.execute(store.db);

    expect(row).toEqual({ name: "changed", created_ns: INT64_MAX });
    expect(logged.rows[0]?.count).toBe(0n);
  });

  it("runs transactions one after another", async () => {
    const order: string[] = [];
    const slowWrite = (name: string) =>
      store.transaction(async (tx) => {
        order.push(`${name} start`);
        await tx
          .insertInto("users")
          .values({ user_id: `serial_${name}`, name, created_ns: 1n })
          .execute();
        await tx.selectFrom("users").select("user_id").execute();
        order.push(`${name} end`);
      });

    await Promise.all([slowWrite("a"), slowWrite("b")]);

    expect(order).toEqual(["a start", "a end", "b start", "b end"]);
  });

  it("migrates again without changes", async () => {
    await store.migrate();

    const triggers = await sql<{ count: bigint }>`
      SELECT count(*) AS count FROM sqlite_master WHERE type = 'trigger' AND name GLOB '_sortie_undo_users_*'
    `.execute(store.db);
    expect(triggers.rows[0]?.count).toBe(3n);
  });
});
