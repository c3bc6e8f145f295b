import {
  CreateDeviceRequestSchema,
  DeviceRecordSchema,
  isMetadataChangesetEmpty,
  SessionRecordSchema,
  UpdateDeviceRequestSchema,
} from "@sortie/domain";
import type { Context, Hono } from "hono";
import { requireOrg } from "../auth/org-scope.js";
import {
  deleteEntityValues,
  loadCustomFieldObjects,
  parseChangesetValues,
  parseInitialValues,
  writeFieldValues,
} from "../custom-fields/entity-values.js";
import { findDeviceOrg } from "../devices/lookup.js";
import { type DeviceRow, toDeviceRecord } from "../devices/records.js";
import type { AppEnv } from "../env.js";
import { ApiError } from "../http/api-error.js";
import { nowNs, pageQuery, param } from "../http/context.js";
import { readJsonBody, sendData } from "../http/json.js";
import { documented } from "../http/openapi.js";
import { parseInput } from "../http/validate.js";
import { cursorString, readPage } from "../pagination/paginate.js";
import { deviceSessions } from "../sessions/listings.js";
import type { Executor } from "../store/store.js";
import { writeJson } from "../util/json-columns.js";
import { applyMetadataChanges } from "../util/metadata-changes.js";

const TAG = "Devices";

async function toRecords(db: Executor, rows: DeviceRow[]) {
  const byOrg = new Map<string, string[]>();
  for (const row of rows) byOrg.set(row.org_id, [...(byOrg.get(row.org_id) ?? []), row.device_id]);
  const objects = new Map<string, Record<string, unknown>>();
  for (const [orgId, ids] of byOrg) {
    for (const [id, object] of await loadCustomFieldObjects(db, orgId, "device", ids)) {
      objects.set(`${orgId}\u0000${id}`, object);
    }
  }
  return rows.map((row) =>
    toDeviceRecord(row, objects.get(`${row.org_id}\u0000${row.device_id}`) ?? {}),
  );
}

async function sendDevice(c: Context<AppEnv>, row: DeviceRow) {
  const [record] = await toRecords(c.get("deps").store.db, [row]);
  return sendData(c, record);
}

async function readDevice(db: Executor, orgId: string, deviceId: string): Promise<DeviceRow> {
  const row = await db
    .selectFrom("devices")
    .selectAll()
    .where("org_id", "=", orgId)
    .where("device_id", "=", deviceId)
    .executeTakeFirst();
  if (!row) throw ApiError.notFound("Device", deviceId, "RobotoDeviceNotFoundException");
  return row;
}

/** Registers the device routes. */
export function registerDeviceRoutes(app: Hono<AppEnv>): void {
  app.post(
    "/v1/devices/create",
    documented({
      tag: TAG,
      summary: "Create a device",
      description:
        "Device ids are chosen by the caller and unique per org; without one the server makes a `dv_` id.",
      body: CreateDeviceRequestSchema,
      data: DeviceRecordSchema,
    }),
    async (c) => {
      const request = parseInput(CreateDeviceRequestSchema, await readJsonBody(c));
      const { store, ids } = c.get("deps");
      const orgId = requireOrg(c);
      const now = nowNs(c);
      const userId = c.get("caller").userId;
      const deviceId = request.device_id ?? ids.next("dv_");

      const row = await store.transaction(async (tx) => {
        const existing = await tx
          .selectFrom("devices")
          .select("device_id")
          .where("org_id", "=", orgId)
          .where("device_id", "=", deviceId)
          .executeTakeFirst();
        if (existing) {
          throw ApiError.conflict(
            `A device with id '${deviceId}' already exists in this org; choose another id`,
            [{ path: "device_id", reason: "already taken", value: deviceId }],
          );
        }
        const values = await parseInitialValues(tx, orgId, "device", request.custom_fields);
        await tx
          .insertInto("devices")
          .values({
            org_id: orgId,
            device_id: deviceId,
            name: request.name ?? null,
            tags: writeJson(request.tags),
            metadata: writeJson(request.metadata),
            created_ns: now,
            created_by: userId,
            modified_ns: now,
            modified_by: userId,
          })
          .execute();
        await writeFieldValues(tx, store.dialect, orgId, "device", deviceId, values);
        return readDevice(tx, orgId, deviceId);
      });
      return sendDevice(c, row);
    },
  );

  app.get(
    "/v1/devices/id/:device_id",
    documented({ tag: TAG, summary: "Get a device", data: DeviceRecordSchema }),
    async (c) => {
      const { db } = c.get("deps").store;
      const deviceId = param(c, "device_id");
      return sendDevice(
        c,
        await readDevice(db, await findDeviceOrg(db, c.get("caller"), deviceId), deviceId),
      );
    },
  );

  app.get(
    "/v1/devices/org/:org_id",
    documented({ tag: TAG, summary: "List the devices of an org", pageItem: DeviceRecordSchema }),
    async (c) => {
      const orgId = param(c, "org_id");
      if (!c.get("caller").roles.has(orgId)) throw ApiError.notFound("Org", orgId);
      const { db } = c.get("deps").store;
      const page = await readPage(c.get("pageTokens"), pageQuery(c), {
        listing: `devices:${orgId}`,
        async fetch(after, limit) {
          let query = db.selectFrom("devices").selectAll().where("org_id", "=", orgId);
          if (after) query = query.where("device_id", ">", cursorString(after[0]));
          return query.orderBy("device_id", "asc").limit(limit).execute();
        },
        cursorOf: (row) => [row.device_id],
        toItems: (rows) => toRecords(db, rows),
      });
      return sendData(c, page);
    },
  );

  app.put(
    "/v1/devices/id/:device_id",
    documented({
      tag: TAG,
      summary: "Update a device",
      body: UpdateDeviceRequestSchema,
      data: DeviceRecordSchema,
    }),
    async (c) => {
      const request = parseInput(UpdateDeviceRequestSchema, await readJsonBody(c));
      const { store } = c.get("deps");
      const deviceId = param(c, "device_id");
      const orgId = await findDeviceOrg(store.db, c.get("caller"), deviceId);
      const now = nowNs(c);

      const row = await store.transaction(async (tx) => {
        const device = await store
          .forUpdate(
            tx
              .selectFrom("devices")
              .selectAll()
              .where("org_id", "=", orgId)
              .where("device_id", "=", deviceId),
          )
          .executeTakeFirst();
        if (!device) throw ApiError.notFound("Device", deviceId, "RobotoDeviceNotFoundException");

        const changes: Partial<DeviceRow> = {
          modified_ns: now,
          modified_by: c.get("caller").userId,
        };
        if ("name" in request) changes.name = request.name ?? null;
        if (!isMetadataChangesetEmpty(request.metadata_changeset)) {
          const applied = applyMetadataChanges(device, request.metadata_changeset);
          changes.tags = applied.tags;
          changes.metadata = applied.metadata;
        }
        if (request.custom_fields_changeset) {
          const values = await parseChangesetValues(
            tx,
            orgId,
            "device",
            request.custom_fields_changeset,
          );
          await writeFieldValues(tx, store.dialect, orgId, "device", deviceId, values);
        }
        await tx
          .updateTable("devices")
          .set(changes)
          .where("org_id", "=", orgId)
          .where("device_id", "=", deviceId)
          .execute();
        return readDevice(tx, orgId, deviceId);
      });
      return sendDevice(c, row);
    },
  );

  app.delete(
    "/v1/devices/id/:device_id",
    documented({
      tag: TAG,
      summary: "Delete a device",
      description:
        "Detaches the device from its sessions, which remain, and clears it from the files and datasets that named it.",
      data: null,
    }),
    async (c) => {
      const { store } = c.get("deps");
      const deviceId = param(c, "device_id");
      const orgId = await findDeviceOrg(store.db, c.get("caller"), deviceId);
      await store.transaction(async (tx) => {
        await tx
          .deleteFrom("session_devices")
          .where("org_id", "=", orgId)
          .where("device_id", "=", deviceId)
          .execute();
        await deleteEntityValues(tx, orgId, "device", deviceId);
        // Files and datasets keep no reference to a device that is gone, so
        // sessions made from them later do not fail on it.
        await tx
          .updateTable("files")
          .set({ device_id: null })
          .where("org_id", "=", orgId)
          .where("device_id", "=", deviceId)
          .execute();
        await tx
          .updateTable("datasets")
          .set({ device_id: null })
          .where("org_id", "=", orgId)
          .where("device_id", "=", deviceId)
          .execute();
        await tx
          .deleteFrom("devices")
          .where("org_id", "=", orgId)
          .where("device_id", "=", deviceId)
          .execute();
      });
      return sendData(c, null);
    },
  );

  app.get(
    "/v1/devices/id/:device_id/sessions",
    documented({
      tag: TAG,
      summary: "List the sessions of a device",
      pageItem: SessionRecordSchema,
    }),
    async (c) => {
      const { db } = c.get("deps").store;
      const deviceId = param(c, "device_id");
      const orgId = await findDeviceOrg(db, c.get("caller"), deviceId);
      return sendData(
        c,
        await readPage(c.get("pageTokens"), pageQuery(c), deviceSessions(db, orgId, deviceId)),
      );
    },
  );
}
