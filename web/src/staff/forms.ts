// Puts a problem's field errors next to the fields its pointers name (`#/roles/0/role` → the role
// select of the first row); the caller shows the problem's detail above the form as well.
import type { FormInstance } from 'antd';
import { ProblemError, problemDetail } from '../api/client.ts';

export function namePathOf(pointer: string): (string | number)[] {
  const parts = pointer.replace(/^#\/?/, '').split('/').filter(Boolean);
  if (parts[0] === 'body' || parts[0] === 'query' || parts[0] === 'params') parts.shift();
  return parts.map((p) => (/^\d+$/.test(p) ? Number(p) : p.replace(/~1/g, '/').replace(/~0/g, '~')));
}

/** `aliases` maps a pointer's field to the form's (the API's startsAt and endsAt are one range picker). */
export function showProblemOnForm(form: FormInstance, err: unknown, fieldNames: readonly string[], aliases: Record<string, string> = {}): string {
  if (!(err instanceof ProblemError)) return problemDetail(err);
  const byField = new Map<string, { name: (string | number)[]; errors: string[] }>();
  for (const e of err.errors) {
    let name = namePathOf(e.pointer);
    if (typeof name[0] === 'string' && aliases[name[0]]) name = [aliases[name[0]]!];
    if (typeof name[0] !== 'string' || !fieldNames.includes(name[0])) continue;
    const key = JSON.stringify(name);
    const entry = byField.get(key) ?? { name, errors: [] };
    entry.errors.push(e.detail);
    byField.set(key, entry);
  }
  form.setFields([...byField.values()]);
  return err.detail;
}
