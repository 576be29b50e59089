/** How a command talks: JSON for scripts (--json), words and a live progress line for people. */
export interface Output {
  readonly json: boolean;
  /** The command's result: printed as JSON with --json, or by `human` otherwise. */
  result(value: unknown, human: () => string): void;
  info(line: string): void;
  warn(line: string): void;
  progress(line: string): void;
  endProgress(): void;
}

export function createOutput(json: boolean): Output {
  const live = !json && process.stderr.isTTY;
  let shown = false;
  const clear = (): void => {
    if (shown) process.stderr.write('\r\x1b[K');
    shown = false;
  };
  return {
    json,
    result(value, human) {
      clear();
      if (json) process.stdout.write(JSON.stringify(value) + '\n');
      else {
        const text = human();
        if (text) process.stdout.write(text.endsWith('\n') ? text : text + '\n');
      }
    },
    info(line) {
      if (json) return;
      clear();
      process.stderr.write(line + '\n');
    },
    warn(line) {
      clear();
      process.stderr.write(`warning: ${line}\n`);
    },
    progress(line) {
      if (!live) return;
      const width = process.stderr.columns ?? 80;
      process.stderr.write('\r\x1b[K' + (line.length >= width ? line.slice(0, width - 1) : line));
      shown = true;
    },
    endProgress: clear,
  };
}

export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${unit === 0 ? value : value.toFixed(value < 10 ? 2 : 1)} ${units[unit]}`;
}

export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return h ? `${h}:${String(m).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}` : `${m}:${String(s % 60).padStart(2, '0')}`;
}

/** A fixed-width text table, like restic's listings. */
export function table(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]): string => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd();
  return [line(headers), widths.map((w) => '-'.repeat(w)).join('--'), ...rows.map(line)].join('\n');
}
