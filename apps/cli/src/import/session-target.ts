import { LIMITS } from "@sortie/domain";
import { ConflictError, type Session, type Sortie } from "@sortie/sdk";

/** Session that an import fills: a new one, an existing one by id, or the one of a key. */
export type SessionTarget =
  | { kind: "create"; name: string }
  | { kind: "extend"; sessionId: string }
  | { kind: "key"; key: string; name: string | undefined };

/**
 * Adds the files to the target session as whole-file contributions and
 * attaches the device. A key joins its session when one exists and creates it
 * otherwise, also when another import created it a moment earlier.
 */
export async function fillSession(
  client: Sortie,
  target: SessionTarget,
  fileIds: readonly string[],
  deviceId: string | undefined,
): Promise<Session> {
  const chunks = chunk(fileIds, LIMITS.filesPerRequest);
  if (target.kind === "extend") {
    return extend(await client.sessions.retrieve(target.sessionId), chunks, deviceId);
  }

  const [firstChunk = [], ...laterChunks] = chunks;
  const body = {
    ...(target.kind === "key" ? { key: target.key } : {}),
    name: target.name,
    files: firstChunk.map((fileId) => ({ file_id: fileId })),
    device_ids: deviceId ? [deviceId] : [],
  };
  let created: Session;
  try {
    created = await client.sessions.create(body);
  } catch (error) {
    const existingId = existingSessionOf(error);
    if (target.kind !== "key" || existingId === undefined) throw error;
    return extend(await client.sessions.retrieve(existingId), chunks, deviceId);
  }
  return extend(created, laterChunks, undefined);
}

async function extend(
  session: Session,
  chunks: ReadonlyArray<readonly string[]>,
  deviceId: string | undefined,
): Promise<Session> {
  for (const fileIds of chunks) await session.addFiles([...fileIds]);
  if (deviceId) await session.attachDevice(deviceId);
  return session;
}

function existingSessionOf(error: unknown): string | undefined {
  if (!(error instanceof ConflictError)) return undefined;
  const id = error.details.find((detail) => detail.path === "key")?.existing_session_id;
  return typeof id === "string" ? id : undefined;
}

function chunk<T>(items: readonly T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let start = 0; start < items.length; start += size)
    chunks.push(items.slice(start, start + size));
  return chunks;
}
