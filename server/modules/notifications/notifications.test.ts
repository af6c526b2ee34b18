import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { SMTPServer } from 'smtp-server';
import { engineUnderTest } from '../../../test/helpers.ts';
import { assertProblem, caseTestApp, idWithChecksum, type CaseTestApp, type Json, type Res } from '../cases/test-support.ts';
import { sweep } from '../supervision/sweep.ts';
import { configuredSenders, DELIVERY_HEADER, SIGNATURE_HEADER, signBody } from './channels.ts';
import { backoffMs, deliverDue } from './worker.ts';

const DAY = 86_400_000;
const SECRET = 'webhook-secret-0123456789';

describe(`notifications: inbox, contacts, webhook and SMTP from the outbox (${engineUnderTest})`, () => {
  let t: CaseTestApp;
  let http: Server;
  let smtp: SMTPServer;
  const hooks: { delivery: string; body: Json; signed: boolean }[] = [];
  const mails: { to: string; raw: string }[] = [];
  let failNext = 0;
  let serial = 0;

  before(async () => {
    t = await caseTestApp();
    http = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        if (failNext > 0) {
          failNext--;
          res.writeHead(500).end();
          return;
        }
        hooks.push({ delivery: String(req.headers[DELIVERY_HEADER]), body: JSON.parse(body), signed: req.headers[SIGNATURE_HEADER] === signBody(SECRET, body) });
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
      });
    });
    await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
    smtp = new SMTPServer({
      authOptional: true, disabledCommands: ['STARTTLS'], logger: false,
      onData(stream, session, done) {
        let raw = '';
        stream.on('data', (c) => (raw += c));
        stream.on('end', () => {
          mails.push({ to: session.envelope.rcptTo.map((r) => r.address).join(','), raw });
          done();
        });
      },
    });
    await new Promise<void>((r) => smtp.listen(0, '127.0.0.1', r));
    t.ctx.config = {
      ...t.ctx.config,
      notify: {
        workerSeconds: 0, maxAttempts: 3, retryBaseSeconds: 30,
        webhook: { url: `http://127.0.0.1:${(http.address() as AddressInfo).port}/sms`, secret: SECRET },
        smtp: { host: '127.0.0.1', port: (smtp.server.address() as AddressInfo).port, secure: false, user: null, password: null, from: '电子监察 <jiancha@example.gov.cn>' },
      },
    };
  });
  after(async () => {
    await t.close();
    http.close();
    await new Promise<void>((r) => smtp.close(() => r()));
  });

  const put = async (user: string, payload: unknown): Promise<Res> =>
    t.app.inject({ method: 'PUT', url: '/api/notifications/contacts', headers: { cookie: await t.as(user) }, payload: payload as object }) as unknown as Promise<Res>;

  async function overdueCase(): Promise<string> {
    serial++;
    const res = await t.send('POST', '/api/cases', 'huanglong', {
      itemId: await t.itemId('341125-SF-001'), channel: 'village_room',
      applicant: { name: '赵六', idNumber: idWithChecksum(`34112519800101${String(200 + serial).slice(-3)}`) },
    });
    assert.equal(res.statusCode, 201, res.body);
    const c = res.json().case;
    const ok = await t.send('POST', `/api/cases/${c.id}/accept`, 'huanglong', { version: c.version });
    assert.equal(ok.statusCode, 200, ok.body);
    t.clock.advance(40 * DAY);
    await sweep(t.ctx);
    return c.id;
  }

  it('contacts: one\'s own e-mail and mobile, checked, sealed and shown masked; audited', async () => {
    assertProblem(await put('huanglong', { email: 'not-an-address', mobile: '12345' }), 422, [
      { pointer: '#/email', code: 'FORMAT' }, { pointer: '#/mobile', code: 'MOBILE_FORMAT' },
    ]);
    const ok = await put('huanglong', { email: 'huang@example.gov.cn', mobile: '13912345678' });
    assert.equal(ok.statusCode, 200, ok.body);
    assert.deepEqual(ok.json(), { email: 'h***@example.gov.cn', mobile: '139****5678' });
    const rows = await t.ctx.db.selectFrom('notification_contacts').selectAll().execute();
    assert.equal(rows.length, 2);
    for (const r of rows) assert.ok(!r.address_sealed.includes('13912345678') && !r.address_sealed.includes('huang@'));
    const audit = await t.ctx.db.selectFrom('audit_log').select('detail').where('action', '=', 'notification.contacts').execute();
    assert.equal(audit.length, 1);
    assert.ok(!audit[0]!.detail.includes('13912345678'));
  });

  let caseId: string;
  it('a signal writes one outbox row per channel and recipient; the worker sends each once, retrying with back-off', async () => {
    failNext = 1;
    caseId = await overdueCase();
    const signals = await t.ctx.db.selectFrom('signals').select(['id', 'head_user_id']).where('case_id', '=', caseId).execute();
    assert.equal(signals.length, 2);
    const outbox = await t.ctx.db.selectFrom('notification_outbox').selectAll().where('signal_id', 'in', signals.map((s) => s.id)).execute();
    assert.deepEqual(outbox.map((o) => o.channel).sort(), ['smtp', 'smtp', 'webhook', 'webhook']);
    const senders = configuredSenders(t.ctx.config.notify);
    const first = await deliverDue(t.ctx, senders);
    assert.deepEqual(first, { claimed: 4, sent: 3, retried: 1, failed: 0 });
    const retrying = await t.ctx.db.selectFrom('notification_outbox').selectAll().where('sent_at', 'is', null).where('signal_id', 'in', signals.map((s) => s.id)).execute();
    assert.equal(retrying.length, 1);
    assert.equal(retrying[0]!.attempts, 1);
    assert.equal(Date.parse(retrying[0]!.next_attempt_at), t.clock.now().getTime() + backoffMs(30, 1));
    assert.match(retrying[0]!.last_error!, /HTTP 500/);
    assert.deepEqual(await deliverDue(t.ctx, senders), { claimed: 0, sent: 0, retried: 0, failed: 0 }, 'not before its time');
    t.clock.advance(31_000);
    assert.deepEqual(await deliverDue(t.ctx, senders), { claimed: 1, sent: 1, retried: 0, failed: 0 });
    assert.deepEqual(await deliverDue(t.ctx, senders), { claimed: 0, sent: 0, retried: 0, failed: 0 }, 'never twice');
    for (const s of senders.values()) s.close?.();

    assert.equal(hooks.length, 2);
    assert.deepEqual(new Set(hooks.map((h) => h.delivery)).size, 2);
    for (const h of hooks) {
      assert.ok(h.signed, 'HMAC signature verifies');
      assert.equal(h.body.mobile, '13912345678', 'the gateway gets the mobile number, unsealed only to send');
      assert.equal(h.body.caseNumber.length > 0, true);
      assert.match(h.body.title, /【(红牌|黄牌)】/);
    }
    assert.equal(mails.length, 2);
    assert.ok(mails.every((m) => m.to === 'huang@example.gov.cn'));
    assert.ok(mails.some((m) => m.raw.includes('X-Bianmin-Delivery')));
  });

  it('gives up after the last attempt and says why', async () => {
    failNext = 1000;
    const id = await overdueCase();
    const senders = new Map([...configuredSenders(t.ctx.config.notify)].filter(([k]) => k === 'webhook'));
    for (let i = 0; i < 3; i++) {
      await deliverDue(t.ctx, senders);
      t.clock.advance(3_600_000);
    }
    const rows = await t.ctx.db.selectFrom('notification_outbox').innerJoin('signals', 'signals.id', 'notification_outbox.signal_id')
      .select(['attempts', 'failed_at', 'sent_at', 'last_error']).where('signals.case_id', '=', id).where('channel', '=', 'webhook').execute();
    assert.equal(rows.length, 2);
    for (const r of rows) assert.deepEqual([r.attempts, r.failed_at !== null, r.sent_at], [3, true, null]);
    failNext = 0;
  });

  it('the inbox: newest first, unread count, mark one and all read; only one\'s own', async () => {
    const list = await t.send('GET', '/api/notifications', 'huanglong');
    assert.equal(list.statusCode, 200, list.body);
    const body = list.json();
    assert.equal(body.total, 4);
    assert.equal(body.unread, 4);
    assert.ok(body.items[0].createdAt >= body.items[3].createdAt);
    assert.match(body.items[0].title, /办件/);
    const count = await t.send('GET', '/api/notifications/unread-count', 'huanglong');
    assert.deepEqual(count.json(), { unread: 4 });
    assertProblem(await t.send('POST', `/api/notifications/${body.items[0].id}/read`, 'shouli'), 404);
    const read = await t.send('POST', `/api/notifications/${body.items[0].id}/read`, 'huanglong');
    assert.equal(read.statusCode, 200, read.body);
    assert.ok(read.json().readAt);
    assert.equal((await t.send('GET', '/api/notifications?unread=true', 'huanglong')).json().total, 3);
    const all = await t.send('POST', '/api/notifications/read-all', 'huanglong');
    assert.deepEqual(all.json(), { marked: 3 });
    assert.deepEqual((await t.send('GET', '/api/notifications/unread-count', 'huanglong')).json(), { unread: 0 });
    assert.equal((await t.send('GET', '/api/notifications', 'shouli')).json().total, 0);
    const contacts = await t.send('GET', '/api/notifications/contacts', 'huanglong');
    assert.deepEqual(contacts.json(), { email: 'h***@example.gov.cn', mobile: '139****5678' });
  });
});
