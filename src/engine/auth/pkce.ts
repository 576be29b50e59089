import { createHash, randomBytes } from 'node:crypto';

/** A PKCE (RFC 7636) verifier and its S256 challenge, shared by the Google and Dropbox sign-in flows. */
export interface PkcePair {
  /** 43–128 characters from the unreserved set; kept in memory until the code is exchanged. */
  verifier: string;
  /** base64url(sha256(verifier)), sent in the authorization URL. */
  challenge: string;
  method: 'S256';
}

/** 64 random bytes → an 86-character base64url verifier (RFC 7636 §4.1 allows 43–128). */
export function createPkcePair(): PkcePair {
  const verifier = randomBytes(64).toString('base64url');
  return { verifier, challenge: pkceChallenge(verifier), method: 'S256' };
}

/** The S256 transformation: base64url of the SHA-256 of the ASCII verifier, without padding. */
export function pkceChallenge(verifier: string): string {
  return createHash('sha256').update(verifier, 'ascii').digest('base64url');
}

/** An opaque random value for the OAuth `state` parameter (CSRF protection on the loopback redirect). */
export function randomState(): string {
  return randomBytes(24).toString('base64url');
}
