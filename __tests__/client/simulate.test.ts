import { mulberry32, simulateDetection, simulateJob } from '../../client/simulate';

const MAX_INTERVAL_MS = 20_000;

describe('detection delay and request count (virtual clock)', () => {
  it.each([false, true])('meets the bounds for 1 s, 30 s and 15 min jobs (API Retry-After hint: %p)', async (serverRetryAfter) => {
    // Act: two extreme jitter draws plus 200 seeded ones per job
    const rows = await simulateDetection({ serverRetryAfter });

    // Assess
    expect(rows.map((row) => row.jobSeconds)).toEqual([1, 30, 900]);
    for (const row of rows) {
      expect(row.worstBoundRatio).toBeLessThanOrEqual(1);
      expect(row.delayMs.max).toBeLessThanOrEqual(MAX_INTERVAL_MS);
    }
    const quarterHour = rows[2];
    expect(quarterHour.requests.max).toBeLessThanOrEqual(60);
    // A fixed 5 s loop would need 180 for the same job.
    expect(quarterHour.requests.max).toBeLessThan(900 / 5 / 3);
  });

  it('meets the delay bound for jobs ending anywhere between 0.1 s and 15 min', async () => {
    // Prepare: irregular steps so job ends fall at every phase of the schedule
    const random = mulberry32(7);
    const draws = [() => 0, () => 0.999_999, random];
    const failures: string[] = [];

    // Act
    for (let jobMs = 100; jobMs <= 900_000; jobMs += 1_337) {
      for (const draw of draws) {
        const run = await simulateJob(jobMs, draw);
        if (run.delayMs > run.allowedDelayMs + 1e-6 || run.delayMs > MAX_INTERVAL_MS) {
          failures.push(`job ${jobMs} ms: delay ${run.delayMs} ms > allowed ${run.allowedDelayMs} ms`);
        }
      }
    }

    // Assess
    expect(failures).toEqual([]);
  });

  it('notices a job ending just after a look within the minimum interval at the start', async () => {
    // Act: a look happens at 1 s exactly, so 1.001 s is the worst case for a short job
    const run = await simulateJob(1_001, () => 0.5);

    // Assess
    expect(run.delayMs).toBeCloseTo(999, 6);
    expect(run.allowedDelayMs).toBe(1_000);
    expect(run.requests).toBe(3);
  });

  it('shows what a fixed 5 s loop costs by comparison (the harness measures, it does not assume)', async () => {
    // Prepare
    const fixedFiveSeconds = { minIntervalMs: 5_000, maxIntervalMs: 5_000, jitter: 0 };

    // Act
    const quarterHour = await simulateJob(900_000, () => 0.5, { schedule: fixedFiveSeconds });
    const short = await simulateJob(1_000, () => 0.5, { schedule: fixedFiveSeconds });

    // Assess: 181 looks (one at 0 s), and a 1 s job noticed 4 s late, far beyond max(1 s, 25 %)
    expect(quarterHour.requests).toBe(181);
    expect(short.delayMs).toBe(4_000);
  });
});
