// The public list of service centers (no sign-in): every org with an active acceptance or handling unit
// — the county center, township centers, village service rooms — with what a citizen needs to get
// there: code, name, level, parent, address, opening hours, office phone. No staff data at all.
import Type from 'typebox';
import type { AppContext } from '../../context.ts';
import type { OrgLevel } from '../../db/schema.ts';
import { ORG_LEVEL_LABELS } from '../../domain/org-tree.ts';
import { NotFound } from '../../errors.ts';
import { withProblems } from '../../http/problem.ts';
import type { App } from '../../http/types.ts';

/** Per address, a minute (http/public-rate-limit.ts): generous for a phone scrolling the list, low enough to stop scraping loops. */
export const PUBLIC_ORGS_LIMIT = { max: 60, windowSeconds: 60 };

const CenterView = Type.Object({
  code: Type.String({ description: '机构代码（公开栏地址 /portal/centers/<代码>）' }),
  name: Type.String(),
  level: Type.Unsafe<OrgLevel>({ type: 'string', enum: ['province', 'city', 'county', 'township', 'village'] }),
  levelLabel: Type.String(),
  kind: Type.Unsafe<'center' | 'village_room'>({ type: 'string', enum: ['center', 'village_room'], description: 'center=政务（便民）服务中心，village_room=村便民服务室' }),
  parentCode: Type.Union([Type.String(), Type.Null()]),
  parentName: Type.Union([Type.String(), Type.Null()]),
  address: Type.Union([Type.String(), Type.Null()]),
  openingHours: Type.Union([Type.String(), Type.Null()]),
  phone: Type.Union([Type.String(), Type.Null()], { description: '办公电话' }),
  boardUrl: Type.String({ description: '公开栏（在岗人员、值班表）' }),
});

const ListQuery = Type.Object({
  under: Type.Optional(Type.String({ minLength: 1, maxLength: 32, pattern: '^[0-9A-Za-z_-]+$', description: '只列出该机构（代码）及其下级' })),
}, { additionalProperties: false });

export async function listPublicCenters(ctx: AppContext, under?: string) {
  let q = ctx.db.selectFrom('orgs')
    .leftJoin('orgs as parent', 'parent.id', 'orgs.parent_id')
    .select([
      'orgs.id', 'orgs.code', 'orgs.name', 'orgs.level', 'orgs.path', 'orgs.address', 'orgs.opening_hours', 'orgs.phone',
      'parent.code as parent_code', 'parent.name as parent_name',
    ])
    .where((eb) => eb.exists(eb.selectFrom('units').select('units.id').whereRef('units.org_id', '=', 'orgs.id').where('units.active', '=', 1)));
  if (under) {
    const root = await ctx.db.selectFrom('orgs').select(['path']).where('code', '=', under).executeTakeFirst();
    if (!root) throw new NotFound(`没有代码为 ${under} 的机构，请核对代码`);
    q = q.where('orgs.path', 'like', `${root.path}%`);
  }
  const rows = await q.orderBy('orgs.path').execute();
  const villages = new Set(
    (await ctx.db.selectFrom('units').select('org_id').distinct().where('kind', '=', 'village_room').where('active', '=', 1).execute()).map((r) => r.org_id),
  );
  return rows.map((r) => ({
    code: r.code, name: r.name, level: r.level, levelLabel: ORG_LEVEL_LABELS[r.level],
    kind: villages.has(r.id) ? 'village_room' as const : 'center' as const,
    parentCode: r.parent_code, parentName: r.parent_name,
    address: r.address, openingHours: r.opening_hours, phone: r.phone,
    boardUrl: `/portal/centers/${encodeURIComponent(r.code)}`,
  }));
}

export function registerPublicOrgsRoute(app: App, ctx: AppContext): void {
  app.get('/api/public/orgs', {
    config: { public: true, rateLimit: { family: 'public-orgs', max: PUBLIC_ORGS_LIMIT.max } },
    schema: {
      tags: ['public'], summary: '服务中心列表（无需登录）：县政务服务中心、乡镇便民服务中心、村便民服务室的地址、办公时间、电话',
      querystring: ListQuery, security: [],
      response: withProblems({ 200: Type.Object({ items: Type.Array(CenterView) }) }),
    },
  }, async (request, reply) => {
    const items = await listPublicCenters(ctx, request.query.under);
    reply.header('Cache-Control', 'public, max-age=300');
    return { items };
  });
}
