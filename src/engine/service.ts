import { EventEmitter } from 'node:events';
import { homedir } from 'node:os';
import type {
  AppInfo,
  CloudAccountInfo,
  EventName,
  EventPayload,
  JobDetails,
  JobSummary,
  NotificationSettingsView,
  OperationInput,
  OperationOutput,
  ServiceApi,
  Settings,
  SettingsPatch,
  FilePickerInput,
  PickerInput,
} from '../shared/contract.ts';
import { LifeboatError, toErrorInfo } from '../shared/errors.ts';
import type { Job, JobHistory } from '../shared/jobs.ts';
import type { CloudProviderName } from '../shared/locations.ts';
import { CloudAccounts } from './accounts/cloud-accounts.ts';
import { beginDropboxCode, signIn, signOut } from './accounts/sign-in.ts';
import type { DropboxCodeSignIn } from './accounts/sign-in.ts';
import type { RunHooks } from './jobs/hooks.ts';
import { JobManager, type JobManagerOptions } from './jobs/job-manager.ts';
import { Notifier, type NotifyTuning } from './jobs/notifier.ts';
import { Scheduler } from './jobs/scheduler.ts';
import type { LaunchAtLogin } from './repositories/deps.ts';
import { Repositories } from './repositories/repositories.ts';
import type { SecretStore } from './secrets/secret-store.ts';
import { DatabaseRestores } from './sources/database-restore.ts';
import { SourceService } from './sources/source-service.ts';
import type { SettingsStore } from './settings/settings-store.ts';
import { appVersion } from './version.ts';

export interface ServiceOptions {
  host: AppInfo['host'];
  dataDir: string;
  settings: SettingsStore;
  /** Opened on first use: the keychain may ask the user to unlock it. */
  secrets: () => Promise<SecretStore>;
  /** Opens a link in the system browser; hosts without one rely on the `signInUrl` event. */
  openUrl?: (url: string) => void;
  /**
   * Told about every finished run and restore drill, after the built-in notifications (which every
   * host gets: e-mail, webhooks and Telegram per the job's rules and the notification settings).
   */
  runHooks?: readonly RunHooks[];
  /** enabled: false leaves the built-in notifications out (tests of other things); tuning: timeouts. */
  notifications?: { enabled?: boolean; tuning?: NotifyTuning };
  /** Tests: a movable clock, a fast scheduler tick, runner tuning. */
  jobs?: { now?: () => Date; tickMs?: number; runner?: JobManagerOptions['runner'] };
  /** Starting with the user's session: the desktop host has it; without it the operations say unsupported. */
  launchAtLogin?: LaunchAtLogin;
  /** Native pickers (the desktop host): the path chosen, or null when cancelled. Elsewhere unsupported. */
  chooseFolder?: (input: PickerInput) => Promise<string | null>;
  chooseFile?: (input: FilePickerInput) => Promise<string | null>;
}

/**
 * The facade every host talks to: one method per contract operation, and typed events. Hosts (Electron
 * IPC, headless HTTP/WebSocket, CLI) are thin adapters over this class, so a feature is written once.
 */
export class Service implements ServiceApi {
  readonly #options: ServiceOptions;
  readonly #events = new EventEmitter();
  readonly #jobs: JobManager;
  readonly #notifier: Notifier;
  readonly #sources: SourceService;
  readonly #repositories: Repositories;
  readonly #databaseRestores: DatabaseRestores;
  #scheduler: Scheduler | undefined;
  /** A Dropbox sign-in by pasted code waiting for its code (beginDropboxCodeSignIn). */
  #dropboxCode: { flow: DropboxCodeSignIn; expiresAt: number } | undefined;

  constructor(options: ServiceOptions) {
    this.#options = options;
    this.#events.setMaxListeners(0);
    this.#sources = new SourceService(options.secrets);
    const now = options.jobs?.now ?? (() => new Date());
    this.#notifier = new Notifier({
      dataDir: options.dataDir,
      secrets: options.secrets,
      language: () => options.settings.get().language,
      now,
      log: (jobId, level, message) => this.emit('log', { time: now().toISOString(), level, message, jobId }),
      ...(options.notifications?.tuning ? { tuning: options.notifications.tuning } : {}),
    });
    const notifications =
      options.notifications?.enabled === false
        ? []
        : [
            this.#notifier.hooks(async (job) => {
              const next = (await this.#jobs.summary(job)).nextRunAt;
              return next ? new Date(next) : null;
            }),
          ];
    this.#jobs = new JobManager({
      dataDir: options.dataDir,
      secrets: options.secrets,
      emit: (event, payload) => this.emit(event, payload),
      hooks: [...notifications, ...(options.runHooks ?? [])],
      language: () => options.settings.get().language,
      ...(options.jobs?.now ? { now: options.jobs.now } : {}),
      ...(options.jobs?.runner ? { runner: options.jobs.runner } : {}),
    });
    const openBackend = options.jobs?.runner?.openBackend;
    this.#repositories = new Repositories({
      dataDir: options.dataDir,
      secrets: options.secrets,
      jobs: () => this.#jobs.jobs(),
      emit: (event, payload) => this.emit(event, payload),
      language: () => options.settings.get().language,
      now,
      ...(openBackend ? { openBackend } : {}),
      ...(options.launchAtLogin ? { launchAtLogin: options.launchAtLogin } : {}),
    });
    this.#databaseRestores = new DatabaseRestores({
      secrets: options.secrets,
      jobs: () => this.#jobs.jobs(),
      emitProgress: (event) => this.emit('progress', event),
      log: (level, message) => this.emit('log', { time: now().toISOString(), level, message, jobId: null }),
      withSnapshot: (repositoryId, snapshotId, fn) =>
        this.#repositories.withSnapshot(repositoryId, snapshotId, fn),
      now,
    });
  }

  /** The job engine itself, for the CLI (which waits for a run instead of following events). */
  get jobManager(): JobManager {
    return this.#jobs;
  }

  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void {
    this.#events.on(event, listener);
    return () => this.#events.off(event, listener);
  }

  protected emit<E extends EventName>(event: E, payload: EventPayload<E>): void {
    this.#events.emit(event, payload);
  }

  async getAppInfo(): Promise<AppInfo> {
    return {
      name: 'Lifeboat',
      version: appVersion,
      host: this.#options.host,
      platform: process.platform,
      dataDir: this.#options.dataDir,
      homeDir: homedir(),
      canChooseFolder: this.#options.chooseFolder !== undefined,
      canChooseFile: this.#options.chooseFile !== undefined,
    };
  }

  async chooseFolder(input: OperationInput<'chooseFolder'>): Promise<OperationOutput<'chooseFolder'>> {
    const choose = this.#options.chooseFolder;
    if (!choose) throw noPicker();
    return { path: await choose(input ?? {}) };
  }

  async chooseFile(input: OperationInput<'chooseFile'>): Promise<OperationOutput<'chooseFile'>> {
    const choose = this.#options.chooseFile;
    if (!choose) throw noPicker();
    return { path: await choose(input ?? {}) };
  }

  async getSettings(): Promise<Settings> {
    return this.#options.settings.get();
  }

  async updateSettings(patch: SettingsPatch): Promise<Settings> {
    const next = this.#options.settings.update(patch);
    this.emit('settingsChanged', next);
    return next;
  }

  async listJobs(): Promise<JobSummary[]> {
    return this.#jobs.list();
  }

  async getJob({ id }: { id: string }): Promise<JobDetails> {
    return this.#jobs.details(id);
  }

  async saveJob({ job, password, copyToPassword, sourcePasswords }: OperationInput<'saveJob'>): Promise<Job> {
    return this.#jobs.save(job, {
      ...(password ? { password } : {}),
      ...(copyToPassword ? { copyToPassword } : {}),
      sourcePasswords: this.#sources.withFoundPasswords(job.sources, sourcePasswords),
    });
  }

  // --- Database sources and CRM detection (src/shared/sources.ts, src/engine/sources). ---
  async testSource({
    source,
    password,
  }: OperationInput<'testSource'>): Promise<OperationOutput<'testSource'>> {
    return this.#sources.testSource(source, password);
  }

  async detectCrm({ installDir }: OperationInput<'detectCrm'>): Promise<OperationOutput<'detectCrm'>> {
    return this.#sources.detectCrm(installDir);
  }

  async previewDatabaseRestore(
    input: OperationInput<'previewDatabaseRestore'>,
  ): Promise<OperationOutput<'previewDatabaseRestore'>> {
    return this.#databaseRestores.preview(input);
  }

  async restoreDatabase(
    input: OperationInput<'restoreDatabase'>,
  ): Promise<OperationOutput<'restoreDatabase'>> {
    return this.#databaseRestores.restore(input);
  }

  async deleteJob({ id, keepHistory }: OperationInput<'deleteJob'>): Promise<boolean> {
    return this.#jobs.remove(id, keepHistory ?? false);
  }

  async runJobNow({ id }: { id: string }): Promise<OperationOutput<'runJobNow'>> {
    const { runId, alreadyRunning } = await this.#jobs.start(id, 'manual', null);
    return { runId, alreadyRunning };
  }

  async cancelJob({ id }: { id: string }): Promise<boolean> {
    return this.#jobs.cancel(id);
  }

  async pauseJob({ id }: { id: string }): Promise<JobSummary> {
    return this.#jobs.setEnabled(id, false);
  }

  async resumeJob({ id }: { id: string }): Promise<JobSummary> {
    return this.#jobs.setEnabled(id, true);
  }

  async jobHistory({ id, limit, reconcile }: OperationInput<'jobHistory'>): Promise<JobHistory> {
    return this.#jobs.jobHistory(id, {
      ...(limit ? { limit } : {}),
      ...(reconcile === false ? { reconcile } : {}),
    });
  }

  async runLog({ jobId, runId }: OperationInput<'runLog'>): Promise<OperationOutput<'runLog'>> {
    return this.#jobs.runLog(jobId, runId);
  }

  async getNotificationSettings(): Promise<NotificationSettingsView> {
    return this.#notifier.view();
  }

  async saveNotificationSettings(
    input: OperationInput<'saveNotificationSettings'>,
  ): Promise<NotificationSettingsView> {
    return this.#notifier.save(input);
  }

  async testNotification(
    input?: OperationInput<'testNotification'>,
  ): Promise<OperationOutput<'testNotification'>> {
    return this.#notifier.test(input?.channelId, () => this.#jobs.jobs());
  }

  /** Starts a restore drill now (or returns the one in progress); it queues behind work on its repository. */
  async runDrillNow({ id }: { id: string }): Promise<OperationOutput<'runDrillNow'>> {
    const { runId, alreadyRunning } = await this.#jobs.startDrill(id, 'manual');
    return { runId, alreadyRunning };
  }

  async drillReport({
    jobId,
    runId,
  }: OperationInput<'drillReport'>): Promise<OperationOutput<'drillReport'>> {
    return this.#jobs.drillReport(jobId, runId);
  }

  /** The watchdog and the notification settings (the CLI and tests). */
  get notifier(): Notifier {
    return this.#notifier;
  }

  /**
   * Makes jobs run by themselves. Hosts that stay up call it (desktop, `lifeboat serve`); one-shot
   * CLI commands do not. Missed runs are caught up right away.
   */
  startScheduler(): void {
    this.#scheduler ??= new Scheduler(this.#jobs, {
      dataDir: this.#options.dataDir,
      ...(this.#options.jobs?.tickMs ? { tickMs: this.#options.jobs.tickMs } : {}),
      onTick: () => this.#notifier.checkWatchdogs(this.#jobs),
      onError: (jobId, err) => {
        const info = toErrorInfo(err);
        const message = `Scheduler: ${info.message}${info.details ? ` (${info.details})` : ''}`;
        this.emit('log', { time: new Date().toISOString(), level: 'error', jobId, message });
      },
    });
    this.#scheduler.start();
  }

  /** The computer woke up or was unlocked: catch up now rather than at the next tick. */
  async resumeScheduler(): Promise<void> {
    await this.#scheduler?.resume();
  }

  async stopScheduler(): Promise<void> {
    await this.#scheduler?.stop();
    this.#scheduler = undefined;
  }

  async listAccounts(): Promise<CloudAccountInfo[]> {
    return new CloudAccounts(this.#options.dataDir).list();
  }

  async signIn({ provider }: { provider: CloudProviderName }): Promise<CloudAccountInfo> {
    return signIn(provider, {
      dataDir: this.#options.dataDir,
      secrets: this.#options.secrets,
      openUrl: (url) => {
        this.emit('signInUrl', { provider, url });
        this.#options.openUrl?.(url);
      },
    });
  }

  async beginDropboxCodeSignIn(): Promise<OperationOutput<'beginDropboxCodeSignIn'>> {
    const flow = await beginDropboxCode({ dataDir: this.#options.dataDir, secrets: this.#options.secrets });
    // A newer sign-in replaces an older one: only the last page's code can complete.
    this.#dropboxCode = { flow, expiresAt: Date.now() + 15 * 60_000 };
    return { url: flow.url };
  }

  async completeDropboxCodeSignIn({
    code,
  }: OperationInput<'completeDropboxCodeSignIn'>): Promise<CloudAccountInfo> {
    const pending = this.#dropboxCode;
    if (!pending || pending.expiresAt < Date.now()) {
      this.#dropboxCode = undefined;
      throw new LifeboatError('INVALID_ARGUMENT', 'This Dropbox sign-in has expired or was never started.', {
        hint: 'Open the Dropbox page again and copy the new code.',
      });
    }
    const account = await pending.flow.complete(code);
    this.#dropboxCode = undefined; // a code works once
    return account;
  }

  async signOut({
    provider,
    accountId,
  }: {
    provider: CloudProviderName;
    accountId: string;
  }): Promise<boolean> {
    return signOut(provider, accountId, { dataDir: this.#options.dataDir, secrets: this.#options.secrets });
  }

  // --- Repositories, snapshots and restore (src/shared/repositories.ts), in src/engine/repositories. ---
  async checkDestination({
    location,
    sourcePaths,
  }: OperationInput<'checkDestination'>): Promise<OperationOutput<'checkDestination'>> {
    return this.#repositories.checkDestination(location, sourcePaths);
  }
  async createRepository({
    location,
    password,
  }: OperationInput<'createRepository'>): Promise<OperationOutput<'createRepository'>> {
    return this.#repositories.create(location, password);
  }
  async connectRepository({
    location,
    password,
  }: OperationInput<'connectRepository'>): Promise<OperationOutput<'connectRepository'>> {
    return this.#repositories.connect(location, password);
  }
  async listRepositories(): Promise<OperationOutput<'listRepositories'>> {
    return this.#repositories.list();
  }
  async disconnectRepository({ repositoryId }: OperationInput<'disconnectRepository'>): Promise<boolean> {
    return this.#repositories.disconnect(repositoryId);
  }
  async repositorySpace({
    repositoryId,
  }: OperationInput<'repositorySpace'>): Promise<OperationOutput<'repositorySpace'>> {
    return this.#repositories.space(repositoryId);
  }
  async listSnapshots({
    repositoryId,
  }: OperationInput<'listSnapshots'>): Promise<OperationOutput<'listSnapshots'>> {
    return this.#repositories.snapshots(repositoryId);
  }
  async listSnapshotDir({
    repositoryId,
    snapshotId,
    path,
  }: OperationInput<'listSnapshotDir'>): Promise<OperationOutput<'listSnapshotDir'>> {
    return { entries: await this.#repositories.dir(repositoryId, snapshotId, path) };
  }
  async diffSnapshots({
    repositoryId,
    from,
    to,
    limit,
  }: OperationInput<'diffSnapshots'>): Promise<OperationOutput<'diffSnapshots'>> {
    return this.#repositories.diff(repositoryId, from, to, limit);
  }
  async findInSnapshots({
    repositoryId,
    ...request
  }: OperationInput<'findInSnapshots'>): Promise<OperationOutput<'findInSnapshots'>> {
    return this.#repositories.find(repositoryId, request);
  }
  async previewRestore(
    request: OperationInput<'previewRestore'>,
  ): Promise<OperationOutput<'previewRestore'>> {
    return this.#repositories.previewRestore(request);
  }
  async restoreSnapshot(
    request: OperationInput<'restoreSnapshot'>,
  ): Promise<OperationOutput<'restoreSnapshot'>> {
    return this.#repositories.restore(request);
  }
  async cancelRestore(): Promise<boolean> {
    // Stops whichever restore runs: files, or a database copy.
    return this.#repositories.cancelRestore() || this.#databaseRestores.cancel();
  }
  async getLaunchAtLogin(): Promise<OperationOutput<'getLaunchAtLogin'>> {
    return this.#repositories.launchAtLogin();
  }
  async setLaunchAtLogin({
    enabled,
  }: OperationInput<'setLaunchAtLogin'>): Promise<OperationOutput<'setLaunchAtLogin'>> {
    return this.#repositories.setLaunchAtLogin(enabled);
  }
  async getSetupDraft(): Promise<OperationOutput<'getSetupDraft'>> {
    return this.#repositories.getSetupDraft();
  }
  async saveSetupDraft(draft: OperationInput<'saveSetupDraft'>): Promise<boolean> {
    return this.#repositories.saveSetupDraft(draft);
  }

  /** Stops the scheduler and the runs in progress (recorded as interrupted, redone at next start). */
  async close(): Promise<void> {
    await this.stopScheduler();
    await this.#repositories.close();
    await this.#databaseRestores.close();
    await this.#jobs.close();
    await this.#notifier.idle();
    this.#events.removeAllListeners();
  }
}

function noPicker(): LifeboatError {
  return new LifeboatError('UNSUPPORTED', 'Choosing with a dialog works only in the desktop app.', {
    hint: 'Type the path instead.',
  });
}
