// Printable notices (HTML with print CSS, A4): 受理通知书, 一次性告知书, 不予受理通知书, 办结通知书.
// Official layout: the issuing center, the title, a 文号-like line, the applicant addressed by name,
// the facts table (case number, lookup code, masked ID and phone, item, dates, time limit, owner),
// the body, the rights of review and litigation on every refusal, the seal placeholder, the date and
// the center's address and phone. Every interpolated value is escaped; there is no script at all,
// and the one inline <style> is allowed by the CSP (style-src 'unsafe-inline').
import { shanghaiDate } from '../../domain/calendar.ts';
import { CHANNELS, DELIVERY_METHODS, REFUSAL_GROUNDS, type Channel } from '../../domain/case-lifecycle.ts';
import { parseCaseNumber } from '../../domain/case-number.ts';
import type { NoticeContext, NoticeKind } from './service.ts';

export const NOTICE_TITLES: Record<NoticeKind, string> = {
  acceptance: '受理通知书',
  materials: '一次性告知书',
  refusal: '不予受理通知书',
  result: '办结通知书',
};

const DOC_MARKS: Record<NoticeKind, string> = { acceptance: '受', materials: '补', refusal: '不受', result: '结' };

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes text for HTML element content and quoted attribute values. */
export function esc(value: unknown): string {
  return String(value ?? '').replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

/** 2026年3月2日, in Asia/Shanghai. */
export function chineseDate(at: string | null | undefined): string {
  if (!at) return '—';
  const [y, m, d] = shanghaiDate(at).split('-');
  return `${Number(y)}年${Number(m)}月${Number(d)}日`;
}

/** A 文号-like line from the case number: 黄龙村便民受〔2026〕0007号. */
export function docNumber(orgName: string, number: string, kind: NoticeKind): string {
  const parts = parseCaseNumber(number);
  const year = parts ? parts.date.slice(0, 4) : '';
  const seq = parts ? String(parts.sequence).padStart(4, '0') : number;
  return `${orgName}便民${DOC_MARKS[kind]}〔${year}〕${seq}号`;
}

const STYLE = `
@page { size: A4; margin: 25mm 22mm 20mm; }
* { box-sizing: border-box; }
body { margin: 0 auto; max-width: 170mm; padding: 12mm 0; color: #000; background: #fff;
  font-family: "FangSong", "仿宋", "STFangsong", "SimSun", "Songti SC", "Noto Serif CJK SC", "WenQuanYi Zen Hei", serif;
  font-size: 15pt; line-height: 1.8; }
header { text-align: center; margin-bottom: 6mm; }
.issuer { font-size: 13pt; letter-spacing: .1em; }
h1 { font-family: "SimHei", "黑体", "Heiti SC", "Noto Sans CJK SC", "WenQuanYi Zen Hei", sans-serif;
  font-size: 22pt; letter-spacing: .4em; margin: 2mm 0; }
.docno { font-size: 12pt; }
.rule { border: 0; border-top: 2px solid #c00; margin: 3mm 0 6mm; }
p { margin: 0 0 3mm; text-indent: 2em; }
p.to { text-indent: 0; }
table.facts { width: 100%; border-collapse: collapse; font-size: 12pt; margin: 4mm 0 6mm; }
table.facts th, table.facts td { border: 1px solid #000; padding: 1.5mm 3mm; text-align: left; vertical-align: top; }
table.facts th { width: 28mm; white-space: nowrap; font-weight: normal; background: #f4f4f4; }
ol.missing { margin: 0 0 4mm 2em; padding-left: 1.5em; }
.rights { font-size: 13pt; }
footer { margin-top: 14mm; display: flex; justify-content: flex-end; align-items: center; gap: 6mm; }
.seal { width: 40mm; height: 40mm; border: 1.5mm double #c00; border-radius: 50%; color: #c00;
  display: flex; align-items: center; justify-content: center; font-size: 11pt; text-align: center; }
.sign { text-align: right; }
.contact { margin-top: 10mm; border-top: 1px solid #999; padding-top: 2mm; font-size: 11pt; text-indent: 0; }
.screen-only { font-family: sans-serif; font-size: 11pt; background: #fffbe6; border: 1px solid #f0c36d; padding: 2mm 4mm; text-indent: 0; }
@media print { .screen-only { display: none; } body { padding: 0; } th { background: none !important; } }
`;

function factsTable(n: NoticeContext): string {
  const { row, snapshot } = n;
  const rows: [string, string][] = [
    ['办件编号', row.number],
    ['查询码', row.lookup_code],
    ['申请人', row.applicant_name],
    ['身份证号', row.applicant_id_masked],
    ['联系电话', row.applicant_phone_masked ?? '—'],
    ['申请事项', `${n.item.name}（${n.item.code}）`],
    ['申请渠道', CHANNELS[row.channel as Channel] ?? row.channel],
    ['申请日期', chineseDate(row.submitted_at)],
  ];
  if (snapshot.proxy) rows.push(['代办', `代办原因：${snapshot.proxy.reason}；群众已签字同意代办`]);
  if (n.kind === 'acceptance' || n.kind === 'result') {
    rows.push(['受理日期', chineseDate(snapshot.clock.acceptedAt)]);
    rows.push(['承诺时限', snapshot.item.committedLimitDays === 0 ? '即办件（当场办结）' : `${snapshot.item.committedLimitDays}个工作日`]);
    if (row.due_at) rows.push(['办结期限', `${chineseDate(row.due_at)}前`]);
  }
  if (n.kind === 'result' && snapshot.decision) rows.push(['决定日期', chineseDate(snapshot.decision.at)]);
  rows.push(['首问负责人', n.ownerName ?? '—']);
  return `<table class="facts"><tbody>${rows.map(([k, v]) => `<tr><th scope="row">${esc(k)}</th><td>${esc(v)}</td></tr>`).join('')}</tbody></table>`;
}

function rights(n: NoticeContext): string {
  return `<p class="rights">如不服本决定，可以自收到本通知书之日起六十日内向${esc(n.reviewBody)}或者上一级主管部门申请行政复议，`
    + '也可以自收到本通知书之日起六个月内依法向人民法院提起行政诉讼。</p>';
}

function body(n: NoticeContext): string {
  const { row, snapshot } = n;
  const applied = `你于${esc(chineseDate(row.submitted_at))}提出的“${esc(n.item.name)}”申请`;
  switch (n.kind) {
    case 'acceptance': {
      const limit = snapshot.item.committedLimitDays === 0
        ? '本事项为即办件，当场办结。'
        : `本事项承诺在${esc(snapshot.item.committedLimitDays)}个工作日内办结，预计办结期限为${esc(chineseDate(row.due_at))}`
          + '（依法需要听证、检验、检测、鉴定、专家评审、现场勘察等特别程序的，所需时间不计算在内，届时另行书面告知）。';
      return `<p>${applied}，申请材料齐全、符合法定形式，根据《中华人民共和国行政许可法》第三十二条的规定，决定予以受理。${limit}</p>`
        + '<p>本件实行首问负责制和全程代办制，首问负责人对本件负责到底。你可以凭办件编号和查询码（或登记手机号后四位）随时查询办理进度。</p>';
    }
    case 'materials': {
      const notice = snapshot.materialsNotice!;
      return `<p>${applied}，经审查，申请材料不齐全或者不符合法定形式。根据《中华人民共和国行政许可法》第三十二条的规定，现将需要补齐补正的全部内容一次性告知如下：</p>`
        + `<ol class="missing">${notice.missing.map((m) => `<li>${esc(m)}</li>`).join('')}</ol>`
        + '<p>请按上述要求补齐补正后提交，不再另行要求其他材料。补齐补正材料之日为受理之日，承诺时限自受理之日起计算。</p>';
    }
    case 'refusal': {
      const ending = snapshot.ending!;
      const ground = ending.ground ? REFUSAL_GROUNDS[ending.ground] : '不符合受理条件';
      const refer = ending.referTo ? `<p>本事项请向${esc(ending.referTo)}提出申请。</p>` : '';
      return `<p>${applied}，经审查，${esc(ground)}。根据《中华人民共和国行政许可法》第三十二条的规定，决定不予受理。</p>`
        + `<p>不予受理的理由：${esc(ending.reason)}</p>${refer}${rights(n)}`;
    }
    case 'result': {
      const decision = snapshot.decision!;
      const by = n.decidingUnitName ? `经${esc(n.decidingUnitName)}审查，` : '经审查，';
      const delivered = snapshot.delivery
        ? `<p>办理结果已于${esc(chineseDate(snapshot.delivery.at))}以“${esc(DELIVERY_METHODS[snapshot.delivery.method])}”方式送达。</p>` : '';
      if (decision.outcome === 'approved') {
        return `<p>${applied}，${by}符合法定条件、标准，决定准予办理，现予办结。</p>${delivered}`;
      }
      return `<p>${applied}，${by}不符合法定条件、标准，决定不予许可（不予办理）。</p>`
        + `<p>理由：${esc(decision.reason)}</p>${delivered}${rights(n)}`;
    }
  }
}

/** The notice as a whole HTML document. */
export function renderNotice(n: NoticeContext): string {
  const title = NOTICE_TITLES[n.kind];
  const issuer = `${n.accepting.orgName}${n.accepting.unitName}`;
  const contact = [`地址：${n.accepting.address ?? '—'}`, `电话：${n.accepting.phone ?? '—'}`].join('　');
  return `<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)} ${esc(n.row.number)}</title>
<style>${STYLE}</style>
</head>
<body>
<p class="screen-only">请使用浏览器的“打印”功能（Ctrl+P）打印本通知书，加盖印章后交申请人。</p>
<header>
<div class="issuer">${esc(issuer)}</div>
<h1>${esc(title)}</h1>
<div class="docno">${esc(docNumber(n.accepting.orgName, n.row.number, n.kind))}</div>
</header>
<hr class="rule">
<p class="to">${esc(n.row.applicant_name)}：</p>
${body(n)}
${factsTable(n)}
<footer>
<div class="seal">（印章）</div>
<div class="sign">${esc(issuer)}<br>${esc(chineseDate(n.issuedAt))}</div>
</footer>
<p class="contact">${esc(contact)}</p>
</body>
</html>
`;
}
