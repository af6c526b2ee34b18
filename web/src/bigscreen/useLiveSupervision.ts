// The big screen's live feed: an EventSource on GET /api/supervision/stream (`summary` on connect and
// every 15 s, `signal` for each new signal). The browser retries by itself after a drop; when the
// stream ends for good (an error answer) or goes quiet longer than the server's summary period allows,
// this opens a new one. Every new signal also refreshes the summary, so the chart follows at once.
import { useEffect, useRef, useState } from 'react';
import { fetchSummary, streamUrl, type Signal, type SupervisionSummary } from '../api/supervision.ts';

export type LinkState = 'connecting' | 'live' | 'reconnecting';

/** The server sends a summary every 15 s; silence for this long means the link is dead. */
const QUIET_MS = 40_000;
const RETRY_MS = [1_000, 2_000, 5_000, 10_000];
const NEWEST = 30;

export function useLiveSupervision(orgId: string | undefined) {
  const [summary, setSummary] = useState<SupervisionSummary | null>(null);
  const [signals, setSignals] = useState<Signal[]>([]);
  const [fresh, setFresh] = useState<Set<string>>(new Set());
  const [link, setLink] = useState<LinkState>('connecting');
  const [lastEventAt, setLastEventAt] = useState<Date | null>(null);
  const refreshTimer = useRef<ReturnType<typeof setTimeout> | null>(null);

  useEffect(() => {
    let es: EventSource | null = null;
    let stopped = false;
    let attempt = 0;
    let retry: ReturnType<typeof setTimeout> | null = null;
    let lastAt = Date.now();
    const openedAt = Date.now();
    const known = new Set<string>();

    const merge = (incoming: Signal[]) => setSignals((list) => {
      const seen = new Set(list.map((s) => s.id));
      const added = incoming.filter((s) => !seen.has(s.id));
      if (added.length === 0) return list;
      return [...added, ...list].sort((a, b) => b.raisedAt.localeCompare(a.raisedAt)).slice(0, NEWEST);
    });

    const refreshSummary = () => {
      if (refreshTimer.current) clearTimeout(refreshTimer.current);
      refreshTimer.current = setTimeout(() => {
        fetchSummary(orgId).then((s) => { if (!stopped) setSummary(s); }, () => undefined);
      }, 500);
    };

    const open = () => {
      if (stopped) return;
      es?.close();
      es = new EventSource(streamUrl(orgId), { withCredentials: true });
      es.onopen = () => {
        attempt = 0;
        lastAt = Date.now();
        setLink('live');
      };
      es.addEventListener('summary', (e) => {
        lastAt = Date.now();
        setLastEventAt(new Date());
        setLink('live');
        const s = JSON.parse((e as MessageEvent<string>).data) as SupervisionSummary;
        for (const x of s.newest) known.add(x.id);
        setSummary(s);
        merge(s.newest);
      });
      es.addEventListener('signal', (e) => {
        lastAt = Date.now();
        setLastEventAt(new Date());
        const s = JSON.parse((e as MessageEvent<string>).data) as Signal;
        merge([s]);
        // The server's poller may also replay signals raised shortly before this screen connected:
        // they join the list but only those raised since then flash as new.
        if (known.has(s.id) || Date.parse(s.raisedAt) < openedAt - 5_000) return;
        known.add(s.id);
        setFresh((f) => new Set(f).add(s.id));
        setTimeout(() => setFresh((f) => {
          const next = new Set(f);
          next.delete(s.id);
          return next;
        }), 8_000);
        refreshSummary();
      });
      es.onerror = () => {
        setLink('reconnecting');
        // CONNECTING: the browser retries on its own. CLOSED: it gave up (an error answer) — retry here.
        if (es?.readyState === EventSource.CLOSED) scheduleRetry();
      };
    };

    const scheduleRetry = () => {
      if (stopped || retry) return;
      const wait = RETRY_MS[Math.min(attempt, RETRY_MS.length - 1)]!;
      attempt++;
      retry = setTimeout(() => {
        retry = null;
        open();
      }, wait);
    };

    const watchdog = setInterval(() => {
      if (Date.now() - lastAt > QUIET_MS) {
        setLink('reconnecting');
        lastAt = Date.now();
        es?.close();
        scheduleRetry();
      }
    }, 5_000);

    open();
    return () => {
      stopped = true;
      clearInterval(watchdog);
      if (retry) clearTimeout(retry);
      if (refreshTimer.current) clearTimeout(refreshTimer.current);
      es?.close();
    };
  }, [orgId]);

  return { summary, signals, fresh, link, lastEventAt };
}
