// The real server as a child process, for tests and benchmarks that kill it or load it: server/main.ts
// compiled once with esbuild (the compiler tsx uses on the fly) into one file beside a node_modules
// link, so each (re)start pays only for loading the app (~1.5 s), not for compiling it again.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export interface ServerBundle {
  file: string;
  remove: () => void;
}

/** server/main.ts (or another entry) as one ES module; dependencies stay imports, resolved through a link to the repository's node_modules. */
export async function bundleServer(entry = path.join(ROOT, 'server', 'main.ts')): Promise<ServerBundle> {
  const dir = mkdtempSync(path.join(tmpdir(), 'bianmin-server-'));
  symlinkSync(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
  const file = path.join(dir, 'main.mjs');
  await build({
    entryPoints: [entry], bundle: true, platform: 'node', format: 'esm',
    packages: 'external', target: 'node20', outfile: file, logLevel: 'warning',
  });
  return { file, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export interface ServerProcess {
  url: string;
  child: ChildProcess;
  /** Everything it printed, for failure messages. */
  output: () => string;
  /** SIGKILL, and wait until it is gone. */
  kill: () => Promise<void>;
  /** SIGTERM (graceful), SIGKILL after 5 s. */
  stop: () => Promise<void>;
}

/** Starts the bundled server on 127.0.0.1 (PORT, or a random one); resolves once it listens. */
export async function startServerProcess(
  bundle: ServerBundle, env: Record<string, string | undefined>, timeoutMs = 60_000, nodeArgs: string[] = [],
): Promise<ServerProcess> {
  const fullEnv: NodeJS.ProcessEnv = { ...process.env, NODE_ENV: 'development', HOST: '127.0.0.1', PORT: '0', LOG_LEVEL: 'info', ...env };
  for (const [k, v] of Object.entries(fullEnv)) if (v === undefined) delete fullEnv[k];
  const child = spawn(process.execPath, [...nodeArgs, bundle.file], { cwd: ROOT, env: fullEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start within ${timeoutMs} ms:\n${out}`)), timeoutMs);
    const onData = (chunk: Buffer) => {
      // Keep the start and the last part only: a long run logs every request.
      out = out.length > 200_000 ? out.slice(0, 20_000) + '\n…\n' + out.slice(-100_000) + chunk.toString() : out + chunk.toString();
      const m = /已启动：(https?:\/\/[\d.]+:\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    // Below info the start line is not logged: on a fixed port, ask /readyz instead.
    const port = Number(fullEnv.PORT);
    if (port > 0) {
      const poll = async () => {
        for (;;) {
          if (child.exitCode !== null || child.signalCode !== null) return;
          const ready = await fetch(`http://127.0.0.1:${port}/readyz`).then((r) => r.status === 200, () => false);
          if (ready) break;
          await new Promise((r) => setTimeout(r, 50));
        }
        clearTimeout(timer);
        resolve(`http://127.0.0.1:${port}`);
      };
      void poll();
    }
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`server exited (${code ?? signal}) before listening:\n${out}`));
    });
  });
  // The listeners stay: reading the pipes to the end keeps a full pipe from blocking the server.
  return {
    url, child,
    output: () => out,
    kill: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
        await exited;
        clearTimeout(timer);
      }
    },
  };
}

/** A signed-in client of a running server: the session cookie, JSON in and out. */
export async function signIn(url: string, username: string, password: string): Promise<string> {
  const res = await fetch(`${url}/api/auth/login`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password }),
  });
  if (res.status !== 200) throw new Error(`login ${username}: ${res.status} ${await res.text()}`);
  return (res.headers.get('set-cookie') ?? '').split(';')[0]!;
}
