/** Limits on request content. Each breach is a 400 naming the limit and the value. */
export const LIMITS = {
  /** Maximum size of a JSON request body, in bytes (1 MiB); larger bodies get a 413. */
  jsonBodyBytes: 1024 * 1024,
  /** Page size bounds for every listing. */
  pageLimitMin: 1,
  pageLimitMax: 1000,
  pageLimitDefault: 100,
  /** Maximum number of tags on one entity. */
  tagsPerEntity: 256,
  /** Maximum length of one tag, in characters. */
  tagLength: 128,
  /** Maximum size of an entity's metadata as JSON, in bytes (64 KiB). */
  metadataBytes: 64 * 1024,
  /** Maximum depth of nested objects and arrays in metadata. */
  metadataDepth: 32,
  /** Maximum number of files in one add or remove request. */
  filesPerRequest: 1000,
  /** Maximum number of devices attached at creation. */
  devicesPerRequest: 1000,
  /** Maximum length of a session name, in characters. */
  sessionNameLength: 120,
  /** Maximum length of a session key, in characters. */
  sessionKeyLength: 120,
  /** Maximum length of descriptions, in characters. */
  descriptionLength: 4096,
  /** Maximum length of an id, in characters. */
  idLength: 128,
  /** Maximum length of a file's relative path, in characters. */
  relativePathLength: 1024,
  /** Maximum number of paths in one metadata changeset. */
  changesetPaths: 1000,
} as const;
