import {
  CreateCustomFieldRequestSchema,
  type CustomFieldRecord,
  type EntityType,
  EntityTypeSchema,
  FieldNameSchema,
  type FieldStatus,
  QueryCustomFieldsRequestSchema,
  UpdateCustomFieldRequestSchema,
} from "@sortie/domain";
import type * as v from "valibot";
import { AbortError, InvalidRequestError, ServiceError, TimeoutError } from "../core/errors.js";
import type { Listing } from "../core/pagination.js";
import type { RequestOptions } from "../core/request.js";
import { Resource } from "../core/resource.js";
import { sleep } from "../internal/abort.js";
import { segment } from "../internal/path.js";
import { validateBody } from "../internal/validate-body.js";

/** Body of `customFields.create`; `options` is required for enum fields and invalid for others. */
export type CreateCustomFieldInput = v.InferInput<typeof CreateCustomFieldRequestSchema>;
/** Body of `customFields.update`: only the descriptive attributes change. */
export type UpdateCustomFieldInput = v.InferInput<typeof UpdateCustomFieldRequestSchema>;

/** Parameters of `customFields.list`. */
export interface ListCustomFieldsParams {
  entity_type?: EntityType;
  statuses?: FieldStatus[];
  /** Items per page, 1 to 1000. */
  limit?: number;
  page_token?: string | null;
}

/** Options of `customFields.waitUntilReady`. */
export interface WaitUntilReadyOptions extends RequestOptions {
  /** How long to wait for `ready` in total, in milliseconds; 30 s by default. */
  waitTimeoutMs?: number;
  /** Pause between two reads, in milliseconds; 250 ms by default. */
  pollIntervalMs?: number;
}

/**
 * The typed custom fields of the org. Creating and deleting return at once;
 * the transition runs in the background, and only `ready` fields take values.
 * Creating, updating and deleting need the admin role in the org.
 */
export class CustomFields extends Resource {
  /** Defines a field; it starts in status `creating`. */
  async create(body: CreateCustomFieldInput, options?: RequestOptions): Promise<CustomFieldRecord> {
    validateBody(CreateCustomFieldRequestSchema, body);
    return this.send({ method: "POST", path: "/v1/custom-fields", body, options });
  }

  /** Reads a field by id. */
  async retrieve(fieldId: string, options?: RequestOptions): Promise<CustomFieldRecord> {
    return this.send({ method: "GET", path: `/v1/custom-fields/id/${segment(fieldId)}`, options });
  }

  /** Reads a live field by name and entity type. */
  async retrieveByName(
    fieldName: string,
    entityType: EntityType,
    options?: RequestOptions,
  ): Promise<CustomFieldRecord> {
    validateBody(FieldNameSchema, fieldName);
    validateBody(EntityTypeSchema, entityType);
    return this.send({
      method: "GET",
      path: `/v1/custom-fields/name/${segment(fieldName)}/entity-type/${segment(entityType)}`,
      options,
    });
  }

  /** Lists the org's fields, optionally of one entity type and in given statuses. */
  list(params: ListCustomFieldsParams = {}, options?: RequestOptions): Listing<CustomFieldRecord> {
    validateBody(QueryCustomFieldsRequestSchema, params);
    return this.listByBody<CustomFieldRecord>("/v1/custom-fields/query", { ...params }, options);
  }

  /** Changes a field's display name or description. */
  async update(
    fieldId: string,
    body: UpdateCustomFieldInput,
    options?: RequestOptions,
  ): Promise<CustomFieldRecord> {
    validateBody(UpdateCustomFieldRequestSchema, body);
    return this.send({
      method: "POST",
      path: `/v1/custom-fields/id/${segment(fieldId)}`,
      body,
      options,
    });
  }

  /** Starts deleting a field and returns it in status `deleting`; its values are removed from every entity before it disappears. */
  async delete(fieldId: string, options?: RequestOptions): Promise<CustomFieldRecord> {
    return this.send({
      method: "DELETE",
      path: `/v1/custom-fields/id/${segment(fieldId)}`,
      options,
    });
  }

  /**
   * Reads the field until its status is `ready` and returns it. Throws
   * ServiceError when it becomes `failed` (with its `last_error`),
   * InvalidRequestError when it is being deleted, and TimeoutError after
   * `waitTimeoutMs`.
   */
  async waitUntilReady(
    fieldId: string,
    options: WaitUntilReadyOptions = {},
  ): Promise<CustomFieldRecord> {
    const { waitTimeoutMs = 30_000, pollIntervalMs = 250, ...requestOptions } = options;
    const deadline = Date.now() + waitTimeoutMs;

    for (;;) {
      const field = await this.retrieve(fieldId, requestOptions);
      if (field.status === "ready") return field;
      if (field.status === "failed") {
        throw new ServiceError({
          code: "RobotoServiceException",
          message: `custom field '${field.field_name}' (${fieldId}) failed to become ready: ${field.last_error ?? "no error recorded"}; delete it and create it again`,
        });
      }
      if (field.status === "deleting") {
        throw new InvalidRequestError({
          code: "RobotoInvalidRequestException",
          message: `custom field '${field.field_name}' (${fieldId}) is being deleted and will not become ready`,
        });
      }
      if (Date.now() + pollIntervalMs > deadline) {
        throw new TimeoutError({
          code: "SortieTimeoutError",
          message: `custom field '${field.field_name}' (${fieldId}) was still '${field.status}' after ${waitTimeoutMs} ms; raise waitTimeoutMs or check the API's background worker`,
        });
      }
      try {
        await sleep(pollIntervalMs, requestOptions.signal);
      } catch (cause) {
        throw new AbortError({
          code: "SortieAbortError",
          message: `waiting for custom field ${fieldId} to become ready was aborted`,
          cause,
        });
      }
    }
  }
}
