import { mulberry32, simulateDetection, simulateJob } from '../../client/simulate';

const MIN_INTERVAL_MS = 1_000;
const MAX_INTERVAL_MS = 20_000;
const QUARTER_HOUR_MS = 900_000;

/** The bound, read at the moment the job ends: max(1 s, 25 % of the job's length), at most 20 s. */
const allowedFor = (jobMs: number): number => Math.min(MAX_INTERVAL_MS, Math.max(MIN_INTERVAL_MS, 0.25 * jobMs));

describe('detection delay and request count (virtual clock)', () => {
  it.each([false, true])(
    'meets the bounds for 1 s, 30 s and 15 min jobs (API Retry-After hint: %p)',
    async (serverRetryAfter) => {
      // Act: two extreme jitter draws plus 200 seeded ones per job
      const rows = await simulateDetection({ serverRetryAfter });

      // Assess
      expect(rows.map((row) => row.jobSeconds)).toEqual([1, 30, 900]);
      for (const row of rows) {
        expect(row.worstBoundRatio).toBeLessThanOrEqual(1);
        expect(row.delayMs.max).toBeLessThanOrEqual(allowedFor(row.jobSeconds * 1000));
      }
      const quarterHour = rows[2];
      expect(quarterHour.requests.max).toBeLessThanOrEqual(60);
    },
  );

  it('`run`: every job from 0.1 s to 15 min is noticed within max(1 s, 25 % of its length), at most 20 s late', async () => {
    // Prepare: irregular steps so job ends fall at every phase of the schedule
    const random = mulberry32(7);
    const draws = [() => 0, () => 0.999_999, random];
    const failures: string[] = [];

    // Act
    for (let jobMs = 100; jobMs <= QUARTER_HOUR_MS; jobMs += 1_337) {
      for (const draw of draws) {
        const run = await simulateJob(jobMs, draw);
        if (run.delayMs > allowedFor(jobMs) + 1e-6)
          failures.push(`job ${jobMs} ms: delay ${run.delayMs} ms > ${allowedFor(jobMs)} ms`);
      }
    }

    // Assess
    expect(failures).toEqual([]);
  });

  it('`wait` on a running execution counts the time it has already run as waited', async () => {
    // Prepare: attach at several ages; jobs end at every phase after that
    const random = mulberry32(11);
    const failures: string[] = [];

    // Act
    for (const attachAtMs of [0, 2_500, 30_000, 300_000]) {
      for (let jobMs = attachAtMs + 100; jobMs <= QUARTER_HOUR_MS; jobMs += 2_731) {
        for (const draw of [() => 0, () => 0.999_999, random]) {
          const run = await simulateJob(jobMs, draw, { attachAtMs });
          if (run.delayMs > allowedFor(jobMs) + 1e-6)
            failures.push(`attach ${attachAtMs}, job ${jobMs} ms: delay ${run.delayMs} ms`);
        }
      }
    }

    // Assess
    expect(failures).toEqual([]);
  });

  it('attaching to an execution that has run 5 minutes polls at the max interval from the first look', async () => {
    // Act: the API reports the age with the first describe
    const run = await simulateJob(300_000 + 100_000, () => 0, { attachAtMs: 300_000 });

    // Assess: one look at attach time, then 20 s pauses: 300, 320, ..., 400 s
    expect(run.requests).toBe(6);
    expect(run.noticedAtMs).toBe(400_000);
  });

  it('a 15-minute job costs at most 60 describes across many seeds, and the lowest draws are the worst case', async () => {
    // Prepare
    const seeds = Array.from({ length: 500 }, (_, index) => index + 1);

    // Act
    const lowest = await simulateJob(QUARTER_HOUR_MS, () => 0);
    const seeded = await Promise.all(seeds.map((seed) => simulateJob(QUARTER_HOUR_MS, mulberry32(seed))));

    // Assess
    const most = Math.max(...seeded.map((run) => run.requests));
    expect(lowest.requests).toBeLessThanOrEqual(60);
    expect(most).toBeLessThanOrEqual(lowest.requests);
    expect(Math.max(...seeded.map((run) => run.delayMs))).toBeLessThanOrEqual(MAX_INTERVAL_MS);
  });

  it('`run` does not look at 0 s: a 0.1 s job is noticed by the first look, after the minimum interval', async () => {
    // Act
    const run = await simulateJob(100, () => 0.5);

    // Assess
    expect(run.requests).toBe(1);
    expect(run.noticedAtMs).toBe(1_000);
    expect(run.delayMs).toBe(900);
  });

  it('notices a job ending just after the first look within the minimum interval', async () => {
    // Act: the first look happens at 1 s exactly, so 1.001 s is the worst case for a short job
    const run = await simulateJob(1_001, () => 0.5);

    // Assess
    expect(run.delayMs).toBeCloseTo(999, 6);
    expect(run.requests).toBe(2);
  });

  it('shows what a fixed 5 s loop costs by comparison (the harness measures, it does not assume)', async () => {
    // Prepare
    const fixedFiveSeconds = { minIntervalMs: 5_000, maxIntervalMs: 5_000, jitter: 0 };

    // Act
    const quarterHour = await simulateJob(QUARTER_HOUR_MS, () => 0.5, { schedule: fixedFiveSeconds });
    const short = await simulateJob(1_000, () => 0.5, { schedule: fixedFiveSeconds });

    // Assess: 180 looks (5 s, 10 s, ... 900 s), and a 1 s job noticed 4 s late, far beyond max(1 s, 25 %)
    expect(quarterHour.requests).toBe(180);
    expect(short.delayMs).toBe(4_000);
  });

  it('rejects an attach time that is not before the job ends', async () => {
    await expect(simulateJob(1_000, () => 0, { attachAtMs: 1_000 })).rejects.toThrow(
      /attachAtMs must be in \[0, jobMs\)/,
    );
  });
});
