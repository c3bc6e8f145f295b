export type {
  CreateSessionInput,
  CustomFieldRecord,
  DatasetRecord,
  DeviceRecord,
  EntityType,
  ErrorCode,
  ErrorDetail,
  FieldStatus,
  FieldType,
  FileRecord,
  SessionFileView,
  SessionRecord,
  SessionUpdateInput,
  TopicRecord,
} from "@sortie/domain";
export { parseJson, stringifyJson } from "@sortie/domain";
export {
  DEFAULT_BASE_URL,
  DEFAULT_MAX_RETRIES,
  DEFAULT_TIMEOUT_MS,
  Sortie,
  type SortieOptions,
} from "./client.js";
export {
  AbortError,
  type ClientErrorCode,
  ConfigurationError,
  ConflictError,
  ConnectionError,
  DatasetNotFoundError,
  DeviceNotFoundError,
  InvalidRequestError,
  LimitExceededError,
  NotFoundError,
  PreconditionFailedError,
  ServiceError,
  SortieError,
  type SortieErrorInit,
  TimeoutError,
  UnauthorizedError,
} from "./core/errors.js";
export type { Logger, LogLevel } from "./core/logger.js";
export { Listing, Page, type PageData } from "./core/pagination.js";
export type { ApiResponse, Fetch, RequestOptions, UploadBody } from "./core/request.js";
export type { ListParams } from "./core/resource.js";
export {
  type CreateCustomFieldInput,
  CustomFields,
  type ListCustomFieldsParams,
  type UpdateCustomFieldInput,
  type WaitUntilReadyOptions,
} from "./resources/custom-fields.js";
export {
  type CreateDatasetInput,
  type CreateSessionFromDatasetInput,
  Datasets,
  type RegisterFileInput,
  type UploadFileOptions,
} from "./resources/datasets.js";
export {
  type CreateDeviceInput,
  Devices,
  type ListDevicesParams,
  type UpdateDeviceInput,
} from "./resources/devices.js";
export { Files, type UpdateFileInput } from "./resources/files.js";
export {
  type ApiKeyRecord,
  type CreateApiKeyInput,
  type CreatedApiKey,
  Keys,
} from "./resources/keys.js";
export { type ContributionRange, Session, type SessionFileInput } from "./resources/session.js";
export {
  QUERY_COMPARATORS,
  type QueryComparator,
  type QueryComparison,
  type QueryCondition,
  type QueryGroup,
  type SessionQueryInput,
} from "./resources/session-query.js";
export {
  type AddFilesInput,
  type DeviceAttachmentInput,
  type RemoveFilesInput,
  Sessions,
  type UpdateSessionOptions,
} from "./resources/sessions.js";
