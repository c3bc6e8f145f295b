import {
  CreateDeviceRequestSchema,
  type DeviceRecord,
  type SessionRecord,
  UpdateDeviceRequestSchema,
} from "@sortie/domain";
import type * as v from "valibot";
import { ConfigurationError } from "../core/errors.js";
import type { Listing } from "../core/pagination.js";
import type { RequestOptions } from "../core/request.js";
import { type ListParams, Resource } from "../core/resource.js";
import { segment } from "../internal/path.js";
import { validateBody } from "../internal/validate-body.js";

/** Body of `devices.create`; without `device_id` the API makes a `dv_` id. */
export type CreateDeviceInput = v.InferInput<typeof CreateDeviceRequestSchema>;
/** Body of `devices.update`: name, a metadata changeset and a custom-field changeset. */
export type UpdateDeviceInput = v.InferInput<typeof UpdateDeviceRequestSchema>;

/** Parameters of `devices.list`. */
export interface ListDevicesParams extends ListParams {
  /** Org whose devices to list; the client's `orgId` by default. */
  org_id?: string;
}

/** The devices of the caller's org; device ids are chosen by the caller and unique per org. */
export class Devices extends Resource {
  /** Creates a device; an id already taken fails with ConflictError. */
  async create(body: CreateDeviceInput, options?: RequestOptions): Promise<DeviceRecord> {
    validateBody(CreateDeviceRequestSchema, body);
    return this.send({ method: "POST", path: "/v1/devices/create", body, options });
  }

  /** Reads a device by id. */
  async retrieve(deviceId: string, options?: RequestOptions): Promise<DeviceRecord> {
    return this.send({ method: "GET", path: `/v1/devices/id/${segment(deviceId)}`, options });
  }

  /** Updates a device's name, tags and metadata (by changeset) and custom fields. */
  async update(
    deviceId: string,
    body: UpdateDeviceInput,
    options?: RequestOptions,
  ): Promise<DeviceRecord> {
    validateBody(UpdateDeviceRequestSchema, body);
    return this.send({ method: "PUT", path: `/v1/devices/id/${segment(deviceId)}`, body, options });
  }

  /** Deletes a device and detaches it from its sessions, which remain. */
  async delete(deviceId: string, options?: RequestOptions): Promise<void> {
    await this.send({ method: "DELETE", path: `/v1/devices/id/${segment(deviceId)}`, options });
  }

  /** Lists the devices of an org by device id; the route names the org, so one must be known. */
  list(params: ListDevicesParams = {}, options?: RequestOptions): Listing<DeviceRecord> {
    const { org_id: orgIdParam, ...page } = params;
    const orgId = orgIdParam ?? this.transport.orgId;
    if (!orgId) {
      throw new ConfigurationError({
        code: "SortieConfigurationError",
        message:
          "devices.list needs an org id: pass { org_id } or create the client with orgId (or SORTIE_ORG_ID)",
      });
    }
    return this.listByQuery<DeviceRecord>(`/v1/devices/org/${segment(orgId)}`, page, options);
  }

  /** Lists the sessions the device is attached to, newest first. */
  listSessions(
    deviceId: string,
    params?: ListParams,
    options?: RequestOptions,
  ): Listing<SessionRecord> {
    return this.listByQuery<SessionRecord>(
      `/v1/devices/id/${segment(deviceId)}/sessions`,
      params,
      options,
    );
  }
}
