import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type CreateCustomFieldInput, InvalidRequestError, type Sortie } from "../src/index.js";
import { startWorkerApi, type WorkerApi } from "./support/worker-api.js";

let api: WorkerApi;
let client: Sortie;
beforeAll(async () => {
  api = await startWorkerApi();
  client = api.client();
  const definitions: CreateCustomFieldInput[] = [
    {
      entity_type: "session",
      field_name: "weather",
      field_type: "enum",
      options: { field_type: "enum", enum_values: ["clear", "rain"] },
    },
    { entity_type: "session", field_name: "wind_kmh", field_type: "number" },
    { entity_type: "session", field_name: "checked", field_type: "boolean" },
    { entity_type: "session", field_name: "pilot", field_type: "string" },
    { entity_type: "session", field_name: "landed_at", field_type: "timestamp" },
  ];
  for (const definition of definitions) {
    const field = await client.customFields.create(definition);
    await client.customFields.waitUntilReady(field.field_id, { pollIntervalMs: 20 });
  }
});
afterAll(async () => {
  await api?.close();
});

describe("Session custom fields", () => {
  it("new session lists fields as null", async () => {
    const session = await client.sessions.create({});

    expect(session.custom_fields).toEqual({
      weather: null,
      wind_kmh: null,
      checked: null,
      pilot: null,
      landed_at: null,
    });
  });

  it("setCustomFields sets typed values", async () => {
    const session = await client.sessions.create({});

    const result = await session.setCustomFields({
      weather: "clear",
      wind_kmh: 12.5,
      checked: true,
      pilot: "Ana",
    });

    expect(result).toBe(session);
    expect(session.custom_fields).toMatchObject({
      weather: "clear",
      wind_kmh: 12.5,
      checked: true,
      pilot: "Ana",
      landed_at: null,
    });
  });

  it("timestamp comes back as UTC", async () => {
    const session = await client.sessions.create({});

    await session.setCustomField("landed_at", "2026-04-23T10:00:00.000000001+02:00");
    expect(session.custom_fields.landed_at).toBe("2026-04-23T08:00:00.000000001Z");

    await session.setCustomField("landed_at", 1_776_931_200_000_000_001n);
    expect(session.custom_fields.landed_at).toBe("2026-04-23T08:00:00.000000001Z");
  });

  it("clearCustomField sets null", async () => {
    const session = await client.sessions.create({
      custom_fields: { weather: "rain", pilot: "Bo" },
    });
    expect(session.custom_fields.weather).toBe("rain");

    await session.clearCustomField("weather");
    expect(session.custom_fields.weather).toBeNull();
    expect(session.custom_fields.pilot).toBe("Bo");

    await session.clearCustomFields(["pilot"]);
    expect(session.custom_fields.pilot).toBeNull();
  });

  it("wrong values reject the whole write", async () => {
    const session = await client.sessions.create({ custom_fields: { wind_kmh: 3 } });

    const error = await session
      .setCustomFields({ weather: "snow", wind_kmh: "fast", pilot: "Cy" })
      .catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(InvalidRequestError);
    expect((error as InvalidRequestError).status).toBe(400);
    expect((error as InvalidRequestError).details.map((detail) => detail.path).sort()).toEqual([
      "custom_fields_changeset.set_fields.weather",
      "custom_fields_changeset.set_fields.wind_kmh",
    ]);
    await session.refresh();
    expect(session.custom_fields).toMatchObject({ weather: null, wind_kmh: 3, pilot: null });
  });

  it("field that is not ready is rejected", async () => {
    const field = await client.customFields.create({
      entity_type: "session",
      field_name: "not_yet",
      field_type: "string",
    });
    await client.customFields.delete(field.field_id);
    const session = await client.sessions.create({});

    const error = await session.setCustomField("not_yet", "x").catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(InvalidRequestError);
    expect((error as InvalidRequestError).details[0]?.path).toBe(
      "custom_fields_changeset.set_fields.not_yet",
    );
  });
});
