/**
 * Poly1305 one-time authenticator (RFC 8439 section 2.5). The block function, where nearly all
 * the time goes, is WebAssembly (poly1305/poly1305.wat, 26-bit limbs with exact 64-bit products);
 * this file clamps the key, buffers partial blocks, pads the last one and does the final
 * reduction mod 2^130 - 5 and the addition of s.
 *
 * The module is compiled synchronously on first use, once per thread (worker_threads get their
 * own instance). Its memory is fixed at two pages: messages are copied in 64 KiB slices, so any
 * length costs the same memory.
 */
import { poly1305WasmBase64 } from './poly1305/poly1305-wasm.ts';

/** Incremental Poly1305: feed the message in any slices, then take the 16-byte tag once. */
export interface Poly1305Mac {
  update(chunk: Uint8Array): Poly1305Mac;
  digest(): Uint8Array;
}

interface Engine {
  mem: Uint8Array;
  /** Words 0..4: h, 5..9: r (see the memory layout in poly1305.wat). */
  state: Uint32Array;
  blocks: (ptr: number, len: number, hibit: number) => void;
}

const PAD_PTR = 64;
const BUF_PTR = 65536;
const BUF_SIZE = 65536;
const HIBIT = 1 << 24;
const M26 = 0x3ffffff;

// The node tsconfig has no DOM lib, where the WebAssembly types live: declare the little used here.
declare const WebAssembly: {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
};

let engine: Engine | undefined;

function getEngine(): Engine {
  if (engine) return engine;
  if (typeof WebAssembly === 'undefined') {
    throw new Error(
      'Poly1305 needs WebAssembly, which this JavaScript runtime lacks (Node run with --jitless?).',
    );
  }
  const module = new WebAssembly.Module(Buffer.from(poly1305WasmBase64, 'base64'));
  const exports = new WebAssembly.Instance(module, {}).exports;
  const memory = exports.memory as { buffer: ArrayBuffer };
  // The memory cannot grow (max = initial), so these views stay valid.
  engine = {
    mem: new Uint8Array(memory.buffer),
    state: new Uint32Array(memory.buffer, 0, 10),
    blocks: exports.blocks as Engine['blocks'],
  };
  return engine;
}

function le32(b: Uint8Array, i: number): number {
  return (b[i]! | (b[i + 1]! << 8) | (b[i + 2]! << 16) | (b[i + 3]! << 24)) >>> 0;
}

class Poly1305State implements Poly1305Mac {
  /** h0..h4 then the clamped r0..r4, as the WebAssembly side expects them. */
  private readonly hr = new Uint32Array(10);
  private readonly s = new Uint32Array(4);
  private readonly partial = new Uint8Array(16);
  private partialLen = 0;
  private done = false;

  constructor(key: Uint8Array) {
    if (key.length !== 32) throw new RangeError('A Poly1305 key must be 32 bytes.');
    const hr = this.hr;
    // r &= 0x0ffffffc0ffffffc0ffffffc0fffffff, split into 26-bit limbs
    hr[5] = le32(key, 0) & 0x3ffffff;
    hr[6] = (le32(key, 3) >>> 2) & 0x3ffff03;
    hr[7] = (le32(key, 6) >>> 4) & 0x3ffc0ff;
    hr[8] = (le32(key, 9) >>> 6) & 0x3f03fff;
    hr[9] = (le32(key, 12) >>> 8) & 0x00fffff;
    for (let i = 0; i < 4; i++) this.s[i] = le32(key, 16 + 4 * i);
  }

  update(chunk: Uint8Array): this {
    if (this.done) throw new Error('Poly1305: update() after digest().');
    const n = chunk.length;
    let off = 0;
    if (this.partialLen + n < 16) {
      this.partial.set(chunk, this.partialLen);
      this.partialLen += n;
      return this;
    }
    const e = getEngine();
    e.state.set(this.hr);
    if (this.partialLen > 0) {
      off = 16 - this.partialLen;
      this.partial.set(chunk.subarray(0, off), this.partialLen);
      e.mem.set(this.partial, PAD_PTR);
      e.blocks(PAD_PTR, 16, HIBIT);
      this.partialLen = 0;
    }
    while (n - off >= 16) {
      const whole = n - off - ((n - off) % 16);
      const len = whole < BUF_SIZE ? whole : BUF_SIZE;
      e.mem.set(chunk.subarray(off, off + len), BUF_PTR);
      e.blocks(BUF_PTR, len, HIBIT);
      off += len;
    }
    this.hr.set(e.state.subarray(0, 5));
    e.state.fill(0, 5); // do not leave r behind
    if (off < n) {
      this.partial.set(chunk.subarray(off), 0);
      this.partialLen = n - off;
    }
    return this;
  }

  digest(): Uint8Array {
    if (this.done) throw new Error('Poly1305: digest() called twice.');
    this.done = true;
    const hr = this.hr;
    if (this.partialLen > 0) {
      // last block: the remaining bytes, then 0x01, then zeros; no 2^128 bit
      const e = getEngine();
      e.mem.fill(0, PAD_PTR, PAD_PTR + 16);
      e.mem.set(this.partial.subarray(0, this.partialLen), PAD_PTR);
      e.mem[PAD_PTR + this.partialLen] = 1;
      e.state.set(hr);
      e.blocks(PAD_PTR, 16, 0);
      hr.set(e.state.subarray(0, 5));
      e.state.fill(0);
    }
    let h0 = hr[0]!;
    let h1 = hr[1]!;
    let h2 = hr[2]!;
    let h3 = hr[3]!;
    let h4 = hr[4]!;
    // Full carry, twice: afterwards every limb is < 2^26, so h < 2^130 < 2p.
    for (let pass = 0; pass < 2; pass++) {
      h2 += h1 >>> 26;
      h1 &= M26;
      h3 += h2 >>> 26;
      h2 &= M26;
      h4 += h3 >>> 26;
      h3 &= M26;
      h0 += (h4 >>> 26) * 5;
      h4 &= M26;
      h1 += h0 >>> 26;
      h0 &= M26;
    }
    // g = h + 5 - 2^130 = h - p; take g when it is not negative (h >= p), without branching
    let g0 = h0 + 5;
    let g1 = h1 + (g0 >>> 26);
    g0 &= M26;
    let g2 = h2 + (g1 >>> 26);
    g1 &= M26;
    let g3 = h3 + (g2 >>> 26);
    g2 &= M26;
    const g4 = h4 + (g3 >>> 26) - (1 << 26);
    g3 &= M26;
    const keepH = g4 >> 31; // -1 when h < p, else 0
    const takeG = ~keepH;
    h0 = (h0 & keepH) | (g0 & takeG);
    h1 = (h1 & keepH) | (g1 & takeG);
    h2 = (h2 & keepH) | (g2 & takeG);
    h3 = (h3 & keepH) | (g3 & takeG);
    h4 = (h4 & keepH) | (g4 & M26 & takeG);
    // tag = (h + s) mod 2^128, little-endian
    const s = this.s;
    const tag = new Uint8Array(16);
    // f < 2^33, so (f / 2^32) | 0 is the carry into the next word
    let f = ((h0 | (h1 << 26)) >>> 0) + s[0]!;
    writeLe32(tag, 0, f);
    f = (((h1 >>> 6) | (h2 << 20)) >>> 0) + s[1]! + ((f / 0x100000000) | 0);
    writeLe32(tag, 4, f);
    f = (((h2 >>> 12) | (h3 << 14)) >>> 0) + s[2]! + ((f / 0x100000000) | 0);
    writeLe32(tag, 8, f);
    f = (((h3 >>> 18) | (h4 << 8)) >>> 0) + s[3]! + ((f / 0x100000000) | 0);
    writeLe32(tag, 12, f);
    hr.fill(0);
    s.fill(0);
    this.partial.fill(0);
    return tag;
  }
}

function writeLe32(out: Uint8Array, i: number, v: number): void {
  out[i] = v;
  out[i + 1] = v >>> 8;
  out[i + 2] = v >>> 16;
  out[i + 3] = v >>> 24;
}

/** Starts an incremental Poly1305 with the 32-byte one-time key r ‖ s (r is clamped here). */
export function createPoly1305(key32: Uint8Array): Poly1305Mac {
  return new Poly1305State(key32);
}

/** The 16-byte Poly1305 tag of `message` under the one-time key r ‖ s (r is clamped here). */
export function poly1305(key32: Uint8Array, message: Uint8Array): Uint8Array {
  return new Poly1305State(key32).update(message).digest();
}
