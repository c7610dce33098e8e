/**
 * `npm run plan:comment -- --comment <file> [options]`
 *
 * Validates every synthesized stack, plans those with remote state (run `npm run synth` first) and writes the pull
 * request comment as Markdown to `<file>`. The comment is written whatever happens, so a failed plan
 * still reaches the pull request.
 *
 * Options:
 *   --comment <file>      where to write the Markdown (required)
 *   --out-dir <dir>       cdktf output directory (default: cdktf.out)
 *   --terraform <path>    Terraform binary (default: terraform)
 *   --commit <sha>        commit shown in the comment
 *   --run-url <url>       workflow run linked from the comment
 *
 * Exit codes: 0 every stack planned; 1 a stack failed or nothing was synthesized (the comment says
 * which); 2 bad usage.
 */
import './require-node.cjs'; // first: an older Node.js stops here with one line
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { type CommentContext, renderComment, renderFailureComment, summaryLine } from './plan/render-comment';
import { ManifestError, planStacks, readManifest, spawnTerraform, terraformVersionOf } from './plan/run-plans';

const USAGE =
  'usage: npm run plan:comment -- --comment <file> [--out-dir cdktf.out] [--terraform terraform] [--commit <sha>] [--run-url <url>]';

function main(argv: readonly string[]): number {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        comment: { type: 'string' },
        'out-dir': { type: 'string', default: 'cdktf.out' },
        terraform: { type: 'string', default: 'terraform' },
        commit: { type: 'string' },
        'run-url': { type: 'string' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (err) {
    console.error(`plan:comment: ${(err as Error).message}\n${USAGE}`);
    return 2;
  }
  if (!values.comment) {
    console.error(`plan:comment: --comment is required\n${USAGE}`);
    return 2;
  }

  const commentPath = resolve(values.comment);
  const outDir = resolve(values['out-dir']);
  const terraform = spawnTerraform(values.terraform);
  const context: CommentContext = { commit: values.commit, runUrl: values['run-url'] };
  const write = (markdown: string) => {
    mkdirSync(dirname(commentPath), { recursive: true });
    writeFileSync(commentPath, markdown);
    console.log(`plan:comment: wrote ${commentPath}`);
  };

  let stacks;
  try {
    stacks = readManifest(outDir);
  } catch (err) {
    if (!(err instanceof ManifestError)) throw err;
    console.error(`plan:comment: ${err.message}`);
    write(renderFailureComment(err.message, context));
    return 1;
  }

  const results = planStacks(stacks, terraform);
  for (const r of results) {
    console.log(`plan:comment: ${summaryLine(r)}`);
    if (r.status === 'failed') console.error(r.errorText);
  }
  write(renderComment(results, { ...context, terraformVersion: terraformVersionOf(terraform, outDir) }));
  return results.some((r) => r.status === 'failed') ? 1 : 0;
}

process.exitCode = main(process.argv.slice(2));
