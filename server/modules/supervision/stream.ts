// The live feed for the supervision big screen (Server-Sent Events, GET /api/supervision/stream):
// `summary` on connect and every SUMMARY_MS, `signal` for each new signal in the viewer's scope, a
// comment line as heartbeat. One poller per process reads signals raised since it last looked (by any
// process: the database is the only shared state), only while someone is watching.
import type { FastifyReply } from 'fastify';
import type { Actor as SessionActor, AppContext, RequestMeta } from '../../context.ts';
import type { SignalTable } from '../../db/schema.ts';
import { grantCovers, ROLE_DEFINITIONS } from '../../domain/roles.ts';
import { presentSignal, presentSummary } from './presenter.ts';
import { summary } from './service.ts';
import { onSignalsRaised } from './sweep.ts';

export const POLL_MS = 2_000;
export const SUMMARY_MS = 15_000;
const HEARTBEAT_MS = 20_000;
/** Signals committed a little after a later-stamped one are still found: look back this far, skip those already sent. */
const OVERLAP_MS = 10_000;

interface Client {
  actor: SessionActor;
  reply: FastifyReply;
  orgPath: string | null;
  /** Signals raised before this (less the overlap) are in the summary the viewer got on connect. */
  joinedAt: string;
}

const mayRead = (actor: SessionActor, path: string) =>
  actor.roles.some((g) => ROLE_DEFINITIONS[g.role].permissions.includes('supervision.read') && grantCovers(g, path));

export function createStream(ctx: AppContext, log: { error: (m: string) => void }) {
  const clients = new Set<Client>();
  let timer: NodeJS.Timeout | null = null;
  let since = ctx.now().toISOString();
  const seen = new Map<string, number>();
  let polling = false;

  const send = (c: Client, event: string, data: unknown) => {
    c.reply.raw.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
  };

  async function poll() {
    if (polling || clients.size === 0) return;
    polling = true;
    try {
      const from = new Date(Date.parse(since) - OVERLAP_MS).toISOString();
      const rows: SignalTable[] = await ctx.db.selectFrom('signals').selectAll().where('raised_at', '>=', from).orderBy('raised_at').limit(500).execute();
      const nowMs = Date.now();
      for (const s of rows) {
        if (seen.has(s.id)) continue;
        seen.set(s.id, nowMs);
        if (s.raised_at > since) since = s.raised_at;
        for (const c of clients) {
          if (s.raised_at < c.joinedAt) continue;
          if (mayRead(c.actor, s.org_path) && (!c.orgPath || s.org_path.startsWith(c.orgPath))) send(c, 'signal', presentSignal(s));
        }
      }
      for (const [id, t] of seen) if (nowMs - t > OVERLAP_MS * 6) seen.delete(id);
    } catch (err) {
      log.error(`监察大屏推送读取信号失败：${(err as Error).message}`);
    } finally {
      polling = false;
    }
  }

  const stopAnnounce = onSignalsRaised(() => void poll());

  function ensureTimer() {
    if (timer || clients.size === 0) return;
    timer = setInterval(() => void poll(), POLL_MS);
    timer.unref();
  }

  return {
    async open(meta: RequestMeta & { actor: SessionActor }, reply: FastifyReply, orgId: string | undefined, orgPath: string | null) {
      const first = presentSummary(await summary(ctx, meta, orgId));
      reply.hijack();
      reply.raw.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', connection: 'keep-alive', 'x-accel-buffering': 'no',
      });
      const joined = ctx.now().getTime();
      // Nobody was watching: start from now, not from where the last viewer left off.
      if (clients.size === 0) {
        since = new Date(joined).toISOString();
        seen.clear();
      }
      const client: Client = { actor: meta.actor, reply, orgPath, joinedAt: new Date(joined - OVERLAP_MS).toISOString() };
      reply.raw.write('retry: 5000\n\n');
      send(client, 'summary', first);
      clients.add(client);
      ensureTimer();
      const summaryTimer = setInterval(() => {
        summary(ctx, meta, orgId).then((s) => send(client, 'summary', presentSummary(s)), (err) => log.error(`监察大屏汇总失败：${(err as Error).message}`));
      }, SUMMARY_MS);
      const beat = setInterval(() => reply.raw.write(': ping\n\n'), HEARTBEAT_MS);
      reply.raw.on('close', () => {
        clients.delete(client);
        clearInterval(summaryTimer);
        clearInterval(beat);
        if (clients.size === 0 && timer) {
          clearInterval(timer);
          timer = null;
        }
      });
    },
    close() {
      stopAnnounce();
      if (timer) clearInterval(timer);
      for (const c of clients) c.reply.raw.end();
      clients.clear();
    },
  };
}
