import { runtimeMismatches, servedJobs, unreadResourceLines } from '../../local/banner';

describe('runtimeMismatches', () => {
  const functions = [
    { functionName: 'worker', runtime: 'nodejs24.x' },
    { functionName: 'status', runtime: 'nodejs22.x' },
    { functionName: 'other', runtime: 'python3.13' },
  ];

  it('names each Node.js function whose declared runtime differs from the local Node.js major', () => {
    expect(runtimeMismatches(functions, '22.23.3')).toEqual([
      'worker declares nodejs24.x and runs here on Node.js 22.23.3',
    ]);
  });

  it('says it in one line per declared runtime, however many functions declare it', () => {
    const many = Array.from({ length: 10 }, (_, i) => ({ functionName: `fn-${i}`, runtime: 'nodejs24.x' }));
    expect(runtimeMismatches(many, '22.23.3')).toEqual([
      '10 functions declare nodejs24.x and run here on Node.js 22.23.3 (fn-0, fn-1 and 8 more)',
    ]);
    expect(runtimeMismatches([...many.slice(0, 3), functions[1]!], '20.1.0')).toEqual([
      '3 functions declare nodejs24.x and run here on Node.js 20.1.0 (fn-0, fn-1, fn-2)',
      'status declares nodejs22.x and runs here on Node.js 20.1.0',
    ]);
  });

  it('says nothing when the majors match', () => {
    expect(runtimeMismatches(functions.slice(0, 1), '24.1.0')).toEqual([]);
  });
});

describe('servedJobs', () => {
  const integration = (arn: string) => ({
    subtype: 'StepFunctions-StartExecution',
    requestParameters: { StateMachineArn: arn },
  });
  const route = (path: string, arn: string) => ({ routeKey: `POST ${path}`, path, integration: integration(arn) });
  const A = 'arn:aws:states:us-east-1:123456789012:stateMachine:p-a';
  const B = 'arn:aws:states:us-east-1:123456789012:stateMachine:p-b';

  it('lists each job from its start route, and marks the one POST /start-execution starts', () => {
    // Prepare: any stack, whatever registry built it
    const model = {
      api: {
        routes: [
          route('/start-execution', B),
          route('/a/start-execution', A),
          route('/b/start-execution', B),
          { routeKey: 'POST /describe-execution', path: '/describe-execution', integration: { requestParameters: {} } },
        ],
      },
      // Job a as the stack's `jobs` output gives it; b has neither field (an older stack)
      outputs: { jobs: { a: { description: 'Job A', example_input: '{"n":"${x}"}' }, b: {} } },
    } as unknown as Parameters<typeof servedJobs>[0];

    // Act / Assess
    expect(servedJobs(model)).toEqual([
      {
        name: 'a',
        path: '/a/start-execution',
        stateMachineArn: A,
        isDefault: false,
        description: 'Job A',
        exampleInput: { n: '${x}' },
      },
      { name: 'b', path: '/b/start-execution', stateMachineArn: B, isDefault: true, description: '', exampleInput: {} },
    ]);
  });
});

describe('unreadResourceLines', () => {
  it('names what local/events stands in for apart from what is ignored', () => {
    expect(
      unreadResourceLines(['aws_cloudwatch_event_rule', 'aws_sns_topic', 'aws_secretsmanager_secret', 'aws_sqs_queue']),
    ).toEqual([
      '',
      'Stood in for locally: aws_cloudwatch_event_rule (status changes reach the webhook sender directly), aws_secretsmanager_secret (the signing secret file above)',
      'Not emulated (ignored): aws_sns_topic, aws_sqs_queue',
    ]);
  });

  it('says nothing when the runtime reads every resource', () => {
    expect(unreadResourceLines([])).toEqual([]);
  });
});
