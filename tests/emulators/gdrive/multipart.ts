/**
 * Strict `multipart/related` parsing for `uploadType=multipart`: exactly two parts, the first one
 * `application/json` metadata, the second the media. Delimiters are `--BOUNDARY` preceded by CRLF
 * (RFC 2046); the close delimiter `--BOUNDARY--` may or may not be followed by a CRLF (the Node
 * client sends none). Anything else is a 400, as Drive answers malformed bodies.
 */
import { driveErrors } from './errors.ts';

export interface MultipartUpload {
  metadata: Record<string, unknown>;
  mediaType: string;
  media: Buffer;
}

export function boundaryOf(contentType: string | undefined): string {
  if (!contentType || !/^multipart\/related\s*;/i.test(contentType)) {
    throw driveErrors.badContent('Content-Type must be multipart/related for uploadType=multipart.');
  }
  const m = /;\s*boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  const boundary = m?.[1] ?? m?.[2];
  if (!boundary || boundary.length > 70)
    throw driveErrors.badContent('Missing or invalid multipart boundary.');
  return boundary;
}

function parseHeaders(block: string): Map<string, string> {
  const headers = new Map<string, string>();
  for (const line of block.split('\r\n')) {
    if (!line) continue;
    const colon = line.indexOf(':');
    if (colon <= 0) throw driveErrors.badContent('Malformed multipart body.');
    headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  return headers;
}

export function parseMultipartRelated(body: Buffer, contentType: string | undefined): MultipartUpload {
  const boundary = boundaryOf(contentType);
  const malformed = () => driveErrors.badContent('Malformed multipart body.');
  const open = Buffer.from(`--${boundary}\r\n`);
  const delim = Buffer.from(`\r\n--${boundary}\r\n`);
  const close = Buffer.from(`\r\n--${boundary}--`);
  if (!body.subarray(0, open.length).equals(open)) throw malformed();
  // the close delimiter, then optionally CRLF, then nothing
  let end = body.length;
  if (body.subarray(end - 2).toString('latin1') === '\r\n') end -= 2;
  if (end < close.length || !body.subarray(end - close.length, end).equals(close)) throw malformed();
  const closeAt = end - close.length;
  const second = body.indexOf(delim, open.length);
  if (second < 0 || second > closeAt) throw malformed();

  const part = (from: number, to: number): { headers: Map<string, string>; content: Buffer } => {
    const sep = body.indexOf('\r\n\r\n', from, 'latin1');
    if (sep < 0 || sep > to) {
      // a part with no headers starts directly with CRLF
      if (body.subarray(from, from + 2).toString('latin1') === '\r\n') {
        return { headers: new Map(), content: body.subarray(from + 2, to) };
      }
      throw malformed();
    }
    return {
      headers: parseHeaders(body.subarray(from, sep).toString('latin1')),
      content: body.subarray(sep + 4, to),
    };
  };
  const meta = part(open.length, second);
  const media = part(second + delim.length, closeAt);
  if (media.content.includes(Buffer.from(`\r\n--${boundary}`))) throw malformed(); // a third part
  const metaType = meta.headers.get('content-type') ?? '';
  if (!/^application\/json(\s*;\s*charset=utf-8)?$/i.test(metaType)) {
    throw driveErrors.badContent('The first part of a multipart upload must be application/json metadata.');
  }
  let metadata: unknown;
  try {
    metadata = JSON.parse(meta.content.toString('utf8'));
  } catch {
    throw driveErrors.badRequest('Invalid JSON payload in the metadata part.');
  }
  if (!metadata || typeof metadata !== 'object' || Array.isArray(metadata)) throw malformed();
  const mediaType = media.headers.get('content-type');
  if (!mediaType) throw driveErrors.badContent('The media part of a multipart upload needs a Content-Type.');
  return { metadata: metadata as Record<string, unknown>, mediaType, media: Buffer.from(media.content) };
}
