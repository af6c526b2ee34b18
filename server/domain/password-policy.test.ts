import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkPassword } from './password-policy.ts';

const codes = (pw: string, user = 'zhangsan') => checkPassword(pw, user).map((e) => e.code);

describe('password policy', () => {
  const cases: [string, string, string[]][] = [
    ['good: three classes', 'Shui#jiao9', []],
    ['good: lower, digit, symbol', 'qiu-tian-2026', []],
    ['good: 64-character passphrase', `${'Long passphrase with spaces 7 '.repeat(2)}abcd`, []],
    ['too short', 'Ab1!xyz', ['PASSWORD_TOO_SHORT']],
    ['only two classes', 'abcdefgh12', ['PASSWORD_TOO_SIMPLE']],
    ['one class and short', 'abc', ['PASSWORD_TOO_SHORT', 'PASSWORD_TOO_SIMPLE']],
    ['common', 'P@ssw0rd', ['PASSWORD_COMMON']],
    ['common, any case', 'ADMIN@123', ['PASSWORD_COMMON']],
    ['contains the username', 'Zhangsan#2026', ['PASSWORD_CONTAINS_USERNAME']],
    ['too long', `Aa1!${'x'.repeat(125)}`, ['PASSWORD_TOO_LONG']],
  ];
  for (const [name, pw, expected] of cases) {
    it(name, () => assert.deepEqual(codes(pw), expected));
  }

  it('points at the field it was given and explains in Chinese', () => {
    const [e] = checkPassword('short', 'u', '#/newPassword');
    assert.equal(e?.pointer, '#/newPassword');
    assert.equal(e?.detail, '密码至少 8 位');
  });
});
