/**
 * Restore drills: runDrill() restores a (random) snapshot into a private sandbox, verifies every
 * file and database and deletes the sandbox; renderDrillReportHtml() documents it; storeDrillReport
 * and storeDrillReportInRepository keep the document locally and with the backups.
 */
export { runDrill } from './run-drill.ts';
export { outcomeFromDrill } from './drill-outcome.ts';
export { renderDrillReportHtml } from './report-html.ts';
export type { RenderReportOptions } from './report-html.ts';
export { reportBaseName, storeDrillReport, storeDrillReportInRepository } from './store-report.ts';
export type { StoreReportOptions, StoredInRepository } from './store-report.ts';
export { createSeededRandom, drillReportTag } from './pick-snapshot.ts';
export type {
  DatabaseCheck,
  DrillOptions,
  DrillPhase,
  DrillPhaseName,
  DrillProblem,
  DrillProblemKind,
  DrillProgress,
  DrillReport,
  DumpState,
} from './drill-types.ts';
