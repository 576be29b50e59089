/**
 * Backup progress: counters updated by the pipeline, reported at most every 250 ms (and once at the
 * end). Totals come from a light pre-scan that runs alongside the backup and only stats entries,
 * like restic's scanner goroutine; until it finishes the totals are null. Every reported number is
 * monotonic: a total grows when the backup finds more than the pre-scan counted.
 */
import type { BackupPhase, BackupProgress, BackupStats } from './backup-types.ts';
import { scan } from './scanner.ts';
import type { ScanOptions } from './scanner.ts';

export const progressIntervalMs = 250;

export class ProgressTracker {
  private readonly emit: ((p: BackupProgress) => void) | undefined;
  private phase: BackupPhase = 'scanning';
  private filesDone = 0;
  private bytesDone = 0;
  private filesFound = 0;
  private bytesFound = 0;
  private totalsKnown = false;
  private currentItem: string | null = null;
  private readonly startedAt = performance.now();
  private timer: NodeJS.Timeout | undefined;
  private dirty = true;

  constructor(emit: ((p: BackupProgress) => void) | undefined) {
    this.emit = emit;
  }

  start(): void {
    if (!this.emit || this.timer) return;
    this.timer = setInterval(() => this.report(), progressIntervalMs);
    this.timer.unref();
  }

  /** Stops the timer and reports the final state. */
  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.dirty = true;
    this.report();
  }

  setPhase(phase: BackupPhase): void {
    if (phase === this.phase) return;
    this.phase = phase;
    if (phase === 'finishing' && !this.totalsKnown) {
      // the backup outran the pre-scan: what it did is the total
      this.filesFound = Math.max(this.filesFound, this.filesDone);
      this.bytesFound = Math.max(this.bytesFound, this.bytesDone);
      this.totalsKnown = true;
    }
    this.dirty = true;
    this.report();
  }

  found(files: number, bytes: number): void {
    this.filesFound += files;
    this.bytesFound += bytes;
    this.dirty = true;
  }

  totalsDone(): void {
    this.totalsKnown = true;
    if (this.phase === 'scanning') this.setPhase('backing-up');
  }

  fileStarted(path: string): void {
    this.currentItem = path;
    this.dirty = true;
  }

  bytes(n: number): void {
    if (n <= 0) return;
    this.bytesDone += n;
    this.dirty = true;
  }

  fileDone(): void {
    this.filesDone++;
    this.dirty = true;
  }

  snapshot(): BackupProgress {
    // found and done only grow, so the totals do too (files may appear after the pre-scan passed)
    const filesTotal = this.totalsKnown ? Math.max(this.filesFound, this.filesDone) : null;
    const bytesTotal = this.totalsKnown ? Math.max(this.bytesFound, this.bytesDone) : null;
    return {
      phase: this.phase,
      filesDone: this.filesDone,
      filesTotal,
      bytesDone: this.bytesDone,
      bytesTotal,
      filesFound: this.filesFound,
      bytesFound: this.bytesFound,
      currentItem: this.currentItem,
      etaSeconds: this.eta(bytesTotal),
    };
  }

  private eta(bytesTotal: number | null): number | null {
    if (bytesTotal === null) return null;
    if (this.phase === 'finishing') return 0;
    const elapsed = (performance.now() - this.startedAt) / 1000;
    if (this.bytesDone <= 0 || elapsed < 0.5) return null;
    const rate = this.bytesDone / elapsed;
    return Math.max(0, Math.ceil((bytesTotal - this.bytesDone) / rate));
  }

  private report(): void {
    if (!this.emit || !this.dirty) return;
    this.dirty = false;
    try {
      this.emit(this.snapshot());
    } catch {
      // a failing progress listener must not break the backup
    }
  }
}

/**
 * Counts regular files and their bytes below the sources, feeding the tracker; marks the totals
 * known when done. Errors are ignored (the backup's own scan reports them).
 */
/**
 * Runs one read of a file or stream, passing its bytes to the progress as they are chunked, then the
 * rest once it is done (a short read), and counts it in the stats.
 */
export async function countedRead<R extends { bytesRead: number }>(
  progress: ProgressTracker,
  stats: BackupStats,
  read: (onProgress: (bytes: number) => void) => Promise<R>,
): Promise<R> {
  let reported = 0;
  const result = await read((bytes) => {
    reported += bytes;
    progress.bytes(bytes);
  });
  progress.bytes(result.bytesRead - reported);
  stats.filesRead++;
  stats.bytesRead += result.bytesRead;
  return result;
}

export async function preScan(
  sources: readonly string[],
  opts: Pick<ScanOptions, 'excludes' | 'iexcludes' | 'oneFileSystem' | 'signal'>,
  tracker: ProgressTracker,
): Promise<void> {
  try {
    let files = 0;
    let bytes = 0;
    for await (const ev of scan(sources, { ...opts, statConcurrency: 8 })) {
      if (ev.kind !== 'entry' || ev.entry.type !== 'file') continue;
      files++;
      bytes += ev.entry.size;
      if (files >= 256) {
        tracker.found(files, bytes);
        files = bytes = 0;
      }
    }
    tracker.found(files, bytes);
    tracker.totalsDone();
  } catch {
    // cancelled or failed: the totals stay unknown
  }
}
