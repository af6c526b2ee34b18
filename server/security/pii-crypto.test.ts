import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { blindIndex, openPii, PiiCryptoError, sealPii } from './pii-crypto.ts';

const SECRET = 'test-secret-0123456789abcdef0123456789';
const ID = '11010519491231002X';

describe('personal data sealed at rest', () => {
  it('round-trips, and the sealed text contains neither the number nor any long run of it', () => {
    const sealed = sealPii(SECRET, ID);
    assert.equal(openPii(SECRET, sealed), ID);
    assert.ok(!sealed.includes('1949'));
    assert.match(sealed, /^v1\.[A-Za-z0-9_-]+$/);
  });

  it('seals the same number differently each time (no equality leak)', () => {
    assert.notEqual(sealPii(SECRET, ID), sealPii(SECRET, ID));
  });

  it('refuses a flipped byte, a truncated value, another key and an unknown format', () => {
    const sealed = sealPii(SECRET, ID);
    const raw = Buffer.from(sealed.slice(3), 'base64url');
    for (let i = 0; i < raw.length; i += 7) {
      const bad = Buffer.from(raw);
      bad[i] = bad[i]! ^ 0x01;
      assert.throws(() => openPii(SECRET, `v1.${bad.toString('base64url')}`), PiiCryptoError, `byte ${i}`);
    }
    assert.throws(() => openPii(SECRET, sealed.slice(0, 20)), PiiCryptoError);
    assert.throws(() => openPii('another-secret-0123456789abcdef01234', sealed), PiiCryptoError);
    assert.throws(() => openPii(SECRET, sealed.replace('v1.', 'v9.')), PiiCryptoError);
  });

  it('keeps Chinese text intact', () => {
    assert.equal(openPii(SECRET, sealPii(SECRET, '张三丰')), '张三丰');
  });

  it('blind index: equal for equal values, different across kinds and keys', () => {
    assert.equal(blindIndex(SECRET, 'id_number', ID), blindIndex(SECRET, 'id_number', ID));
    assert.notEqual(blindIndex(SECRET, 'id_number', ID), blindIndex(SECRET, 'phone', ID));
    assert.notEqual(blindIndex(SECRET, 'id_number', ID), blindIndex('another-secret-0123456789abcdef01234', 'id_number', ID));
    assert.match(blindIndex(SECRET, 'phone', '13800001234'), /^[0-9a-f]{64}$/);
  });
});
