import { hash, verify } from '@node-rs/argon2';

// argon2id with the library's defaults (m=19 MiB, t=2, p=1: OWASP's minimum).
export function hashPassword(password: string): Promise<string> {
  return hash(password);
}

// Checking a real hash when the account does not exist keeps the answer time the same.
let dummyHash: Promise<string> | null = null;

export async function verifyPassword(stored: string | null, password: string): Promise<boolean> {
  dummyHash ??= hash('no-such-account-placeholder');
  try {
    return await verify(stored ?? (await dummyHash), password);
  } catch {
    return false;
  }
}
