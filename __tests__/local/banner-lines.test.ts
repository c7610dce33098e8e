/**
 * The banner of a real runtime (AWS_IAM, as the default `npm start`): its `aws stepfunctions` lines
 * work with the AWS CLI v1 too, which reads only AWS_DEFAULT_REGION, and the notice that functions
 * declare another Node.js than the one they run on takes one line per declared runtime, not one per
 * function (issue 25: ten lines on Node.js 22).
 */
import { banner } from '../../local/banner';
import { DEFAULT_SETTINGS, startTestRuntime, type TestRuntime } from './helpers';

jest.setTimeout(90_000);

let test: TestRuntime;
let lines: string[];
beforeAll(async () => {
  test = await startTestRuntime({ settings: { ...DEFAULT_SETTINGS, API_AUTH: 'AWS_IAM' } });
  lines = banner(test.runtime, test.dataDir);
});
afterAll(async () => {
  await test?.close();
});

it('exports the region under both names the AWS CLI reads (v2: AWS_REGION, v1: AWS_DEFAULT_REGION)', () => {
  const region = test.runtime.model.region;
  expect(lines).toContain(`  export AWS_REGION=${region} AWS_DEFAULT_REGION=${region}`);
  expect(lines.some((l) => l.includes('aws stepfunctions list-executions'))).toBe(true);
});

it('says once per declared runtime that the functions run on this Node.js instead', () => {
  const major = Number(process.versions.node.split('.')[0]);
  const declared = new Set(
    test.runtime.model.functions
      .map((f) => f.runtime)
      .filter((r) => /^nodejs\d+\.x$/.test(r) && Number(/\d+/.exec(r)![0]) !== major),
  );
  const notes = lines.filter((l) => /declares? nodejs\d+\.x/.test(l));
  expect(notes).toHaveLength(declared.size);
  for (const note of notes) expect(note).toMatch(/^Note: (\d+ functions declare|\S+ declares) nodejs\d+\.x and run/);
});
