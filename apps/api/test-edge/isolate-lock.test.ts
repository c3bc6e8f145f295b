import { describe, expect, it } from "vitest";
import { IsolateLock } from "../src/store/d1/isolate-lock.js";

describe("IsolateLock", () => {
  it("waits for the holder's release", async () => {
    const lock = new IsolateLock();
    const events: string[] = [];

    const release = await lock.acquire();
    const second = lock.acquire().then((releaseSecond) => {
      events.push("second acquired");
      releaseSecond();
    });
    await new Promise((resolve) => setTimeout(resolve, 20));
    events.push("first releases");
    release();
    await second;

    expect(events).toEqual(["first releases", "second acquired"]);
  });

  it("takes over after the lease lapses", async () => {
    const lock = new IsolateLock(30);
    await lock.acquire();

    const started = Date.now();
    const release = await lock.acquire();
    release();

    expect(Date.now() - started).toBeGreaterThanOrEqual(25);
  });

  it("ignores a second release", async () => {
    const lock = new IsolateLock();
    const first = await lock.acquire();
    first();
    const second = await lock.acquire();
    first();

    let thirdAcquired = false;
    const third = lock.acquire().then((release) => {
      thirdAcquired = true;
      release();
    });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(thirdAcquired).toBe(false);
    second();
    await third;
    expect(thirdAcquired).toBe(true);
  });
});
