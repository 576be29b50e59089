/**
 * Drive's `fields` partial-response syntax: `a,b/c,files(id,name),user(emailAddress)`. Parsed into
 * a tree, validated against the resource's known fields (unknown → 400 "Invalid field selection",
 * like Drive), then applied to a response object.
 */
import { driveErrors } from './errors.ts';

/** field name → sub-mask (undefined = whole value); `'*'` selects everything at that level. */
export type FieldMask = Map<string, FieldMask | undefined>;

/** A schema: known field names, each either a leaf (true) or a nested schema. */
export interface Schema {
  [field: string]: true | Schema;
}

export function parseFieldMask(text: string): FieldMask {
  let pos = 0;
  const fail = (): never => {
    throw driveErrors.invalidField(text);
  };
  const parseList = (depth: number): FieldMask => {
    const mask: FieldMask = new Map();
    for (;;) {
      while (text[pos] === ' ') pos++;
      const start = pos;
      while (pos < text.length && /[A-Za-z0-9_*]/.test(text[pos]!)) pos++;
      const name = text.slice(start, pos);
      if (!name) fail();
      let sub: FieldMask | undefined;
      if (text[pos] === '/') {
        pos++;
        const inner = parsePath();
        sub = inner;
      } else if (text[pos] === '(') {
        pos++;
        sub = parseList(depth + 1);
        if (text[pos] !== ')') fail();
        pos++;
      }
      merge(mask, name, sub);
      while (text[pos] === ' ') pos++;
      if (text[pos] === ',') {
        pos++;
        continue;
      }
      if (depth > 0 && text[pos] === ')') return mask;
      if (depth === 0 && pos === text.length) return mask;
      return fail();
    }
  };
  const parsePath = (): FieldMask => {
    const start = pos;
    while (pos < text.length && /[A-Za-z0-9_*]/.test(text[pos]!)) pos++;
    const name = text.slice(start, pos);
    if (!name) fail();
    const mask: FieldMask = new Map();
    if (text[pos] === '/') {
      pos++;
      mask.set(name, parsePath());
    } else if (text[pos] === '(') {
      pos++;
      mask.set(name, parseList(1));
      if (text[pos] !== ')') fail();
      pos++;
    } else {
      mask.set(name, undefined);
    }
    return mask;
  };
  return parseList(0);
}

function merge(mask: FieldMask, name: string, sub: FieldMask | undefined): void {
  if (!mask.has(name)) {
    mask.set(name, sub);
    return;
  }
  const existing = mask.get(name);
  if (existing === undefined || sub === undefined) {
    mask.set(name, undefined);
    return;
  }
  for (const [k, v] of sub) merge(existing, k, v);
}

/** Throws 400 for any field the schema does not know. */
export function validateMask(mask: FieldMask, schema: Schema, path = ''): void {
  for (const [name, sub] of mask) {
    if (name === '*') {
      if (sub) throw driveErrors.invalidField(path + name);
      continue;
    }
    const known = schema[name];
    if (!known) throw driveErrors.invalidField(path + name);
    if (sub) {
      if (known === true) throw driveErrors.invalidField(path + name);
      validateMask(sub, known, `${path}${name}/`);
    }
  }
}

/** Projects `value` through the mask; absent values stay absent (Drive omits unset fields). */
export function applyMask(value: Record<string, unknown>, mask: FieldMask): Record<string, unknown> {
  if (mask.has('*')) return value;
  const out: Record<string, unknown> = {};
  for (const [name, sub] of mask) {
    const v = value[name];
    if (v === undefined) continue;
    if (!sub) out[name] = v;
    else if (Array.isArray(v)) out[name] = v.map((x) => applyMask(x as Record<string, unknown>, sub));
    else if (v && typeof v === 'object') out[name] = applyMask(v as Record<string, unknown>, sub);
    else out[name] = v;
  }
  return out;
}

/** The File resource fields Drive v3 documents (the ones a client may ask for). */
export const fileSchema: Schema = Object.fromEntries(
  [
    'kind',
    'id',
    'name',
    'mimeType',
    'description',
    'starred',
    'trashed',
    'explicitlyTrashed',
    'parents',
    'properties',
    'appProperties',
    'spaces',
    'version',
    'webContentLink',
    'webViewLink',
    'iconLink',
    'hasThumbnail',
    'thumbnailLink',
    'thumbnailVersion',
    'viewedByMe',
    'viewedByMeTime',
    'createdTime',
    'modifiedTime',
    'modifiedByMeTime',
    'modifiedByMe',
    'sharedWithMeTime',
    'sharingUser',
    'owners',
    'teamDriveId',
    'driveId',
    'lastModifyingUser',
    'shared',
    'ownedByMe',
    'capabilities',
    'viewersCanCopyContent',
    'copyRequiresWriterPermission',
    'writersCanShare',
    'permissions',
    'permissionIds',
    'hasAugmentedPermissions',
    'folderColorRgb',
    'originalFilename',
    'fullFileExtension',
    'fileExtension',
    'md5Checksum',
    'sha1Checksum',
    'sha256Checksum',
    'size',
    'quotaBytesUsed',
    'headRevisionId',
    'contentHints',
    'imageMediaMetadata',
    'videoMediaMetadata',
    'isAppAuthorized',
    'exportLinks',
    'shortcutDetails',
    'contentRestrictions',
    'resourceKey',
    'linkShareMetadata',
    'labelInfo',
    'trashedTime',
    'trashingUser',
    'inheritedPermissionsDisabled',
    'downloadRestrictions',
  ].map((f) => [f, true as const]),
);

export const fileListSchema: Schema = {
  kind: true,
  nextPageToken: true,
  incompleteSearch: true,
  files: fileSchema,
};

export const aboutSchema: Schema = {
  kind: true,
  user: { kind: true, displayName: true, photoLink: true, me: true, permissionId: true, emailAddress: true },
  storageQuota: { limit: true, usage: true, usageInDrive: true, usageInDriveTrash: true },
  maxUploadSize: true,
  appInstalled: true,
  importFormats: true,
  exportFormats: true,
  maxImportSizes: true,
  folderColorPalette: true,
  driveThemes: true,
  canCreateDrives: true,
  canCreateTeamDrives: true,
  teamDriveThemes: true,
};

/** `fields` or Drive's defaults: files.list → `kind,incompleteSearch,nextPageToken,files(kind,id,name,mimeType)`. */
export function maskFor(fields: string | null, schema: Schema, defaults: string): FieldMask {
  const mask = parseFieldMask(fields ?? defaults);
  validateMask(mask, schema);
  return mask;
}
