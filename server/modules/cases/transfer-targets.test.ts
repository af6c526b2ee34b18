// GET /api/cases/:id lists transferTargets: the units the holder may send the case to now, the
// suggested one first; each one listed is accepted by the transfer action, nothing else is offered.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { engineUnderTest } from '../../../test/helpers.ts';
import { caseTestApp, idWithChecksum, type CaseTestApp, type Json } from './test-support.ts';

describe(`cases: transfer targets on the case page (${engineUnderTest})`, () => {
  let t: CaseTestApp;
  before(async () => {
    t = await caseTestApp();
  });
  after(() => t.close());

  const detail = async (id: string, who: string): Promise<Json> => {
    const r = await t.send('GET', `/api/cases/${id}`, who);
    assert.equal(r.statusCode, 200, r.body);
    return r.json();
  };
  const act = async (id: string, who: string, action: string, version: number, fields: Json = {}): Promise<number> => {
    const r = await t.send('POST', `/api/cases/${id}/${action}`, who, { version, ...fields });
    assert.equal(r.statusCode, 200, `${action} by ${who}: ${r.body}`);
    return r.json().case.version;
  };

  it('village room → its township desk only; township desk → 代转 the county desk; county desk → the handling room; suggested first', async () => {
    const villageRoom = await t.unitId('341125101001', '便民服务室');
    const townDesk = await t.unitId('341125101', '咨询受理部');
    const countyDesk = await t.unitId('341125', '综合受理窗口');
    const room = await t.unitId('341125', '残疾人联合会办理室');
    const created = await t.send('POST', '/api/cases', 'huanglong', {
      itemId: await t.itemId('T-CL-002V'), channel: 'proxy',
      applicant: { name: '张三', idNumber: idWithChecksum('34112519500101201'), phone: '13800001201' },
      proxy: { reason: '年老体弱', consent: true },
    });
    assert.equal(created.statusCode, 201, created.body);
    const id: string = created.json().case.id;
    let version: number = created.json().case.version;

    // Not accepted yet: no transfer, no targets (the field is there, empty).
    assert.deepEqual((await detail(id, 'huanglong')).transferTargets, []);
    version = await act(id, 'huanglong', 'accept', version);

    const atVillage = await detail(id, 'huanglong');
    assert.ok(atVillage.allowedActions.some((a: Json) => a.action === 'transfer'));
    assert.deepEqual(atVillage.transferTargets.map((u: Json) => u.id), [townDesk]);
    assert.equal(atVillage.transferTargets[0].name, '大汉山镇咨询受理部');
    assert.equal(atVillage.suggestedTransfer.id, townDesk);
    // Someone who may not transfer it sees no targets.
    assert.deepEqual((await detail(id, 'zhuren')).transferTargets, []);
    version = await act(id, 'huanglong', 'transfer', version);
    assert.deepEqual((await detail(id, 'huanglong')).transferTargets, [], 'in transfer: nothing to pick');

    version = await act(id, 'dhs_shouli_1', 'receive', version);
    const atTown = await detail(id, 'dhs_shouli_1');
    assert.equal(atTown.transferTargets[0].id, countyDesk, 'the stage is handled at the county: 代转 first');
    assert.ok(atTown.transferTargets.every((u: Json) => u.id !== townDesk && u.id !== villageRoom && u.kind !== 'village_room'));
    version = await act(id, 'dhs_shouli_1', 'transfer', version, { to: atTown.transferTargets.at(-1).id });

    version = await act(id, 'shouli', 'receive', version);
    const atCounty = await detail(id, 'shouli');
    assert.equal(atCounty.transferTargets[0].id, room);
    assert.equal(atCounty.suggestedTransfer.id, room);
    assert.ok(atCounty.transferTargets.every((u: Json) => u.orgName === '示范县' && u.id !== countyDesk));
    // Every target offered is one the server accepts.
    await act(id, 'shouli', 'transfer', version, { to: atCounty.transferTargets.at(-1).id });
  });
});
