/**
 * Google's JSON error envelope, exactly as Drive v3 sends it:
 * `{ "error": { "code", "message", "errors": [{ "domain", "reason", "message", "location"?, "locationType"? }] } }`
 * (https://developers.google.com/drive/api/guides/handle-errors). The emulator throws DriveHttpError
 * anywhere; the router turns it into the response.
 */
export interface GoogleErrorItem {
  domain: string;
  reason: string;
  message: string;
  location?: string;
  locationType?: string;
}

export class DriveHttpError extends Error {
  readonly status: number;
  readonly item: GoogleErrorItem;
  readonly headers: Record<string, string>;
  constructor(status: number, item: GoogleErrorItem, headers: Record<string, string> = {}) {
    super(item.message);
    this.status = status;
    this.item = item;
    this.headers = headers;
  }

  body(): unknown {
    return { error: { code: this.status, message: this.item.message, errors: [this.item] } };
  }
}

export const driveErrors = {
  invalidCredentials: () =>
    new DriveHttpError(
      401,
      {
        domain: 'global',
        reason: 'authError',
        message: 'Invalid Credentials',
        locationType: 'header',
        location: 'Authorization',
      },
      { 'www-authenticate': 'Bearer realm="https://accounts.google.com/", error="invalid_token"' },
    ),
  loginRequired: () =>
    new DriveHttpError(
      401,
      {
        domain: 'global',
        reason: 'required',
        message: 'Login Required.',
        locationType: 'header',
        location: 'Authorization',
      },
      { 'www-authenticate': 'Bearer realm="https://accounts.google.com/"' },
    ),
  insufficientScopes: () =>
    new DriveHttpError(403, {
      domain: 'global',
      reason: 'insufficientPermissions',
      message: 'Request had insufficient authentication scopes.',
    }),
  notFound: (id: string) =>
    new DriveHttpError(404, {
      domain: 'global',
      reason: 'notFound',
      message: `File not found: ${id}.`,
      locationType: 'parameter',
      location: 'fileId',
    }),
  invalidField: (field: string) =>
    new DriveHttpError(400, {
      domain: 'global',
      reason: 'invalidParameter',
      message: `Invalid field selection ${field}`,
      locationType: 'parameter',
      location: 'fields',
    }),
  invalidParameter: (location: string, message = 'Invalid Value') =>
    new DriveHttpError(400, {
      domain: 'global',
      reason: 'invalid',
      message,
      locationType: 'parameter',
      location,
    }),
  required: (location: string) =>
    new DriveHttpError(400, {
      domain: 'global',
      reason: 'required',
      message: `Required parameter: ${location}`,
      locationType: 'parameter',
      location,
    }),
  badRequest: (message: string) =>
    new DriveHttpError(400, { domain: 'global', reason: 'badRequest', message }),
  badContent: (message: string) =>
    new DriveHttpError(400, { domain: 'global', reason: 'badContent', message }),
  notDownloadable: () =>
    new DriveHttpError(403, {
      domain: 'global',
      reason: 'fileNotDownloadable',
      message: 'Only files with binary content can be downloaded. Use Export with Docs Editors files.',
      locationType: 'parameter',
      location: 'alt',
    }),
  rangeNotSatisfiable: () =>
    new DriveHttpError(416, {
      domain: 'global',
      reason: 'requestedRangeNotSatisfiable',
      message: 'Request range not satisfiable',
    }),
  storageQuotaExceeded: () =>
    new DriveHttpError(403, {
      domain: 'usageLimits',
      reason: 'storageQuotaExceeded',
      message: "The user's Drive storage quota has been exceeded.",
    }),
  userRateLimit: () =>
    new DriveHttpError(403, {
      domain: 'usageLimits',
      reason: 'userRateLimitExceeded',
      message: 'User Rate Limit Exceeded',
    }),
  rateLimit403: () =>
    new DriveHttpError(403, {
      domain: 'usageLimits',
      reason: 'rateLimitExceeded',
      message: 'Rate Limit Exceeded',
    }),
  rateLimit429: (retryAfterSeconds: number) =>
    new DriveHttpError(
      429,
      { domain: 'usageLimits', reason: 'rateLimitExceeded', message: 'Rate Limit Exceeded' },
      { 'retry-after': String(retryAfterSeconds) },
    ),
  backendError: (status: 500 | 502 | 503 | 504) =>
    new DriveHttpError(status, {
      domain: 'global',
      reason: 'backendError',
      message: status === 503 ? 'Service Unavailable' : 'Backend Error',
    }),
  methodNotAllowed: () =>
    new DriveHttpError(405, {
      domain: 'global',
      reason: 'httpMethodNotAllowed',
      message: 'Method not allowed',
    }),
  uploadNotFound: () =>
    new DriveHttpError(404, {
      domain: 'global',
      reason: 'notFound',
      message: 'Upload session not found or expired.',
    }),
  cannotAddParent: () =>
    new DriveHttpError(403, {
      domain: 'global',
      reason: 'cannotAddParent',
      message: 'Increasing the number of parents is not allowed.',
    }),
};
