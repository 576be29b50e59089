/**
 * Frees a dead buffer's memory now. V8 frees memory outside the JS heap (Buffers) only in a full GC,
 * which it starts after tens of MB of it piled up per thread: a backup that makes hundreds of MB of
 * short-lived encoded blobs would otherwise carry that much garbage in every thread. Detaching the
 * ArrayBuffer (transfer to length 0) frees it at once.
 *
 * Only for a buffer that owns its whole ArrayBuffer (not a slice of Node's pool or of a larger
 * buffer, not shared memory) and that nothing else references: afterwards it reads as empty.
 */
export function releaseBuffer(b: Uint8Array): void {
  const ab = b.buffer;
  if (!(ab instanceof ArrayBuffer) || b.byteOffset !== 0 || b.byteLength !== ab.byteLength) return;
  if (ab.byteLength === 0) return;
  try {
    (ab as ArrayBuffer & { transfer(length: number): ArrayBuffer }).transfer(0);
  } catch {
    // not detachable (Node's own pooled buffers): the GC frees it
  }
}
