import {
  CreateCustomFieldRequestSchema,
  CustomFieldRecordSchema,
  EntityTypeSchema,
  FieldNameSchema,
  QueryCustomFieldsRequestSchema,
  UpdateCustomFieldRequestSchema,
} from "@sortie/domain";
import type { Context, Hono } from "hono";
import { requireAdmin, requireOrg, visibleOrgs } from "../auth/org-scope.js";
import { CREATE_FIELD_JOB, DELETE_FIELD_JOB } from "../custom-fields/lifecycle.js";
import { type CustomFieldRow, toCustomFieldRecord } from "../custom-fields/records.js";
import type { AppEnv } from "../env.js";
import { ApiError } from "../http/api-error.js";
import { nowNs, param } from "../http/context.js";
import { readJsonBody, sendData } from "../http/json.js";
import { documented } from "../http/openapi.js";
import { parseInput } from "../http/validate.js";
import { enqueueJob } from "../jobs/queue.js";
import { cursorString, readPage } from "../pagination/paginate.js";
import type { Executor } from "../store/store.js";
import { isUniqueViolation } from "../store/store.js";
import { writeJson } from "../util/json-columns.js";

const TAG = "Custom fields";
const DEFAULT_QUOTA = 100;

async function findField(
  db: Executor,
  c: Context<AppEnv>,
  fieldId: string,
): Promise<CustomFieldRow> {
  const orgs = visibleOrgs(c.get("caller"));
  const row = orgs.length
    ? await db
        .selectFrom("custom_fields")
        .selectAll()
        .where("field_id", "=", fieldId)
        .where("org_id", "in", orgs)
        .executeTakeFirst()
    : undefined;
  if (!row) throw ApiError.notFound("Custom field", fieldId);
  return row;
}

/** Registers the custom-field routes: definitions and their lifecycle. */
export function registerCustomFieldRoutes(app: Hono<AppEnv>): void {
  app.post(
    "/v1/custom-fields",
    documented({
      tag: TAG,
      summary: "Create a custom field",
      description:
        "Returns at once with status 'creating'; a background worker makes it 'ready' (within about a second on the embedded deployment). Org admins only; a per-org quota per entity type applies.",
      body: CreateCustomFieldRequestSchema,
      data: CustomFieldRecordSchema,
    }),
    async (c) => {
      const request = parseInput(CreateCustomFieldRequestSchema, await readJsonBody(c));
      const orgId = requireOrg(c);
      requireAdmin(c.get("caller"), orgId);
      const { store, ids, config } = c.get("deps");
      const quota = config.customFieldQuota ?? DEFAULT_QUOTA;
      const now = nowNs(c);
      const fieldId = ids.next("cf_");

      const row = await store
        .transaction(async (tx) => {
          const existing = await tx
            .selectFrom("custom_fields")
            .select(["field_id", "status"])
            .where("org_id", "=", orgId)
            .where("entity_type", "=", request.entity_type)
            .where("field_name", "=", request.field_name)
            .executeTakeFirst();
          if (existing)
            throw nameTaken(
              request.field_name,
              request.entity_type,
              existing.field_id,
              existing.status,
            );

          const count = await tx
            .selectFrom("custom_fields")
            .select((eb) => eb.fn.countAll().as("count"))
            .where("org_id", "=", orgId)
            .where("entity_type", "=", request.entity_type)
            .executeTakeFirstOrThrow();
          if (Number(count.count) >= quota) {
            throw new ApiError(
              "RobotoLimitExceededException",
              `Your org has reached its quota of ${quota} custom fields for entity type '${request.entity_type}'; delete a field you no longer need`,
              [
                {
                  path: "entity_type",
                  reason: `quota of ${quota} fields reached`,
                  value: request.entity_type,
                },
              ],
            );
          }

          await tx
            .insertInto("custom_fields")
            .values({
              field_id: fieldId,
              org_id: orgId,
              entity_type: request.entity_type,
              field_name: request.field_name,
              field_type: request.field_type,
              display_name: request.display_name ?? null,
              description: request.description ?? null,
              options: request.options ? writeJson(request.options) : null,
              status: "creating",
              last_error: null,
              attempts: 0,
              created_ns: now,
              created_by: c.get("caller").userId,
              modified_ns: now,
              modified_by: c.get("caller").userId,
            })
            .execute();
          await enqueueJob(tx, {
            jobId: ids.next("jb_"),
            kind: CREATE_FIELD_JOB,
            orgId,
            subjectId: fieldId,
            nowNs: now,
          });
          return tx
            .selectFrom("custom_fields")
            .selectAll()
            .where("field_id", "=", fieldId)
            .executeTakeFirstOrThrow();
        })
        .catch((error: unknown) => {
          // Two concurrent creates of one name: the unique constraint decides.
          if (isUniqueViolation(error)) throw nameTaken(request.field_name, request.entity_type);
          throw error;
        });
      c.get("deps").jobs?.wake();
      return sendData(c, toCustomFieldRecord(row));
    },
  );

  app.get(
    "/v1/custom-fields/id/:field_id",
    documented({ tag: TAG, summary: "Get a custom field", data: CustomFieldRecordSchema }),
    async (c) =>
      sendData(
        c,
        toCustomFieldRecord(await findField(c.get("deps").store.db, c, param(c, "field_id"))),
      ),
  );

  app.get(
    "/v1/custom-fields/name/:field_name/entity-type/:entity_type",
    documented({
      tag: TAG,
      summary: "Get a custom field by name and entity type",
      data: CustomFieldRecordSchema,
    }),
    async (c) => {
      const name = parseInput(FieldNameSchema, param(c, "field_name"));
      const entityType = parseInput(EntityTypeSchema, param(c, "entity_type"));
      const orgId = requireOrg(c);
      const row = await c
        .get("deps")
        .store.db.selectFrom("custom_fields")
        .selectAll()
        .where("org_id", "=", orgId)
        .where("entity_type", "=", entityType)
        .where("field_name", "=", name)
        .executeTakeFirst();
      if (!row) throw ApiError.notFound("Custom field", `${entityType}/${name}`);
      return sendData(c, toCustomFieldRecord(row));
    },
  );

  app.post(
    "/v1/custom-fields/query",
    documented({
      tag: TAG,
      summary: "List custom fields",
      description: "Filters by entity type and statuses; pages in field-name order.",
      body: QueryCustomFieldsRequestSchema,
      pageItem: CustomFieldRecordSchema,
    }),
    async (c) => {
      const request = parseInput(QueryCustomFieldsRequestSchema, await readJsonBody(c));
      const orgId = requireOrg(c);
      const { db } = c.get("deps").store;
      const statuses = request.statuses?.length ? [...new Set(request.statuses)] : null;
      const listing = `custom_fields:${orgId}:${request.entity_type ?? "*"}:${statuses?.sort().join(",") ?? "*"}`;
      const page = await readPage(
        c.get("pageTokens"),
        { limit: request.limit ?? 100, page_token: request.page_token ?? null },
        {
          listing,
          async fetch(after, limit) {
            let query = db.selectFrom("custom_fields").selectAll().where("org_id", "=", orgId);
            if (request.entity_type) query = query.where("entity_type", "=", request.entity_type);
            if (statuses) query = query.where("status", "in", statuses);
            if (after) {
              const name = cursorString(after[0]);
              const id = cursorString(after[1]);
              query = query.where((eb) =>
                eb.or([
                  eb("field_name", ">", name),
                  eb.and([eb("field_name", "=", name), eb("field_id", ">", id)]),
                ]),
              );
            }
            return query.orderBy("field_name").orderBy("field_id").limit(limit).execute();
          },
          cursorOf: (row) => [row.field_name, row.field_id],
          toItems: (rows) => rows.map(toCustomFieldRecord),
        },
      );
      return sendData(c, page);
    },
  );

  app.post(
    "/v1/custom-fields/id/:field_id",
    documented({
      tag: TAG,
      summary: "Update a custom field",
      description:
        "Changes the display name and description; absent keys stay, null clears. Org admins only.",
      body: UpdateCustomFieldRequestSchema,
      data: CustomFieldRecordSchema,
    }),
    async (c) => {
      const request = parseInput(UpdateCustomFieldRequestSchema, await readJsonBody(c));
      const { store } = c.get("deps");
      const field = await findField(store.db, c, param(c, "field_id"));
      requireAdmin(c.get("caller"), field.org_id);
      const changes: Partial<CustomFieldRow> = {
        modified_ns: nowNs(c),
        modified_by: c.get("caller").userId,
      };
      if ("display_name" in request) changes.display_name = request.display_name ?? null;
      if ("description" in request) changes.description = request.description ?? null;
      await store.db
        .updateTable("custom_fields")
        .set(changes)
        .where("field_id", "=", field.field_id)
        .execute();
      return sendData(c, toCustomFieldRecord(await findField(store.db, c, field.field_id)));
    },
  );

  app.delete(
    "/v1/custom-fields/id/:field_id",
    documented({
      tag: TAG,
      summary: "Delete a custom field",
      description:
        "Returns at once with status 'deleting'; the worker removes the field's values from every entity, then the field, freeing its name. A failed field can be deleted too. Org admins only.",
      data: CustomFieldRecordSchema,
    }),
    async (c) => {
      const { store, ids } = c.get("deps");
      const field = await findField(store.db, c, param(c, "field_id"));
      requireAdmin(c.get("caller"), field.org_id);
      const now = nowNs(c);
      const row = await store.transaction(async (tx) => {
        const current = await store
          .forUpdate(
            tx.selectFrom("custom_fields").selectAll().where("field_id", "=", field.field_id),
          )
          .executeTakeFirst();
        if (!current) throw ApiError.notFound("Custom field", field.field_id);
        if (current.status !== "deleting") {
          await tx
            .updateTable("custom_fields")
            .set({
              status: "deleting",
              last_error: null,
              modified_ns: now,
              modified_by: c.get("caller").userId,
            })
            .where("field_id", "=", field.field_id)
            .execute();
          await enqueueJob(tx, {
            jobId: ids.next("jb_"),
            kind: DELETE_FIELD_JOB,
            orgId: field.org_id,
            subjectId: field.field_id,
            nowNs: now,
          });
        }
        return tx
          .selectFrom("custom_fields")
          .selectAll()
          .where("field_id", "=", field.field_id)
          .executeTakeFirstOrThrow();
      });
      c.get("deps").jobs?.wake();
      return sendData(c, toCustomFieldRecord(row));
    },
  );
}

function nameTaken(name: string, entityType: string, fieldId?: string, status?: string): ApiError {
  const existingField = fieldId ? ` (${fieldId}, status ${status})` : "";
  return ApiError.conflict(
    `A custom field named '${name}' already exists for entity type '${entityType}'${existingField}; choose another name, or wait until its deletion completes`,
    [
      {
        path: "field_name",
        reason: "already taken",
        value: name,
        ...(fieldId ? { existing_field_id: fieldId } : {}),
      },
    ],
  );
}
