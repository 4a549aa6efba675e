import { runDrizzleCli } from './cli.js';

const code = await runDrizzleCli(process.argv.slice(2), {
  cwd: process.cwd(),
  env: process.env,
  isInteractive: Boolean(process.stdin.isTTY && process.stdout.isTTY),
  stdout: (text) => process.stdout.write(`${text}\n`),
  stderr: (text) => process.stderr.write(`${text}\n`),
});
process.exitCode = code;
