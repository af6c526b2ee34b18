// Start: config → database → migrations → (demo data) → app → listen.
import { readFileSync } from 'node:fs';
import { buildApp } from './app.ts';
import { describeDatabase } from './config.ts';
import type { AppContext } from './context.ts';
import { secureCookies } from './http/session.ts';
import { seedDemo } from './seed/demo.ts';
import { configOrExit, fail, openOrExit } from './startup.ts';

async function main() {
  const config = configOrExit();
  const handle = await openOrExit(config);
  const ctx: AppContext = { db: handle.db, engine: handle.engine, config, now: () => new Date() };
  if (config.demoData) await seedDemo(ctx);

  const https = config.tls ? { cert: readFileSync(config.tls.certFile), key: readFileSync(config.tls.keyFile) } : null;
  const app = await buildApp(ctx, { https });
  if (!secureCookies(config)) {
    app.log.warn('ALLOW_INSECURE_HTTP=true：登录 Cookie 不带 Secure 标志，会话可在网络上被窃听。仅用于隔离的内网测试，正式使用请配置 TLS。 (sign-in cookies are sent without Secure over plain HTTP)');
  }
  const shutdown = async () => {
    await app.close();
    await handle.close();
    process.exit(0);
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
  try {
    await app.listen({ port: config.port, host: config.host });
  } catch (err) {
    fail(`无法监听 ${config.host}:${config.port}：${(err as Error).message}（端口被占用？可设置 PORT）`);
  }
  const url = `${config.tls ? 'https' : 'http'}://${config.host}:${(app.server.address() as { port: number }).port}`;
  app.log.info(`便民 bianmin 已启动：${url}  数据库：${describeDatabase(config.database)}  接口文档：${url}/api/docs`);
}

await main();
