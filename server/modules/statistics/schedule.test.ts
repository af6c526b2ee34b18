import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { engineUnderTest, testApp, type TestApp } from '../../../test/helpers.ts';

describe(`statistics: the rollup runs on its own in the server process when configured (${engineUnderTest})`, () => {
  let t: TestApp;
  before(async () => {
    t = await testApp({ config: { statisticsRollupSeconds: 1, statisticsLookbackDays: 2 } });
  });
  after(async () => {
    await t.close();
  });

  it('recomputes today and yesterday every interval, and stops when the app closes', async () => {
    const days = () => t.ctx.db.selectFrom('stat_rollup_days').select(['day', 'final']).orderBy('day').execute();
    const deadline = Date.now() + 10_000;
    while ((await days()).length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    // The test clock stands at Monday 2 March 2026, 09:00 in Shanghai: yesterday is final, today is not.
    assert.deepEqual(await days(), [{ day: '2026-03-01', final: 1 }, { day: '2026-03-02', final: 0 }]);
  });
});
