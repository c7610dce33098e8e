import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { unzipSync } from 'fflate';

/** Number of hex characters of the zip's SHA-256 used in the folder name. */
const HASH_CHARS = 12;

/**
 * Unpacks a function's deployment zip into `workDir/<functionName>-<sha256 of zip, 12 chars>/` and returns
 * that folder (the function's task root, Lambda's /var/task).
 *
 * The folder is named by content, so a rebuilt zip lands in a new folder and the next cold start picks it
 * up, while an unchanged zip reuses the folder unpacked earlier (also by an earlier run).
 * Unpacking goes to a temporary sibling that is renamed into place, so a folder that exists is complete.
 *
 * @throws Error when the zip cannot be read or an entry would be written outside the task root.
 */
export async function unpackFunctionCode(zipPath: string, workDir: string, functionName: string): Promise<string> {
  const zip = await readFile(zipPath);
  const hash = createHash('sha256').update(zip).digest('hex').slice(0, HASH_CHARS);
  const taskRoot = path.resolve(workDir, `${functionName}-${hash}`);
  if (existsSync(taskRoot)) return taskRoot;

  const staging = `${taskRoot}.partial-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    await mkdir(staging, { recursive: true });
    const entries = unzipSync(new Uint8Array(zip.buffer, zip.byteOffset, zip.byteLength));
    for (const [name, bytes] of Object.entries(entries)) {
      const target = path.resolve(staging, name);
      // "Zip slip": an entry named ../x must not escape the task root.
      if (target !== staging && !target.startsWith(staging + path.sep)) {
        throw new Error(`zip entry "${name}" of ${zipPath} points outside the task root`);
      }
      if (name.endsWith('/')) {
        await mkdir(target, { recursive: true });
      } else {
        await mkdir(path.dirname(target), { recursive: true });
        await writeFile(target, bytes);
      }
    }
    await rename(staging, taskRoot);
  } catch (err) {
    await rm(staging, { recursive: true, force: true });
    // Another service (or a concurrent cold start) may have won the rename with identical content.
    if (existsSync(taskRoot)) return taskRoot;
    throw err;
  }
  return taskRoot;
}
