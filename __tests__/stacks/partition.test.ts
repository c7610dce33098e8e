import { partitionOf } from '../../stacks/partition';
import { synthesizeApp } from '../security/fixtures';

/** Every `arn:<partition>:` in a text, with the partition it names. */
function partitionsIn(text: string): string[] {
  return [...text.matchAll(/arn:([^:"\\]*):/g)].map((m) => m[1]!);
}

describe('partitionOf', () => {
  it.each([
    ['us-east-1', 'aws'],
    ['eu-central-1', 'aws'],
    ['cn-north-1', 'aws-cn'],
    ['cn-northwest-1', 'aws-cn'],
    ['us-gov-west-1', 'aws-us-gov'],
  ])('%s is in %s', (region, partition) => {
    expect(partitionOf(region)).toBe(partition);
  });
});

describe.each([
  ['cn-north-1', 'aws-cn'],
  ['us-gov-west-1', 'aws-us-gov'],
])('every ARN the app writes for %s', (region, partition) => {
  // Prepare / Act: the whole app (application, state bucket and CI access stacks), as main.ts synthesizes it.
  const app = synthesizeApp({ AWS_REGION: region });

  it(`is in the ${partition} partition, the state machine definition included`, () => {
    const found = app.stacks.flatMap((s) => partitionsIn(JSON.stringify(s.json)));

    // Assess: many ARNs, none in another partition and none left to a data source.
    expect(found.length).toBeGreaterThan(20);
    expect([...new Set(found)]).toEqual([partition]);
  });

  it('names the partition in the Lambda task of the rendered definition', () => {
    const api = app.stacks.find((s) => s.id.startsWith('async-api-'))!;
    const machine = Object.values((api.json as any).resource.aws_sfn_state_machine)[0] as { definition: string };

    expect(machine.definition).toContain(`arn:${partition}:states:::lambda:invoke`);
  });
});
