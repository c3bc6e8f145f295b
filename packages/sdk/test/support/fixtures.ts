import type { FileRecord, Sortie } from "../../src/index.js";

/** A Unix-epoch window in nanoseconds past 2^53, so a value rounded through a `number` would show. */
export const WINDOW: [bigint, bigint] = [1_700_000_000_000_000_001n, 1_700_000_060_000_000_001n];

/** Registers a file with a known window in a new dataset. */
export async function registerFile(
  client: Sortie,
  window: [bigint, bigint] = WINDOW,
  datasetId?: string,
): Promise<FileRecord> {
  const dataset = datasetId ?? (await client.datasets.create({ name: "fixtures" })).dataset_id;
  return client.datasets.registerFile(dataset, {
    relative_path: `run-${crypto.randomUUID()}.mcap`,
    start_time_ns: window[0],
    end_time_ns: window[1],
  });
}

/** Reads every item of an async iterable. */
export async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const all: T[] = [];
  for await (const item of items) all.push(item);
  return all;
}
