import { createHmac, randomBytes } from 'node:crypto';

/** 128 bits from the CSPRNG, sent once in the cookie and never stored. */
export function newSessionToken(): string {
  return randomBytes(16).toString('base64url');
}

/** What the database keeps: a keyed hash, so a stolen table yields no usable token. */
export function sessionTokenHash(secret: string, token: string): string {
  return createHmac('sm3', secret).update(`session:${token}`).digest('hex');
}
