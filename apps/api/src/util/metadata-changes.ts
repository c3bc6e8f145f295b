import { applyMetadataChangeset, type MetadataChangeset } from "@sortie/domain";
import { ApiError } from "../http/api-error.js";
import { readMetadata, readTags, writeJson } from "./json-columns.js";

/** New `tags` and `metadata` columns of an entity, and its tags as a list. */
export interface MetadataColumns {
  tags: string;
  metadata: string;
  tagList: string[];
}

/**
 * Applies a metadata changeset to an entity's stored tags and metadata, or
 * throws a 400 whose details sit under `metadata_changeset`.
 */
export function applyMetadataChanges(
  stored: { tags: string; metadata: string },
  changeset: MetadataChangeset | null | undefined,
): MetadataColumns {
  const applied = applyMetadataChangeset(
    { tags: readTags(stored.tags), metadata: readMetadata(stored.metadata) },
    changeset,
  );
  if (!applied.ok) {
    throw ApiError.invalid(
      applied.details.map((detail) => ({ ...detail, path: `metadata_changeset.${detail.path}` })),
    );
  }
  return {
    tags: writeJson(applied.value.tags),
    metadata: writeJson(applied.value.metadata),
    tagList: applied.value.tags,
  };
}
