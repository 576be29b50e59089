/**
 * Large requests to the headless host: up to maxRequestBytes (16 MiB) they are read and answered;
 * past it the caller gets a typed REQUEST_TOO_LARGE answer and the WebSocket stays open (it used to
 * drop the connection at 1 MiB, which the page showed as "Lost connection").
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { Service } from '../../src/engine/service.ts';
import { MemorySecretStore } from '../../src/engine/secrets/secret-store.ts';
import { MemorySettingsStore } from '../../src/engine/settings/settings-store.ts';
import { startHeadless, type HeadlessServer } from '../../src/headless/server.ts';
import { maxRequestBytes } from '../../src/shared/contract.ts';

const MiB = 1024 * 1024;
const dataDir = mkdtempSync(path.join(os.tmpdir(), 'lb-headless-size-'));
let server: HeadlessServer;
let ws: WebSocket;
const answers = new Map<number, unknown>();

/** A settings change padded to about `bytes`: the strict schema refuses the padding, typed. */
const padded = (id: number, bytes: number): string =>
  JSON.stringify({ id, op: 'updateSettings', input: { theme: 'dark', padding: 'x'.repeat(bytes) } });

function answer(id: number): Promise<unknown> {
  return expect
    .poll(() => answers.get(id), { timeout: 10_000 })
    .toBeDefined()
    .then(() => answers.get(id));
}

function post(body: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      `http://127.0.0.1:${server.port}/api/call/updateSettings`,
      {
        method: 'POST',
        headers: { authorization: `Bearer ${server.token}`, 'content-type': 'application/json' },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8').on('data', (c: string) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

beforeAll(async () => {
  const service = new Service({
    host: 'headless',
    dataDir,
    settings: new MemorySettingsStore(),
    secrets: async () => new MemorySecretStore(),
  });
  server = await startHeadless({ service, staticRoot: dataDir });
  ws = new WebSocket(`ws://127.0.0.1:${server.port}/api/ws`, {
    headers: { cookie: `lifeboat_token=${server.token}`, origin: `http://127.0.0.1:${server.port}` },
  });
  await new Promise((resolve, reject) => (ws.on('open', resolve), ws.on('error', reject)));
  ws.on('message', (data) => {
    const m = JSON.parse(String(data)) as { id?: number; result?: unknown };
    if (typeof m.id === 'number') answers.set(m.id, m.result);
  });
});

afterAll(async () => {
  ws.terminate();
  await server.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('request size', () => {
  it('reads and answers a WebSocket request of several megabytes', async () => {
    ws.send(padded(1, 5 * MiB));
    expect(await answer(1)).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT' } });
    ws.send(JSON.stringify({ id: 2, op: 'updateSettings', input: { theme: 'dark' } }));
    expect(await answer(2)).toEqual({ ok: true, value: { language: 'en', theme: 'dark' } });
  });

  it('answers an oversized WebSocket request with REQUEST_TOO_LARGE and keeps the connection', async () => {
    ws.send(padded(3, maxRequestBytes + MiB));
    expect(await answer(3)).toMatchObject({
      ok: false,
      error: { code: 'REQUEST_TOO_LARGE', message: expect.stringContaining('at most 16 MB') },
    });
    expect(ws.readyState).toBe(WebSocket.OPEN);
    ws.send(JSON.stringify({ id: 4, op: 'getSettings' }));
    expect(await answer(4)).toMatchObject({ ok: true });
  });

  it('answers an oversized HTTP body with 413 and REQUEST_TOO_LARGE', async () => {
    const big = await post(
      JSON.stringify({ input: { theme: 'dark', padding: 'x'.repeat(maxRequestBytes) } }),
    );
    expect(big.status).toBe(413);
    expect(JSON.parse(big.body)).toMatchObject({ ok: false, error: { code: 'REQUEST_TOO_LARGE' } });
    const fine = await post(JSON.stringify({ input: { theme: 'light', padding: 'x'.repeat(3 * MiB) } }));
    expect(fine.status).toBe(200);
    expect(JSON.parse(fine.body)).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT' } });
  });

  it('closes with 1009 (message too big) only past four times the limit, where it stops reading', async () => {
    const other = new WebSocket(`ws://127.0.0.1:${server.port}/api/ws`, {
      headers: { cookie: `lifeboat_token=${server.token}`, origin: `http://127.0.0.1:${server.port}` },
    });
    await new Promise((resolve, reject) => (other.on('open', resolve), other.on('error', reject)));
    const closed = new Promise<number>((resolve) => other.on('close', (code) => resolve(code)));
    other.on('error', () => {});
    other.send(padded(5, 4 * maxRequestBytes + MiB));
    expect(await closed).toBe(1009);
  });
});
