import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { Service } from '../../src/engine/service.ts';
import { MemorySecretStore } from '../../src/engine/secrets/secret-store.ts';
import { MemorySettingsStore } from '../../src/engine/settings/settings-store.ts';
import { startHeadless, type HeadlessServer } from '../../src/headless/server.ts';

let server: HeadlessServer;
let base: string;
const staticRoot = mkdtempSync(path.join(os.tmpdir(), 'lb-static-'));

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

function send(pathName: string, options: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request(`${base}${pathName}`, { method: options.method ?? 'GET', headers: options.headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

const cookie = (): string => `lifeboat_token=${server.token}`;

beforeAll(async () => {
  writeFileSync(path.join(staticRoot, 'index.html'), '<!doctype html><title>Lifeboat</title>');
  mkdirSync(path.join(staticRoot, 'assets'));
  writeFileSync(path.join(staticRoot, 'assets', 'app.js'), 'console.log(1)');
  writeFileSync(path.join(os.tmpdir(), 'lb-secret.txt'), 'secret');
  const service = new Service({ host: 'headless', dataDir: staticRoot, settings: new MemorySettingsStore(), secrets: async () => new MemorySecretStore() });
  server = await startHeadless({ service, staticRoot });
  base = `http://127.0.0.1:${server.port}`;
});
afterAll(() => server.close());

describe('headless host', () => {
  it('listens on loopback and prints a URL that carries the token', () => {
    expect(server.url).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:${server.port}/\\?token=[A-Za-z0-9_-]{40,}$`));
  });

  it('refuses every request without the token', async () => {
    for (const p of ['/', '/index.html', '/assets/app.js', '/api/call/getAppInfo']) {
      const reply = await send(p, { method: p.startsWith('/api') ? 'POST' : 'GET' });
      expect(reply.status, p).toBe(401);
      expect(reply.body).not.toContain('Lifeboat</title>');
    }
    expect((await send('/', { headers: { cookie: 'lifeboat_token=wrong' } })).status).toBe(401);
    expect((await send('/?token=wrong')).status).toBe(401);
  });

  it('trades the URL token for an HttpOnly cookie and serves the UI', async () => {
    const first = await send(`/?token=${server.token}`);
    expect(first.status).toBe(303);
    expect(first.headers.location).toBe('/');
    expect(String(first.headers['set-cookie'])).toMatch(/lifeboat_token=.+; HttpOnly; SameSite=Strict/);
    const page = await send('/', { headers: { cookie: cookie() } });
    expect(page.status).toBe(200);
    expect(page.body).toContain('<title>Lifeboat</title>');
    expect(page.headers['content-security-policy']).toContain("script-src 'self'");
  });

  it('refuses foreign origins and rebinding hosts even with the token', async () => {
    const evil = await send('/api/call/getAppInfo', { method: 'POST', headers: { cookie: cookie(), origin: 'http://evil.example' } });
    expect(evil.status).toBe(403);
    const rebinding = await send('/', { headers: { cookie: cookie(), host: `evil.example:${server.port}` } });
    expect(rebinding.status).toBe(403);
  });

  it('never serves files outside the UI folder', async () => {
    for (const p of ['/../lb-secret.txt', '/%2e%2e/lb-secret.txt', '/assets/..%2f..%2flb-secret.txt']) {
      const reply = await send(p, { headers: { cookie: cookie() } });
      expect(reply.body, p).not.toContain('secret');
    }
  });

  it('answers contract calls over HTTP with typed errors', async () => {
    const headers = { authorization: `Bearer ${server.token}`, 'content-type': 'application/json' };
    const info = JSON.parse((await send('/api/call/getAppInfo', { method: 'POST', headers, body: '{}' })).body);
    expect(info).toMatchObject({ ok: true, value: { name: 'Lifeboat', host: 'headless' } });
    const bad = JSON.parse((await send('/api/call/updateSettings', { method: 'POST', headers, body: '{"input":{"language":"fr"}}' })).body);
    expect(bad).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT' } });
    const unknown = JSON.parse((await send('/api/call/deleteEverything', { method: 'POST', headers, body: '{}' })).body);
    expect(unknown).toMatchObject({ ok: false, error: { code: 'UNKNOWN_OPERATION' } });
  });

  it('WebSocket: refused without the token or from a foreign origin; with it, calls and events flow', async () => {
    const wsUrl = `ws://127.0.0.1:${server.port}/api/ws`;
    const refused = (headers: Record<string, string>) =>
      new Promise<string>((resolve) => {
        const ws = new WebSocket(wsUrl, { headers });
        ws.on('open', () => resolve('open'));
        ws.on('unexpected-response', (_req, res) => resolve(String(res.statusCode)));
        ws.on('error', () => resolve('error'));
      });
    expect(await refused({})).not.toBe('open');
    expect(await refused({ cookie: cookie(), origin: 'http://evil.example' })).not.toBe('open');

    const ws = new WebSocket(wsUrl, { headers: { cookie: cookie(), origin: base } });
    await new Promise((resolve, reject) => (ws.on('open', resolve), ws.on('error', reject)));
    const messages: unknown[] = [];
    ws.on('message', (data) => messages.push(JSON.parse(String(data))));
    ws.send(JSON.stringify({ id: 7, op: 'updateSettings', input: { theme: 'dark' } }));
    await expect.poll(() => messages.length).toBeGreaterThanOrEqual(2);
    expect(messages).toContainEqual({ id: 7, result: { ok: true, value: { language: 'en', theme: 'dark' } } });
    expect(messages).toContainEqual({ event: 'settingsChanged', payload: { language: 'en', theme: 'dark' } });
    ws.close();
  });
});
