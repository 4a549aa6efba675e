import { describe, expect, it } from 'vitest';
import { plainProgress, stageProgress } from '../src/cli/stage-progress.js';

describe('stage progress', () => {
  it('without a terminal: one plain line per stage, a stage entered twice in a row shown once', () => {
    const lines: string[] = [];
    const progress = plainProgress((line) => lines.push(line));
    for (const stage of ['reading', 'proving', 'proving', 'measuring', 'proving']) progress.stage(stage);
    progress.done();
    expect(lines).toEqual(['… reading', '… proving', '… measuring', '… proving']);
  });

  it('on a terminal: each stage one line, redrawn in place while it runs, closed with a tick and its seconds', async () => {
    let written = '';
    const terminal = { isTTY: true, write: (text: string) => ((written += text), true) } as unknown as NodeJS.WriteStream;
    const progress = stageProgress(terminal, { colours: false });
    progress.stage('reading the schema');
    await new Promise((resolve) => setTimeout(resolve, 250));
    progress.stage('reading the schema');
    progress.stage('proving');
    progress.done();
    const lines = written.split('\n');
    expect(lines).toHaveLength(3);
    // Redrawn with the spinner while it ran, then closed.
    expect(lines[0]!.split('\r').length).toBeGreaterThan(3);
    const closed = /^✔ reading the schema (\d+\.\d)s$/.exec(lines[0]!.split('\r\u001b[2K').at(-1)!);
    expect(Number(closed?.[1])).toBeGreaterThanOrEqual(0.2);
    expect(lines[1]!.split('\r\u001b[2K').at(-1)).toMatch(/^✔ proving 0\.0s$/);
    expect(lines[2]).toBe('');
  });
});
