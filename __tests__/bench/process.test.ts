import { existsSync, readFileSync } from 'node:fs';
import { measureCommand } from '../../bench/process';
import { waitUntil } from '../wait';

// Memory figures come from /proc; elsewhere they are null by design.
const linux = existsSync('/proc/self/status') ? describe : describe.skip;

// Fills `mb` megabytes (non-zero, so the pages are really resident), holds them, then exits.
const hold = (mb: number, ms: number): string =>
  `const b = Buffer.alloc(${mb} * 1024 * 1024, 1); setTimeout(() => b.length, ${ms});`;

linux('measureCommand', () => {
  it('reports the largest single process and the summed peak of the whole tree', async () => {
    // Prepare: a parent holding 120 MB that starts a child holding 80 MB at the same time, then exits 3
    const child = hold(80, 600);
    const script = `require('node:child_process').spawn(process.execPath, ['-e', ${JSON.stringify(child)}], { stdio: 'inherit' })
      .on('exit', () => process.exit(3)); ${hold(120, 600)}`;

    // Act
    const m = await measureCommand(process.execPath, ['-e', script], { cwd: process.cwd(), env: process.env });

    // Assess
    expect(m.exitCode).toBe(3);
    expect(m.processesSeen).toBeGreaterThanOrEqual(2);
    expect(m.peakProcessMb).toBeGreaterThanOrEqual(120);
    expect(m.peakProcessMb).toBeLessThan(120 + 150); // the 120 MB process plus a Node runtime, not the tree
    expect(m.peakTreeMb).toBeGreaterThanOrEqual(120 + 80);
    expect(m.peakProcessCommand).toContain('-e');
    expect(m.wallMs).toBeGreaterThanOrEqual(600);
  });

  it('kills a command that outlives its timeout', async () => {
    // Prepare
    const started = Date.now();

    // Act
    const m = await measureCommand(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], {
      cwd: process.cwd(),
      env: process.env,
      timeoutMs: 300,
    });

    // Assess
    expect(m.exitCode).toBeNull();
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('at its timeout kills the processes started since the tree was last walked', async () => {
    // Prepare: a command that starts a long-lived child after the only walk before the timeout
    const script = `setTimeout(() => {
        const c = require('node:child_process').spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });
        console.log('child ' + c.pid);
      }, 100); setTimeout(() => {}, 60000);`;

    // Act
    const m = await measureCommand(process.execPath, ['-e', script], {
      cwd: process.cwd(),
      env: process.env,
      treeMs: 60_000,
      timeoutMs: 1000,
    });

    // Assess: the child was killed with its parent, not left running
    const pid = Number(/child (\d+)/.exec(m.outputTail)?.[1]);
    try {
      expect(m.exitCode).toBeNull();
      expect(pid).toBeGreaterThan(0);
      await waitUntil(() => !alive(pid), `child ${pid} to be gone`, 5000);
    } finally {
      if (pid > 0 && alive(pid)) process.kill(pid, 'SIGKILL');
    }
  }, 15_000);
});

/** Whether `pid` is running: a zombie (killed, not yet reaped by its new parent) is not. */
function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}
