import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TEST_DIALECTS } from "./support/databases.js";
import { createDataset, createSession, readAllPages, registerFile } from "./support/fixtures.js";
import { startTestApi, type TestApi, type TestResponse } from "./support/test-api.js";

/** An inclusive window in nanoseconds, `[min, max]`. */
type Window = [bigint, bigint];

type Step =
  | { kind: "add"; items: { file: number; range: Window | null }[] }
  | { kind: "remove"; files: number[] }
  | { kind: "setWindow"; file: number; window: Window | null }
  | { kind: "deleteFile"; file: number };

const FILE_COUNT = 4;

// Bounds on a coarse grid of 11 instants, so that windows overlap, miss each
// other and repeat often enough to hit every rule.
const instant = fc.integer({ min: 0, max: 10 }).map((tick) => BigInt(tick * 10));
const windowArbitrary: fc.Arbitrary<Window> = fc
  .tuple(instant, instant)
  .map(([a, b]) => (a <= b ? [a, b] : [b, a]));
const maybeWindow = fc.option(windowArbitrary, { nil: null, freq: 4 });
const fileIndex = fc.nat(FILE_COUNT - 1);

const stepArbitrary: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc
      .array(fc.record({ file: fileIndex, range: fc.option(windowArbitrary, { nil: null }) }), {
        minLength: 1,
        maxLength: 3,
      })
      .map((items) => ({ kind: "add" as const, items })),
  },
  {
    weight: 2,
    arbitrary: fc
      .uniqueArray(fileIndex, { minLength: 1, maxLength: 2 })
      .map((files) => ({ kind: "remove" as const, files })),
  },
  {
    weight: 2,
    arbitrary: fc
      .record({ file: fileIndex, window: maybeWindow })
      .map((step) => ({ kind: "setWindow" as const, ...step })),
  },
  { weight: 1, arbitrary: fileIndex.map((file) => ({ kind: "deleteFile" as const, file })) },
);

/** What the model expects of one contribution view. */
interface ExpectedView {
  file_id: string;
  range_min_timestamp_ns: bigint | null;
  range_max_timestamp_ns: bigint | null;
  file_start_time_ns: bigint | null;
  file_end_time_ns: bigint | null;
  min_timestamp_ns: bigint | null;
  max_timestamp_ns: bigint | null;
}

/**
 * The contribution rules, restated on plain data: files with a window or
 * none, and the contributions of one session in insertion order.
 */
class SessionModel {
  readonly windows: (Window | null)[];
  readonly deleted: boolean[];
  contributions: { file: number; range: Window | null }[] = [];

  constructor(
    readonly fileIds: string[],
    initialWindows: (Window | null)[],
  ) {
    this.windows = [...initialWindows];
    this.deleted = fileIds.map(() => false);
  }

  /** Applies a step and returns the HTTP status the API must respond with. */
  apply(step: Step): number {
    switch (step.kind) {
      case "add": {
        if (step.items.some((item) => this.deleted[item.file])) return 404;
        const missesWindow = step.items.some((item) => {
          const window = this.windows[item.file] ?? null;
          return (
            item.range !== null &&
            window !== null &&
            (item.range[1] < window[0] || item.range[0] > window[1])
          );
        });
        if (missesWindow) return 400;
        for (const item of step.items) {
          const exists = this.contributions.some(
            (existing) => existing.file === item.file && sameRange(existing.range, item.range),
          );
          if (!exists) this.contributions.push(item);
        }
        return 200;
      }
      case "remove": {
        const contributed = new Set(this.contributions.map((contribution) => contribution.file));
        if (step.files.some((file) => !contributed.has(file))) return 404;
        this.contributions = this.contributions.filter(
          (contribution) => !step.files.includes(contribution.file),
        );
        return 200;
      }
      case "setWindow": {
        if (this.deleted[step.file]) return 404;
        this.windows[step.file] = step.window;
        return 200;
      }
      case "deleteFile": {
        if (this.deleted[step.file]) return 404;
        this.deleted[step.file] = true;
        this.contributions = this.contributions.filter(
          (contribution) => contribution.file !== step.file,
        );
        return 200;
      }
    }
  }

  views(): ExpectedView[] {
    return this.contributions.map(({ file, range }) => {
      const fileWindow = this.windows[file] ?? null;
      const effective = range ?? fileWindow;
      return {
        file_id: this.fileIds[file] as string,
        range_min_timestamp_ns: range?.[0] ?? null,
        range_max_timestamp_ns: range?.[1] ?? null,
        file_start_time_ns: fileWindow?.[0] ?? null,
        file_end_time_ns: fileWindow?.[1] ?? null,
        min_timestamp_ns: effective?.[0] ?? null,
        max_timestamp_ns: effective?.[1] ?? null,
      };
    });
  }

  bounds(): [bigint | null, bigint | null] {
    let min: bigint | null = null;
    let max: bigint | null = null;
    for (const view of this.views()) {
      if (view.min_timestamp_ns === null || view.max_timestamp_ns === null) continue;
      if (min === null || view.min_timestamp_ns < min) min = view.min_timestamp_ns;
      if (max === null || view.max_timestamp_ns > max) max = view.max_timestamp_ns;
    }
    return [min, max];
  }
}

function sameRange(a: Window | null, b: Window | null): boolean {
  if (a === null || b === null) return a === b;
  return a[0] === b[0] && a[1] === b[1];
}

function rangeBody(range: Window | null) {
  return range ? { range_min_timestamp_ns: range[0], range_max_timestamp_ns: range[1] } : {};
}

async function send(
  api: TestApi,
  sessionId: string,
  model: SessionModel,
  step: Step,
): Promise<TestResponse> {
  const fileId = (index: number) => model.fileIds[index] as string;
  switch (step.kind) {
    case "add":
      return api.post(`/v1/sessions/id/${sessionId}/files`, {
        files: step.items.map((item) => ({ file_id: fileId(item.file), ...rangeBody(item.range) })),
      });
    case "remove":
      return api.delete(`/v1/sessions/id/${sessionId}/files`, { file_ids: step.files.map(fileId) });
    case "setWindow":
      return api.put(`/v1/files/id/${fileId(step.file)}`, {
        start_time_ns: step.window?.[0] ?? null,
        end_time_ns: step.window?.[1] ?? null,
      });
    case "deleteFile":
      return api.delete(`/v1/files/id/${fileId(step.file)}`);
  }
}

function describeStep(step: Step): string {
  return JSON.stringify(step, (_, value) => (typeof value === "bigint" ? `${value}n` : value));
}

describe.each(TEST_DIALECTS)("session bounds model on %s", (dialect) => {
  let api: TestApi;
  let runCounter = 0;
  beforeAll(async () => {
    api = await startTestApi(dialect);
  });
  afterAll(async () => {
    await api?.close();
  });

  it("matches a recomputation after every step", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(maybeWindow, { minLength: FILE_COUNT, maxLength: FILE_COUNT }),
        fc.array(stepArbitrary, { minLength: 1, maxLength: 12 }),
        async (initialWindows, steps) => {
          runCounter += 1;
          const datasetId = await createDataset(api, { name: `model run ${runCounter}` });
          const fileIds: string[] = [];
          for (const [index, window] of initialWindows.entries()) {
            fileIds.push(
              await registerFile(api, datasetId, `model/${index}.mcap`, window ?? undefined),
            );
          }
          const session = await createSession(api);
          const model = new SessionModel(fileIds, initialWindows);

          for (const [index, step] of steps.entries()) {
            const context = `step ${index}: ${describeStep(step)}`;
            const expectedStatus = model.apply(step);

            const response = await send(api, session.session_id, model, step);
            expect(response.status, `${context} → ${response.text.slice(0, 300)}`).toBe(
              expectedStatus,
            );

            const read = await api.get(`/v1/sessions/id/${session.session_id}`);
            expect(
              [read.body.data.min_timestamp_ns, read.body.data.max_timestamp_ns],
              context,
            ).toEqual(model.bounds());
            const views = await readAllPages(api, `/v1/sessions/id/${session.session_id}/files`);
            const actual = views.map((view) => ({
              file_id: view.file_id,
              range_min_timestamp_ns: view.range_min_timestamp_ns,
              range_max_timestamp_ns: view.range_max_timestamp_ns,
              file_start_time_ns: view.file_start_time_ns,
              file_end_time_ns: view.file_end_time_ns,
              min_timestamp_ns: view.min_timestamp_ns,
              max_timestamp_ns: view.max_timestamp_ns,
            }));
            expect(actual, context).toEqual(model.views());
          }
        },
      ),
      { numRuns: 25 },
    );
  });
});
