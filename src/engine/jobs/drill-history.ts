/**
 * Restore-drill history: `history/<jobId>.drills.jsonl`, kept like the run history (jsonl-records.ts)
 * but apart from it, so the run history's readers (the schedule, retries, the read-data rotation)
 * never see drills.
 */
import { drillRecordSchema, type DrillRecord } from '../../shared/jobs.ts';
import { JsonlRecords } from './jsonl-records.ts';

export class DrillHistoryStore extends JsonlRecords<DrillRecord> {
  constructor(dataDir: string) {
    super(dataDir, '.drills.jsonl', drillRecordSchema);
  }

  /** Every drill of the job, oldest first. */
  drills(jobId: string): Promise<DrillRecord[]> {
    return this.read(jobId);
  }
}
