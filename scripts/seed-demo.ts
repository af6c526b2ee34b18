// npm run seed:demo — loads the demo network and accounts (idempotent).
import { seedDemo } from '../server/seed/demo.ts';
import { configOrExit, openOrExit } from '../server/startup.ts';

const config = configOrExit();
const handle = await openOrExit(config);
const added = await seedDemo({ db: handle.db, engine: handle.engine, config, now: () => new Date() });
const n = added.network;
console.log(`演示数据：新增机构 ${added.orgs} 个，新增账号 ${added.users + n.users} 个，部门 ${n.departments} 个，`
  + `受理办理单位 ${n.units} 个，窗口 ${n.windows} 个，工作牌 ${n.profiles} 个，值班安排 ${n.rotaDays} 天，服务事项 ${added.items} 项（已存在的不重复创建）`);
await handle.close();
