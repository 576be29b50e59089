import { beforeEach, describe, expect, it, vi } from 'vitest';

vi.mock('electron', () => import('../mocks/electron.ts'));

import { resetElectronMock, shell } from '../mocks/electron.ts';
import { checkExternalUrl, openExternal } from '../../src/main/open-external.ts';

beforeEach(() => {
  resetElectronMock();
  vi.spyOn(console, 'warn').mockImplementation(() => {});
});

describe('checkExternalUrl', () => {
  it('accepts web pages and mail links, normalised', () => {
    expect(checkExternalUrl('https://lifeboat.app/help?q=1#x')).toBe('https://lifeboat.app/help?q=1#x');
    expect(checkExternalUrl('http://example.com')).toBe('http://example.com/');
    expect(checkExternalUrl('HTTPS://Example.COM/a')).toBe('https://example.com/a');
    expect(checkExternalUrl('mailto:support@lifeboat.app')).toBe('mailto:support@lifeboat.app');
  });

  it('refuses local files, script URLs and other schemes', () => {
    for (const url of [
      'file:///etc/passwd',
      'file://server/share/x.exe',
      'javascript:alert(1)',
      ' javascript:alert(1)',
      'JaVaScRiPt:alert(1)',
      'data:text/html,<script>alert(1)</script>',
      'vbscript:msgbox(1)',
      'smb://server/share',
      'ms-msdt:/id PCWDiagnostic',
      'lifeboat://restore',
      'mailto:',
    ]) {
      expect(checkExternalUrl(url), url).toBeNull();
    }
  });

  it('refuses credentials, garbage and non-strings', () => {
    expect(checkExternalUrl('https://user:pass@example.com/')).toBeNull();
    expect(checkExternalUrl('not a url')).toBeNull();
    expect(checkExternalUrl('/relative/path')).toBeNull();
    expect(checkExternalUrl(`https://example.com/${'a'.repeat(5000)}`)).toBeNull();
    expect(checkExternalUrl(undefined)).toBeNull();
    expect(checkExternalUrl({ toString: () => 'https://example.com' })).toBeNull();
  });
});

describe('openExternal', () => {
  it('opens an https link in the system browser', async () => {
    await expect(openExternal('https://lifeboat.app/')).resolves.toBe(true);
    expect(shell.openExternal).toHaveBeenCalledWith('https://lifeboat.app/');
  });

  it('refuses file: and javascript: links and logs the refusal', async () => {
    await expect(openExternal('file:///C:/Windows/System32/calc.exe')).resolves.toBe(false);
    await expect(openExternal('javascript:alert(1)')).resolves.toBe(false);
    expect(shell.openExternal).not.toHaveBeenCalled();
    expect(console.warn).toHaveBeenCalledTimes(2);
    expect(console.warn).toHaveBeenCalledWith(
      expect.any(String),
      expect.stringMatching(/Refused/),
      'javascript:alert(1)',
    );
  });

  it('reports a failure of the OS instead of throwing', async () => {
    shell.openExternal.mockRejectedValueOnce(new Error('no browser'));
    await expect(openExternal('https://lifeboat.app/')).resolves.toBe(false);
  });
});
