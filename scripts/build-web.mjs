// Builds the web app (web/ → web/dist) with Vite, precompresses its assets (.gz, .br) for
// @fastify/static, and prints the portal's initial JS size. Runs on `npm install` (postinstall) and
// before `npm start` (prestart) with --if-stale, so a new user never runs an extra command.
//   node scripts/build-web.mjs            build now
//   node scripts/build-web.mjs --if-stale build only when web/dist is missing or older than its sources
import { closeSync, existsSync, openSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const web = path.join(root, 'web');
const dist = path.join(web, 'dist');
const stamp = path.join(dist, '.build-stamp');
// What the bundle is made of: the app, and the shared pure modules it imports from the server.
const SOURCES = [path.join(web, 'src'), path.join(web, 'public'), path.join(web, 'index.html'), path.join(web, 'vite.config.ts'),
  path.join(root, 'server', 'domain'), path.join(root, 'package-lock.json')];

function newestMtime(p) {
  if (!existsSync(p)) return 0;
  const st = statSync(p);
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = st.mtimeMs;
  for (const name of readdirSync(p)) newest = Math.max(newest, newestMtime(path.join(p, name)));
  return newest;
}

export function isStale() {
  if (!existsSync(stamp) || !existsSync(path.join(dist, 'index.html'))) return true;
  return Math.max(...SOURCES.map(newestMtime)) > statSync(stamp).mtimeMs;
}

function precompress(dir) {
  let n = 0;
  for (const name of readdirSync(dir)) {
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) { n += precompress(p); continue; }
    if (!/\.(js|css|html|svg|json)$/.test(name) || statSync(p).size < 1024) continue;
    const data = readFileSync(p);
    writeFileSync(`${p}.gz`, gzipSync(data, { level: 9 }));
    writeFileSync(`${p}.br`, brotliCompressSync(data, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }));
    n++;
  }
  return n;
}

export async function buildWeb() {
  const started = Date.now();
  // Always a production bundle, even when started from a test run (NODE_ENV=test would give React's
  // development build, three times larger).
  process.env.NODE_ENV = 'production';
  const { build } = await import('vite');
  await build({ configFile: path.join(web, 'vite.config.ts'), logLevel: 'warn' });
  const compressed = precompress(path.join(dist, 'assets'));
  writeFileSync(stamp, new Date().toISOString() + '\n');
  const { measurePortal } = await import('./measure-portal.mjs');
  const m = measurePortal();
  console.log(`网页已构建 (web app built) in ${((Date.now() - started) / 1000).toFixed(1)} s → web/dist, ${compressed} files precompressed`);
  console.log(`portal initial JS: ${m.portalInitialJsGzipBytes} bytes gzip (${m.files.length} files), CSS ${m.portalInitialCssGzipBytes} bytes gzip`);
  if (m.leaked.length) throw new Error(`the portal's initial JS pulls in antd or ECharts:\n${m.leaked.slice(0, 10).join('\n')}`);
}

const lockFile = path.join(web, '.build-lock');

/** One build at a time (parallel test files, or `npm start` while tests run): wait for the other one. */
async function withBuildLock(fn) {
  const deadline = Date.now() + 180_000;
  for (;;) {
    try {
      closeSync(openSync(lockFile, 'wx'));
      break;
    } catch {
      // A lock older than 3 minutes was left by a killed build.
      if (existsSync(lockFile) && Date.now() - statSync(lockFile).mtimeMs > 180_000) rmSync(lockFile, { force: true });
      if (Date.now() > deadline) throw new Error(`another build holds ${lockFile}`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  try {
    return await fn();
  } finally {
    rmSync(lockFile, { force: true });
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const ifStale = process.argv.includes('--if-stale');
  try {
    await withBuildLock(async () => {
      if (ifStale && !isStale()) console.log('网页已是最新 (web app up to date: web/dist)');
      else await buildWeb();
    });
  } catch (err) {
    console.error(`网页构建失败 (web build failed): ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  }
}
