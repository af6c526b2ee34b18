// The printable batch manifest (报送清单 / 回送清单): HTML with print CSS, A4 landscape. Sender and
// receiver, the batch number, sent at and by, one line per case (number, item, applicant's masked
// name, materials and their count, what happened at sign-for), totals, and signature lines for the
// sender and the receiver. Every interpolated value is escaped; no script; one inline <style>.
import { CASE_STATE_LABELS } from '../../domain/case-lifecycle.ts';
import { chineseDate, esc } from '../cases/notices.ts';
import { maskName } from '../../../shared/validators/mask.ts';
import { BATCH_CASE_STATUS_LABELS, BATCH_STATE_LABELS, type BatchDetail } from './service.ts';

const TITLES = { outgoing: '村便民服务室定期报送清单', return: '乡镇便民服务中心办结件回送清单' } as const;

/** 2026年11月25日 14:05 (Asia/Shanghai). */
export function chineseMoment(at: string | null): string {
  if (!at) return '—';
  const hm = new Date(Date.parse(at) + 8 * 3_600_000).toISOString().slice(11, 16);
  return `${chineseDate(at)} ${hm}`;
}

const STYLE = `
@page { size: A4 landscape; margin: 15mm 15mm 15mm; }
* { box-sizing: border-box; }
body { margin: 0 auto; max-width: 267mm; padding: 8mm 0; color: #000; background: #fff;
  font-family: "SimSun", "宋体", "Songti SC", "Noto Serif CJK SC", "WenQuanYi Zen Hei", serif; font-size: 11pt; line-height: 1.5; }
h1 { font-family: "SimHei", "黑体", "Heiti SC", "Noto Sans CJK SC", "WenQuanYi Zen Hei", sans-serif;
  text-align: center; font-size: 18pt; letter-spacing: .2em; margin: 0 0 2mm; }
.number { text-align: center; margin-bottom: 4mm; }
dl.facts { display: grid; grid-template-columns: repeat(3, auto 1fr); gap: 1mm 3mm; margin: 0 0 4mm; }
dl.facts dt { font-weight: bold; white-space: nowrap; }
dl.facts dd { margin: 0; }
table.cases { width: 100%; border-collapse: collapse; }
table.cases th, table.cases td { border: 1px solid #000; padding: 1mm 2mm; text-align: left; vertical-align: top; }
table.cases th { background: #f0f0f0; white-space: nowrap; }
table.cases td.n { text-align: center; white-space: nowrap; }
table.cases tr.missing td { background: #fff3cd; }
table.cases tfoot td { font-weight: bold; }
tr { page-break-inside: avoid; }
.note { margin: 3mm 0; }
.signatures { display: flex; justify-content: space-between; margin-top: 12mm; }
.signatures div { width: 30%; }
.screen-only { font-family: sans-serif; background: #fffbe6; border: 1px solid #f0c36d; padding: 2mm 4mm; }
@media print { .screen-only { display: none; } body { padding: 0; } th { background: none !important; } tr.missing td { background: none !important; } }
`;

export function renderManifest(d: BatchDetail & { printedAt: string }): string {
  const b = d.batch;
  const title = TITLES[b.kind];
  const village = d.orgs.get(b.village_org_id)?.name ?? '';
  const villageUnit = d.units.get(b.village_unit_id) ?? '';
  const deskUnit = d.units.get(b.desk_unit_id) ?? '';
  const [from, to] = b.kind === 'outgoing' ? [villageUnit, deskUnit] : [deskUnit, villageUnit];
  const name = (id: string | null) => (id ? d.names.get(id) ?? '' : '');
  const facts: [string, string][] = [
    ['发出单位', from], ['接收单位', to], ['批次状态', BATCH_STATE_LABELS[b.state]],
    ['建立时间', chineseMoment(b.created_at)], ['发出时间', chineseMoment(b.sent_at)], ['发出人', name(b.sent_by) || '—'],
    ['办件数', `${b.case_count} 件`], ['材料份数', `${b.materials_count} 份`], ['清点时间', chineseMoment(b.checked_at)],
  ];
  const lines = d.cases.map((c, i) => {
    const signed = c.status === 'missing'
      ? `缺件（${chineseMoment(c.flagged_at)}标记）`
      : c.signed_at ? `${BATCH_CASE_STATUS_LABELS[c.status]} ${chineseMoment(c.signed_at)} ${name(c.signed_by)}` : BATCH_CASE_STATUS_LABELS[c.status];
    const materials = JSON.parse(c.materials) as string[];
    return `<tr${c.status === 'missing' ? ' class="missing"' : ''}>`
      + `<td class="n">${i + 1}</td><td class="n">${esc(c.case_number)}</td><td>${esc(c.item_name)}</td><td class="n">${esc(maskName(c.applicant_name))}</td>`
      + `<td>${materials.length ? materials.map(esc).join('；') : '—'}</td><td class="n">${esc(c.materials_count)}</td>`
      + `<td>${esc(CASE_STATE_LABELS[c.case_state] ?? c.case_state)}</td><td>${esc(signed)}</td></tr>`;
  }).join('\n');
  const [senderRole, receiverRole] = b.kind === 'outgoing' ? ['报送人（村干部）', '签收人（咨询受理部）'] : ['回送人（咨询受理部）', '签收人（村干部）'];
  return `<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)} ${esc(b.number)}</title>
<style>${STYLE}</style>
</head>
<body>
<p class="screen-only">请使用浏览器的“打印”功能（Ctrl+P）打印本清单，随材料一并移交，双方签字后各留一份。</p>
<h1>${esc(village)}${esc(title)}</h1>
<div class="number">批次编号：${esc(b.number)}</div>
<dl class="facts">${facts.map(([k, v]) => `<dt>${esc(k)}</dt><dd>${esc(v)}</dd>`).join('')}</dl>
<table class="cases">
<thead><tr><th>序号</th><th>办件编号</th><th>申请事项</th><th>申请人</th><th>移交材料</th><th>份数</th><th>办件状态</th><th>签收情况</th></tr></thead>
<tbody>
${lines}
</tbody>
<tfoot><tr><td colspan="5">合计 ${esc(b.case_count)} 件</td><td class="n">${esc(b.materials_count)}</td><td colspan="2"></td></tr></tfoot>
</table>
${b.note ? `<p class="note">备注：${esc(b.note)}</p>` : ''}
<div class="signatures">
<div>${esc(senderRole)}：＿＿＿＿＿＿</div>
<div>${esc(receiverRole)}：＿＿＿＿＿＿</div>
<div>日期：${esc(chineseDate(d.printedAt))}</div>
</div>
</body>
</html>
`;
}
