// Personal data at rest (等保 2.0: 重要数据存储保密性): applicants' ID and phone numbers are stored
// sealed with SM4-CTR and authenticated with HMAC-SM3 (encrypt-then-MAC; OpenSSL offers no SM4-GCM
// here), and found again through a keyed blind index, so a stolen table yields neither numbers nor
// a way to test guesses without the secret.
import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';

const VERSION = 'v1';
const IV_BYTES = 16;
const TAG_BYTES = 32;

interface Keys {
  enc: Buffer;
  mac: Buffer;
  index: Buffer;
}

const cache = new Map<string, Keys>();

function keysFor(secret: string): Keys {
  let keys = cache.get(secret);
  if (!keys) {
    const derive = (info: string, len: number) => Buffer.from(hkdfSync('sm3', secret, 'bianmin-pii', info, len));
    keys = { enc: derive('enc', 16), mac: derive('mac', 32), index: derive('index', 32) };
    cache.set(secret, keys);
  }
  return keys;
}

export class PiiCryptoError extends Error {}

/** `v1.<base64url(iv | ciphertext | tag)>`; a fresh IV each time, so equal numbers seal differently. */
export function sealPii(secret: string, plain: string): string {
  const k = keysFor(secret);
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('sm4-ctr', k.enc, iv);
  const body = Buffer.concat([iv, cipher.update(plain, 'utf8'), cipher.final()]);
  const tag = createHmac('sm3', k.mac).update(VERSION).update(body).digest();
  return `${VERSION}.${Buffer.concat([body, tag]).toString('base64url')}`;
}

export function openPii(secret: string, sealed: string): string {
  const [version, payload] = sealed.split('.', 2);
  if (version !== VERSION || !payload) throw new PiiCryptoError('unknown sealed-data format');
  const raw = Buffer.from(payload, 'base64url');
  if (raw.length < IV_BYTES + TAG_BYTES) throw new PiiCryptoError('sealed data too short');
  const k = keysFor(secret);
  const body = raw.subarray(0, raw.length - TAG_BYTES);
  const tag = raw.subarray(raw.length - TAG_BYTES);
  const expected = createHmac('sm3', k.mac).update(VERSION).update(body).digest();
  if (!timingSafeEqual(tag, expected)) throw new PiiCryptoError('sealed data was altered or sealed with another key');
  const decipher = createDecipheriv('sm4-ctr', k.enc, body.subarray(0, IV_BYTES));
  return Buffer.concat([decipher.update(body.subarray(IV_BYTES)), decipher.final()]).toString('utf8');
}

/** Equal values give equal indexes (for search by ID number); `kind` keeps ID and phone indexes apart. */
export function blindIndex(secret: string, kind: 'id_number' | 'phone', normalized: string): string {
  return createHmac('sm3', keysFor(secret).index).update(`${kind}:${normalized}`).digest('hex');
}
