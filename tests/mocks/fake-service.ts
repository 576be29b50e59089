/**
 * A stand-in for the engine's Service as the main-process modules see it: the job list, events the
 * test emits by hand (jobState, progress, settingsChanged), and spies for the operations.
 */
import { EventEmitter } from 'node:events';
import { vi } from 'vitest';
import type {
  EventName,
  EventPayload,
  JobSummary,
  ProgressEvent,
  Settings,
} from '../../src/shared/contract.ts';

export function summary(
  id: string,
  status: JobSummary['status'],
  over: Partial<JobSummary> = {},
): JobSummary {
  return { id, name: `Job ${id}`, status, lastSuccessAt: null, nextRunAt: null, ...over };
}

export function progressOf(jobId: string, bytesDone: number, bytesTotal: number): ProgressEvent {
  return {
    jobId,
    operation: 'backup',
    phase: 'files',
    filesDone: 0,
    filesTotal: null,
    bytesDone,
    bytesTotal,
    currentItem: null,
    etaSeconds: null,
  };
}

export class FakeService {
  readonly events = new EventEmitter();
  list: JobSummary[] = [];
  settings: Settings = { language: 'en', theme: 'auto' };
  readonly listJobs = vi.fn(async () => this.list.map((job) => ({ ...job })));
  readonly getSettings = vi.fn(async () => ({ ...this.settings }));

  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void {
    this.events.on(event, listener);
    return () => this.events.off(event, listener);
  }
  emit<E extends EventName>(event: E, payload: EventPayload<E>): void {
    this.events.emit(event, payload);
  }
  /** A jobState event, with the list kept in step like the engine's. */
  state(job: JobSummary): void {
    this.list = [...this.list.filter((j) => j.id !== job.id), job];
    this.emit('jobState', job);
  }
}
