/** Argument checks with Dropbox's 400 plain-text messages. */
import type { Ctx } from './state.ts';
import { badRequest } from './wire.ts';

function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'list';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'float';
  if (typeof v === 'object') return 'object';
  return typeof v;
}

export function str(ctx: Ctx, key: string, obj: Record<string, unknown> = ctx.args, prefix = ''): string {
  const v = obj[key];
  if (v === undefined) throw badRequest(ctx.route, `request body: ${prefix}${key}: missing required field`);
  if (typeof v !== 'string') throw badRequest(ctx.route, `request body: ${prefix}${key}: expected string, got ${typeName(v)}`);
  return v;
}

export function optBool(ctx: Ctx, key: string, obj: Record<string, unknown> = ctx.args, prefix = ''): boolean {
  const v = obj[key];
  if (v === undefined) return false;
  if (typeof v !== 'boolean') throw badRequest(ctx.route, `request body: ${prefix}${key}: expected boolean, got ${typeName(v)}`);
  return v;
}

export function uint(ctx: Ctx, key: string, obj: Record<string, unknown>, prefix = ''): number {
  const v = obj[key];
  if (v === undefined) throw badRequest(ctx.route, `request body: ${prefix}${key}: missing required field`);
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) {
    throw badRequest(ctx.route, `request body: ${prefix}${key}: expected unsigned integer, got ${typeName(v)}`);
  }
  return v;
}

export function obj(ctx: Ctx, key: string, from: Record<string, unknown> = ctx.args, prefix = ''): Record<string, unknown> {
  const v = from[key];
  if (v === undefined) throw badRequest(ctx.route, `request body: ${prefix}${key}: missing required field`);
  if (typeof v !== 'object' || v === null || Array.isArray(v)) {
    throw badRequest(ctx.route, `request body: ${prefix}${key}: expected object, got ${typeName(v)}`);
  }
  return v as Record<string, unknown>;
}

export function path(ctx: Ctx, pattern: RegExp, obj: Record<string, unknown> = ctx.args, prefix = ''): string {
  const p = str(ctx, 'path', obj, prefix);
  if (!pattern.test(p)) {
    throw badRequest(ctx.route, `request body: ${prefix}path: '${p}' did not match pattern '${pattern.source.slice(1, -1)}'`);
  }
  return p;
}
