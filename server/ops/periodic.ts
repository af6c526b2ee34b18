// Background work inside the server process (the supervision sweep, the notification outbox, the
// statistics rollup, the Idempotency-Key purge): each runs on its own timer, one run at a time.

/**
 * Runs `task` every `seconds` (and once straight away when `immediately`), never two runs at once; a
 * failed run is reported to `onError` and the next tick tries again. The timer does not keep the
 * process alive. Returns a function that stops it.
 */
export function runPeriodically(
  seconds: number, task: () => Promise<void>, onError: (err: unknown) => void, opts: { immediately?: boolean } = {},
): () => void {
  let running = false;
  let stopped = false;
  const tick = async () => {
    if (running || stopped) return;
    running = true;
    try {
      await task();
    } catch (err) {
      onError(err);
    } finally {
      running = false;
    }
  };
  const timer = setInterval(() => void tick(), seconds * 1000);
  timer.unref();
  if (opts.immediately) void tick();
  return () => {
    stopped = true;
    clearInterval(timer);
  };
}
