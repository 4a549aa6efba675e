/**
 * A run's stages as the person watching sees them. On a terminal: one line per stage, a
 * spinner and the seconds it has taken while it runs, a tick and its time once the next
 * one starts. Elsewhere (a pipe, CI, a log): one plain `… stage` line as each starts.
 * Built-ins only: a daemon's client draws the same lines for the stages it is sent.
 */
export interface StageProgress {
  /** A stage starts; the same stage again, straight after, is the same line. */
  stage(label: string): void;
  /** The stages are over: the last line is closed before anything else is printed. */
  done(): void;
}

const FRAMES = ['◐', '◓', '◑', '◒'];
const TICK_MS = 100;

export function stageProgress(stream: NodeJS.WriteStream, options: { readonly colours: boolean }): StageProgress {
  const dim = (text: string) => (options.colours ? `\u001b[2m${text}\u001b[22m` : text);
  const green = (text: string) => (options.colours ? `\u001b[32m${text}\u001b[39m` : text);
  if (!stream.isTTY) return plainProgress((line) => stream.write(`${dim(line)}\n`));
  let current: { label: string; started: number; frame: number } | undefined;
  let timer: NodeJS.Timeout | undefined;
  const seconds = () => `${((performance.now() - current!.started) / 1000).toFixed(1)}s`;
  const draw = () => {
    if (!current) return;
    current.frame = (current.frame + 1) % FRAMES.length;
    stream.write(`\r\u001b[2K${FRAMES[current.frame]} ${current.label} ${dim(seconds())}`);
  };
  const close = () => {
    if (!current) return;
    clearInterval(timer);
    stream.write(`\r\u001b[2K${green('✔')} ${current.label} ${dim(seconds())}\n`);
    current = undefined;
  };
  return {
    stage(label) {
      if (current?.label === label) return;
      close();
      current = { label, started: performance.now(), frame: 0 };
      draw();
      timer = setInterval(draw, TICK_MS);
      // A spinner must never keep a finished process alive.
      timer.unref();
    },
    done: close,
  };
}

/** `… stage` lines, each stage once however often it is entered in a row. */
export function plainProgress(write: (line: string) => void): StageProgress {
  let last: string | undefined;
  return {
    stage(label) {
      if (label === last) return;
      last = label;
      write(`… ${label}`);
    },
    done() {
      last = undefined;
    },
  };
}
