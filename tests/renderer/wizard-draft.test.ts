import { describe, expect, it } from 'vitest';
import { jobDraftSchema } from '../../src/shared/jobs.ts';
import { setupDraftSchema } from '../../src/shared/repositories.ts';
import {
  mergeNotifySettings,
  notifyProblems,
  wizardChannelIds,
} from '../../src/renderer/wizard/notify-settings.ts';
import { escapeHtml, recoveryKitHtml } from '../../src/renderer/wizard/recovery-kit.ts';
import {
  currentRepositoryId,
  defaultWizardData,
  destinationProblems,
  fromDraft,
  isAbsolutePath,
  jobDraftOf,
  locationKey,
  locationOf,
  sourceProblems,
  stripSecrets,
  toDraft,
  type WizardData,
} from '../../src/renderer/wizard/wizard-data.ts';

const repositoryId = 'a'.repeat(64);

function filled(): WizardData {
  return {
    ...defaultWizardData(),
    sources: [
      { kind: 'folder', path: ' /srv/crm ', excludes: [] },
      { kind: 'postgres', host: 'localhost', port: 5432, user: 'crm', database: 'espocrm', crm: 'espocrm' },
    ],
    destination: { kind: 'local', path: '/mnt/nas/backups', folder: 'Lifeboat', account: '' },
    schedule: { kind: 'weekly', days: [1, 5], at: '18:30' },
    retention: { kind: 'preset', preset: 'compact' },
  };
}

describe('the setup draft', () => {
  it('round-trips through the shape the Service stores (JSON), step and data alike', () => {
    const data = { ...filled(), repository: { repositoryId, location: locationKey(filled().destination) } };
    const draft = JSON.parse(JSON.stringify(toDraft(4, data))) as unknown;
    const parsed = setupDraftSchema.parse(draft);
    expect(fromDraft(parsed)).toEqual({ step: 4, data });
  });

  it('never carries anything named like a secret, however deep', () => {
    const data = {
      ...filled(),
      password: 'x',
      notify: { ...filled().notify, smtpPassword: 'y' },
    } as unknown as WizardData;
    const text = JSON.stringify(toDraft(3, data));
    expect(text).not.toMatch(/password/i);
    expect(stripSecrets({ a: [{ token: 1, keep: 2 }], passphrase: 3, Secret: 4 })).toEqual({
      a: [{ keep: 2 }],
    });
  });

  it('starts fresh without a draft, and keeps what still fits of an odd one', () => {
    expect(fromDraft(null)).toEqual({ step: 0, data: defaultWizardData() });
    const odd = fromDraft({
      step: 99,
      data: {
        sources: [{ kind: 'folder', path: '', excludes: [] }, { kind: 'onedrive' }],
        schedule: { kind: 'sometimes' },
        name: 'Shop',
      },
    });
    expect(odd.step).toBe(6);
    expect(odd.data.name).toBe('Shop');
    expect(odd.data.schedule).toEqual(defaultWizardData().schedule);
    expect(odd.data.sources).toEqual(defaultWizardData().sources); // an unknown kind spoils the list
  });

  it('keeps a half-typed source (an empty path) so the step can ask for it', () => {
    const data = { ...defaultWizardData(), sources: [{ kind: 'folder' as const, path: '', excludes: [] }] };
    expect(fromDraft(toDraft(1, data)).data.sources).toEqual(data.sources);
  });
});

describe('step checks', () => {
  it('recognizes full paths on Windows and Unix', () => {
    for (const p of ['/srv/crm', 'C:\\CRM', 'd:/data', '\\\\NAS\\backups'])
      expect(isAbsolutePath(p), p).toBe(true);
    for (const p of ['crm', './crm', 'C:crm', '\\\\NAS', '']) expect(isAbsolutePath(p), p).toBe(false);
  });

  it('says what is missing on the sources step', () => {
    expect(sourceProblems([])).toEqual(['noSources']);
    expect(sourceProblems(filled().sources)).toEqual([]);
    expect(sourceProblems([{ kind: 'folder', path: 'crm', excludes: [] }])).toEqual(['relativePath']);
    expect(
      sourceProblems([
        { kind: 'folder', path: '/srv/crm', excludes: [] },
        { kind: 'folder', path: '/srv/crm ', excludes: [] },
      ]),
    ).toEqual(['duplicatePath']);
    expect(sourceProblems([{ kind: 'mysql', host: '', port: 3306, user: 'u', database: 'd' }])).toEqual([
      'noHost',
    ]);
    expect(sourceProblems([{ kind: 'mysql', host: 'h', port: 0, user: '', database: '' }])).toEqual([
      'badPort',
    ]);
  });

  it('says what is missing on the destination step', () => {
    const local = defaultWizardData().destination;
    expect(destinationProblems(local)).toEqual(['noDestinationPath']);
    expect(destinationProblems({ ...local, path: 'backups' })).toEqual(['relativePath']);
    expect(destinationProblems({ ...local, kind: 'gdrive', folder: ' / ' })).toEqual([
      'notSignedIn',
      'noCloudFolder',
    ]);
    expect(destinationProblems({ ...local, kind: 'dropbox', account: 'me' })).toEqual([]);
  });

  it('forgets the created repository when the destination changes', () => {
    const data = { ...filled(), repository: { repositoryId, location: locationKey(filled().destination) } };
    expect(currentRepositoryId(data)).toBe(repositoryId);
    expect(
      currentRepositoryId({ ...data, destination: { ...data.destination, path: '/mnt/usb' } }),
    ).toBeNull();
  });
});

describe('what the wizard sends', () => {
  it('turns the destination choice into a repository location', () => {
    const choice = { kind: 'local' as const, path: ' /mnt/nas ', folder: 'x', account: '' };
    expect(locationOf(choice)).toEqual({ kind: 'local', path: '/mnt/nas' });
    expect(locationOf({ ...choice, kind: 'gdrive', folder: '/Lifeboat/Shop/', account: 'me@x.com' })).toEqual(
      {
        kind: 'gdrive',
        folder: 'Lifeboat/Shop',
        account: 'me@x.com',
      },
    );
    expect(locationOf({ ...choice, kind: 'dropbox', folder: 'Lifeboat' })).toEqual({
      kind: 'dropbox',
      path: '/Lifeboat',
    });
  });

  it('builds a job draft the engine accepts, without a password, named after the first folder', () => {
    const job = jobDraftOf(filled(), repositoryId);
    expect(jobDraftSchema.parse(job)).toEqual(job);
    expect(job.name).toBe('crm');
    expect(job.sources[0]).toEqual({ kind: 'folder', path: '/srv/crm', excludes: [] });
    expect(job.destination).toEqual({ location: { kind: 'local', path: '/mnt/nas/backups' }, repositoryId });
    expect(JSON.stringify(job)).not.toMatch(/password/i);
  });
});

describe('notification choices', () => {
  const notify = {
    ...defaultWizardData().notify,
    email: 'owner@shop.com',
    webhook: 'https://hooks.example.com/x',
  };

  it('replaces its own channels and keeps the others', () => {
    const current = {
      smtp: null,
      channels: [
        { kind: 'telegram' as const, id: 'tg', chatId: 42 },
        { kind: 'email' as const, id: 'owner-email', to: ['old@shop.com'] },
      ],
    };
    const merged = mergeNotifySettings(current, {
      ...notify,
      smtp: {
        host: 'smtp.shop.com',
        port: 587,
        security: 'starttls',
        user: '',
        from: 'Lifeboat <b@shop.com>',
      },
    });
    expect(merged.channels).toEqual([
      current.channels[0],
      { kind: 'email', id: 'owner-email', to: ['owner@shop.com'] },
      { kind: 'webhook', id: 'owner-webhook', url: 'https://hooks.example.com/x' },
    ]);
    expect(merged.smtp).toEqual({
      host: 'smtp.shop.com',
      port: 587,
      security: 'starttls',
      from: 'Lifeboat <b@shop.com>',
    });
    expect(wizardChannelIds(notify)).toEqual(['owner-email', 'owner-webhook']);
  });

  it('asks for a mail server only when none is set up', () => {
    expect(notifyProblems(notify, false)).toEqual(['noMailServer']);
    expect(notifyProblems(notify, true)).toEqual([]);
    expect(notifyProblems({ ...notify, email: 'nope', webhook: 'ftp://x' }, true)).toEqual([
      'badEmail',
      'badWebhook',
    ]);
    expect(notifyProblems(defaultWizardData().notify, false)).toEqual([]);
  });
});

describe('the Recovery Kit', () => {
  const text = {
    lang: 'en',
    title: 'Kit',
    intro: 'Intro',
    locationLabel: 'Where',
    passwordLabel: 'Password',
    repositoryIdLabel: 'ID',
    createdLabel: 'Made',
    stepsTitle: 'Steps',
    steps: ['one', 'two'],
    warning: 'Keep it safe',
  };

  it('holds the location, the password, the id and the steps, escaped', () => {
    const html = recoveryKitHtml(text, {
      location: 'gdrive:Lifeboat',
      password: 'a<b>&"c\'',
      repositoryId,
      created: 'today',
    });
    expect(html).toContain('gdrive:Lifeboat');
    expect(html).toContain('a&lt;b&gt;&amp;&quot;c&#39;');
    expect(html).toContain(repositoryId);
    expect(html).toContain('<li>two</li>');
    expect(html).not.toContain('<b>');
  });

  it('leaves out the id before the storage exists', () => {
    const html = recoveryKitHtml(text, {
      location: '/mnt/nas',
      password: 'p',
      repositoryId: null,
      created: 'today',
    });
    expect(html).not.toContain('<th>ID</th>');
    expect(escapeHtml('<x>')).toBe('&lt;x&gt;');
  });
});
