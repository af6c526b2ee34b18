// Every error leaves as RFC 9457 problem+json with a Chinese detail and a pointer per bad field.
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import Type from 'typebox';
import { AppError, type FieldError } from '../errors.ts';

export const Problem = Type.Object(
  {
    type: Type.String(),
    title: Type.String(),
    status: Type.Integer(),
    detail: Type.String(),
    instance: Type.Optional(Type.String()),
    requestId: Type.Optional(Type.String()),
    code: Type.Optional(Type.String()),
    errors: Type.Array(Type.Object({ pointer: Type.String(), code: Type.String(), detail: Type.String() })),
  },
  { $id: 'Problem', description: 'RFC 9457 problem details; detail is Chinese and says what to fix' },
);

/** Adds the problem shape to a route's responses, so OpenAPI documents errors too. */
export function withProblems<T extends Record<number, unknown>>(responses: T) {
  return { ...responses, '4xx': Type.Ref('Problem'), '5xx': Type.Ref('Problem') };
}

const TITLES: Record<number, string> = {
  400: '请求格式有误', 401: '需要登录', 403: '无权操作', 404: '未找到', 405: '方法不允许', 406: '无法提供该格式',
  409: '操作冲突', 413: '请求内容过大', 415: '不支持的内容类型', 422: '输入内容有误', 423: '账号已锁定',
  429: '请求过于频繁', 500: '服务器内部错误', 503: '服务暂不可用',
};

const SLUGS: Record<number, string> = {
  400: 'bad-request', 401: 'unauthorized', 403: 'forbidden', 404: 'not-found', 405: 'method-not-allowed',
  406: 'not-acceptable', 409: 'conflict', 413: 'payload-too-large', 415: 'unsupported-media-type',
  422: 'validation', 423: 'account-locked', 429: 'rate-limited', 500: 'internal', 503: 'unavailable',
};

// Fastify's own 4xx errors, in words a user can act on.
const FASTIFY_DETAILS: Record<string, string> = {
  FST_ERR_CTP_BODY_TOO_LARGE: '提交的内容过大，请精简后重试（上限 1 MB）',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: '不支持的内容类型，请以 application/json 提交',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: '请求长度与内容不符，请重新提交',
  FST_ERR_CTP_EMPTY_JSON_BODY: '请求体为空：声明了 JSON 内容类型就必须提交 JSON 内容',
  FST_ERR_CTP_INVALID_JSON_BODY: '请求体不是合法的 JSON，请检查引号、逗号和括号',
  FST_ERR_CTP_EMPTY_TYPE: '缺少内容类型，请设置 Content-Type: application/json',
  FST_ERR_CTP_INVALID_TYPE: '内容类型无效，请设置 Content-Type: application/json',
};

const TYPE_NAMES: Record<string, string> = {
  string: '文本', integer: '整数', number: '数字', boolean: '是/否（true 或 false）', object: '对象', array: '列表', null: '空值',
};

interface AjvError {
  keyword: string;
  instancePath: string;
  params: Record<string, unknown>;
  message?: string;
}

function contextPrefix(context: string | undefined): string {
  if (!context || context === 'body') return '#';
  if (context === 'querystring') return '#/query';
  return `#/${context}`;
}

/** Turns one schema error into a pointer, a stable code and a Chinese sentence. */
export function describeSchemaError(e: AjvError, context?: string): FieldError {
  let pointer = contextPrefix(context) + e.instancePath;
  const p = e.params;
  switch (e.keyword) {
    case 'required':
      pointer += `/${String(p.missingProperty)}`;
      return { pointer, code: 'REQUIRED', detail: `缺少必填项 ${String(p.missingProperty)}` };
    case 'additionalProperties':
      pointer += `/${String(p.additionalProperty)}`;
      return { pointer, code: 'UNKNOWN_FIELD', detail: `不认识的字段 ${String(p.additionalProperty)}，请删除该字段` };
    case 'type':
      return { pointer, code: 'WRONG_TYPE', detail: `应为${String(p.type).split(',').map((t) => TYPE_NAMES[t] ?? t).join('或')}` };
    case 'maxLength':
      return { pointer, code: 'TOO_LONG', detail: `最多 ${String(p.limit)} 个字符，请缩短` };
    case 'minLength':
      return p.limit === 1
        ? { pointer, code: 'REQUIRED', detail: '不能为空' }
        : { pointer, code: 'TOO_SHORT', detail: `至少 ${String(p.limit)} 个字符` };
    case 'maxItems':
      return { pointer, code: 'TOO_MANY', detail: `最多 ${String(p.limit)} 项` };
    case 'minItems':
      return { pointer, code: 'TOO_FEW', detail: `至少 ${String(p.limit)} 项` };
    case 'minimum':
      return { pointer, code: 'TOO_SMALL', detail: `不能小于 ${String(p.limit)}` };
    case 'maximum':
      return { pointer, code: 'TOO_LARGE', detail: `不能大于 ${String(p.limit)}` };
    case 'enum':
      return { pointer, code: 'NOT_ALLOWED', detail: `取值无效，可选：${(p.allowedValues as unknown[]).join('、')}` };
    case 'const':
      return { pointer, code: 'NOT_ALLOWED', detail: `取值无效，应为 ${String(p.allowedValue)}` };
    case 'format':
      return { pointer, code: 'FORMAT', detail: `格式不正确（应为 ${String(p.format)} 格式）` };
    case 'pattern':
      return { pointer, code: 'FORMAT', detail: '格式不正确' };
    default:
      return { pointer, code: 'INVALID', detail: '取值无效' };
  }
}

export function sendProblem(
  request: FastifyRequest,
  reply: FastifyReply,
  status: number,
  detail: string,
  options: { errors?: FieldError[]; slug?: string; title?: string; code?: string } = {},
) {
  return reply
    .code(status)
    .type('application/problem+json; charset=utf-8')
    .send({
      type: `/problems/${options.slug ?? SLUGS[status] ?? 'error'}`,
      title: options.title ?? TITLES[status] ?? '请求失败',
      status,
      detail,
      instance: request.url.split('?')[0],
      requestId: request.id,
      ...(options.code ? { code: options.code } : {}),
      errors: options.errors ?? [],
    });
}

export function registerProblemHandlers(app: FastifyInstance): void {
  app.addSchema(Problem);

  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error instanceof AppError) {
      const retry = (error as { retryAfterSeconds?: number }).retryAfterSeconds;
      if (retry !== undefined) reply.header('Retry-After', String(Math.max(1, Math.ceil(retry))));
      return sendProblem(request, reply, error.status, error.detail, {
        errors: error.errors,
        slug: error.type,
        title: error.title,
        code: (error as { code?: string }).code,
      });
    }
    if (error.validation) {
      const errors = error.validation.map((e) => describeSchemaError(e as AjvError, error.validationContext));
      const first = errors[0];
      const detail = errors.length === 1 && first
        ? `${first.pointer.replace(/^#\/?/, '') || '请求'}：${first.detail}`
        : `共有 ${errors.length} 处输入有误，请逐项修改后重新提交`;
      return sendProblem(request, reply, 400, detail, { errors, slug: 'validation', title: '输入内容有误' });
    }
    const status = error.statusCode ?? 500;
    if (status >= 400 && status < 500) {
      const detail = FASTIFY_DETAILS[error.code] ?? fallbackDetail(status);
      return sendProblem(request, reply, status, detail);
    }
    request.log.error({ err: error }, 'unhandled error');
    return sendProblem(request, reply, 500, `服务器内部错误，请稍后重试；如果一直出现，请把请求编号 ${request.id} 告诉管理员`);
  });

  app.setNotFoundHandler((request, reply) =>
    sendProblem(request, reply, 404, `没有这个地址：${request.method} ${request.url.split('?')[0]}，请检查链接是否正确`),
  );
}

function fallbackDetail(status: number): string {
  if (status === 400) return '请求格式有误，请检查后重新提交';
  if (status === 405) return '该地址不支持这种请求方法';
  if (status === 406) return '无法提供所请求的内容格式，请接受 application/json';
  if (status === 413) return '提交的内容过大，请精简后重试';
  if (status === 415) return '不支持的内容类型，请以 application/json 提交';
  return '请求无法处理，请检查后重试';
}
