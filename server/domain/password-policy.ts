// 等保 2.0 §8.1.4.1a: length and complexity; ASVS: long passphrases allowed, common ones refused.
import type { FieldError } from '../errors.ts';

export const PASSWORD_MIN = 8;
export const PASSWORD_MAX = 128;

// The most common choices seen in breaches and in Chinese office systems; matched case-insensitively.
const BLOCKLIST = new Set([
  'password1!', 'password@1', 'p@ssw0rd', 'p@ssw0rd1', 'p@ssword1', 'passw0rd!', 'admin@123', 'admin123!',
  'admin@1234', 'abc@1234', 'abc123!@#', 'qwer1234!', 'qwe123!@#', 'qwerty123!', 'aa123456!', 'a123456!',
  'a1234567!', 'aa@123456', 'root@123', 'test@123', 'welcome1!', 'huawei@123', 'zaq1@wsx', '1qaz@wsx',
  '1qaz2wsx!', 'zxcvbnm1!', 'asdf1234!', 'china@123', 'bianmin@123', 'bianmin123!', 'woaini1314!',
]);

/** Returns every reason the password is refused (empty when it is acceptable). */
export function checkPassword(password: string, username: string, pointer = '#/password'): FieldError[] {
  const errors: FieldError[] = [];
  const add = (code: string, detail: string) => errors.push({ pointer, code, detail });
  if (password.length < PASSWORD_MIN) add('PASSWORD_TOO_SHORT', `密码至少 ${PASSWORD_MIN} 位`);
  if (password.length > PASSWORD_MAX) add('PASSWORD_TOO_LONG', `密码最多 ${PASSWORD_MAX} 位`);
  const classes = [/[a-z]/, /[A-Z]/, /[0-9]/, /[^a-zA-Z0-9]/].filter((re) => re.test(password)).length;
  if (classes < 3) add('PASSWORD_TOO_SIMPLE', '密码须包含大写字母、小写字母、数字、符号中的至少三类');
  const lower = password.toLowerCase();
  if (BLOCKLIST.has(lower)) add('PASSWORD_COMMON', '该密码过于常见，请换一个不易猜到的密码');
  if (username && username.length >= 3 && lower.includes(username.toLowerCase())) {
    add('PASSWORD_CONTAINS_USERNAME', '密码不能包含用户名');
  }
  return errors;
}
