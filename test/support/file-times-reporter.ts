import { existsSync, readFileSync, rmSync } from 'node:fs';
import { relative } from 'node:path';
import type { Reporter, TestModule } from 'vitest/node';

interface FileCpu {
  file: string;
  selfSeconds: number;
  childrenSeconds: number;
}

/**
 * Prints, after vitest's own summary, the slowest test files by wall time with the CPU
 * seconds `file-cpu.ts` measured, so that a CI log's tail says where the time went.
 */
export default class FileTimesReporter implements Reporter {
  constructor(
    private readonly root: string,
    private readonly cpuLog: string,
    private readonly shown = 25,
  ) {
    rmSync(cpuLog, { force: true });
  }

  onTestRunEnd(modules: ReadonlyArray<TestModule>): void {
    const cpu = new Map<string, FileCpu>();
    if (existsSync(this.cpuLog)) {
      for (const line of readFileSync(this.cpuLog, 'utf8').split('\n').filter(Boolean)) {
        const entry = JSON.parse(line) as FileCpu;
        cpu.set(entry.file, entry);
      }
    }
    const rows = modules
      .map((module) => ({ file: module.moduleId, wallSeconds: module.diagnostic().duration / 1000, cpu: cpu.get(module.moduleId) }))
      .sort((left, right) => right.wallSeconds - left.wallSeconds);
    const totalCpu = [...cpu.values()].reduce((sum, entry) => sum + entry.selfSeconds + entry.childrenSeconds, 0);
    const lines = [`slowest test files (wall s | CPU s in the file's process + its children), CPU of all files ${totalCpu.toFixed(0)} s:`];
    for (const row of rows.slice(0, this.shown)) {
      const cpuText = row.cpu ? `${row.cpu.selfSeconds.toFixed(0)} + ${row.cpu.childrenSeconds.toFixed(0)}` : '-';
      lines.push(`  ${row.wallSeconds.toFixed(0).padStart(5)} | ${cpuText.padEnd(11)} ${relative(this.root, row.file)}`);
    }
    process.stdout.write(`\n${lines.join('\n')}\n`);
  }
}
