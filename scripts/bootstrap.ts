// npm run bootstrap -- --org-code 341125 --org-name 示范县 --org-level county
// First production set-up: the root org, one system administrator and one auditor (kept apart: 三员分立).
// Passwords come from BIANMIN_ADMIN_PASSWORD and BIANMIN_AUDITOR_PASSWORD, never from the command line.
import { parseArgs } from 'node:util';
import { bootstrap } from '../server/seed/bootstrap.ts';
import { configOrExit, fail, openOrExit } from '../server/startup.ts';

const { values } = parseArgs({
  options: {
    'org-code': { type: 'string' },
    'org-name': { type: 'string' },
    'org-level': { type: 'string', default: 'county' },
    admin: { type: 'string', default: 'sysadmin' },
    auditor: { type: 'string', default: 'secaudit' },
  },
});

const config = configOrExit();
const handle = await openOrExit(config);
try {
  const result = await bootstrap(
    { db: handle.db, engine: handle.engine, config, now: () => new Date() },
    {
      orgCode: values['org-code'] ?? '', orgName: values['org-name'] ?? '', orgLevel: values['org-level'] ?? '',
      admin: { username: values.admin!, password: process.env.BIANMIN_ADMIN_PASSWORD ?? '' },
      auditor: { username: values.auditor!, password: process.env.BIANMIN_AUDITOR_PASSWORD ?? '' },
    },
  );
  console.log(`已创建根机构 ${result.org.name}（${result.org.code}）、系统管理员 ${values.admin}、审计员 ${values.auditor}`);
} catch (err) {
  fail((err as Error).message);
} finally {
  await handle.close();
}
