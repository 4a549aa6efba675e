import type { CommandSpec } from './command-spec.js';

/** `<bin> daemon status|stop`, answered by the bin itself (startCli) before the engine loads. */
export const DAEMON_COMMAND: CommandSpec = {
  name: 'daemon',
  summary: 'the warm process generate runs use in this folder: what it served, or stop it',
  forms: ['status|stop'],
  flags: {},
  notes: 'A generate run starts it; it exits after 15 idle minutes (ORM_AI_DAEMON_IDLE_SECONDS). ORM_AI_DAEMON=off, --no-daemon and CI keep runs in their own process.',
};
