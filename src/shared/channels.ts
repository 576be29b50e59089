/**
 * Channel names, free of zod so the sandboxed preload stays tiny. A test checks they match the
 * contract's operations and events exactly.
 */
export const operationNames = ['getAppInfo', 'chooseFolder', 'chooseFile', 'getSettings', 'updateSettings', 'listJobs', 'listAccounts', 'signIn', 'signOut',
  'beginDropboxCodeSignIn', 'completeDropboxCodeSignIn',
  'getJob', 'saveJob', 'deleteJob', 'runJobNow', 'cancelJob', 'pauseJob', 'resumeJob', 'jobHistory', 'runLog',
  'getNotificationSettings', 'saveNotificationSettings', 'testNotification', 'runDrillNow', 'drillReport',
  'checkDestination', 'createRepository', 'connectRepository', 'listRepositories', 'disconnectRepository', 'repositorySpace',
  'listSnapshots', 'listSnapshotDir', 'diffSnapshots', 'findInSnapshots', 'previewRestore', 'restoreSnapshot', 'cancelRestore',
  'getLaunchAtLogin', 'setLaunchAtLogin', 'getSetupDraft', 'saveSetupDraft',
  'testSource', 'detectCrm', 'previewDatabaseRestore', 'restoreDatabase'] as const;
export const eventNames = ['progress', 'jobState', 'log', 'settingsChanged', 'signInUrl'] as const;

export const invokeChannel = (operation: string): string => `lifeboat:invoke:${operation}`;
export const eventChannel = (event: string): string => `lifeboat:event:${event}`;
