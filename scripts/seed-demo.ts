// npm run seed:demo — loads the demo network and accounts (idempotent).
import { seedDemo } from '../server/seed/demo.ts';
import { configOrExit, openOrExit } from '../server/startup.ts';

const config = configOrExit();
const handle = await openOrExit(config);
const added = await seedDemo({ db: handle.db, engine: handle.engine, config, now: () => new Date() });
console.log(`演示数据：新增机构 ${added.orgs} 个，新增账号 ${added.users} 个（已存在的不重复创建）`);
await handle.close();
