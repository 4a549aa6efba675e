import { describe, expect, it } from 'vitest';
import { isInterrupted, onInterrupt, runInterruptCleanups, uninterruptible } from '../src/interrupts.js';

// One scenario per file: an interrupt marks the whole process, as it does a real run.
describe('interrupt cleanups', () => {
  it('wait for uninterruptible work, run every cleanup still registered, then refuse new work', async () => {
    const events: string[] = [];
    let finishWrite!: () => void;
    const write = uninterruptible(
      () =>
        new Promise<string>((resolve) => {
          finishWrite = () => {
            events.push('write ended');
            resolve('written');
          };
        }),
    );
    onInterrupt(async () => {
      events.push('shadow dropped');
    });
    const released = onInterrupt(async () => {
      events.push('released cleanup ran');
    });
    released();
    const cleaning = runInterruptCleanups();
    expect(isInterrupted()).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(events).toEqual([]);
    finishWrite();
    await cleaning;
    await expect(write).resolves.toBe('written');
    expect(events).toEqual(['write ended', 'shadow dropped']);
    await expect(uninterruptible(async () => 'late')).rejects.toMatchObject({ code: 'INTERRUPTED' });
  });
});
