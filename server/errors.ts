// Errors are values with a type; server/http/problem.ts turns each into RFC 9457 problem+json.

export interface FieldError {
  /** JSON pointer into the request, e.g. `#/body/username` (RFC 6901 after the `#`). */
  pointer: string;
  code: string;
  detail: string;
}

export abstract class AppError extends Error {
  abstract readonly status: number;
  /** Stable, documented problem type slug: `https://bianmin.dev/problems/<type>`. */
  abstract readonly type: string;
  abstract readonly title: string;
  constructor(readonly detail: string, readonly errors: FieldError[] = []) {
    super(detail);
  }
}

export class Invalid extends AppError {
  readonly status = 422;
  readonly type = 'validation';
  readonly title = '输入内容有误';
}

export class Unauthorized extends AppError {
  readonly status = 401;
  readonly type = 'unauthorized';
  readonly title = '需要登录';
  constructor(detail: string, readonly code = 'NOT_SIGNED_IN') {
    super(detail);
  }
}

export class Forbidden extends AppError {
  readonly status = 403;
  readonly type = 'forbidden';
  readonly title = '无权操作';
}

export class NotFound extends AppError {
  readonly status = 404;
  readonly type = 'not-found';
  readonly title = '未找到';
}

export class Conflict extends AppError {
  readonly status = 409;
  readonly type = 'conflict';
  readonly title = '操作冲突';
}

export class Locked extends AppError {
  readonly status = 423;
  readonly type = 'account-locked';
  readonly title = '账号已锁定';
  constructor(detail: string, readonly retryAfterSeconds: number) {
    super(detail);
  }
}

export class TooManyRequests extends AppError {
  readonly status = 429;
  readonly type = 'rate-limited';
  readonly title = '请求过于频繁';
  constructor(detail: string, readonly retryAfterSeconds: number) {
    super(detail);
  }
}

export class ServiceUnavailable extends AppError {
  readonly status = 503;
  readonly type = 'unavailable';
  readonly title = '服务暂不可用';
  constructor(detail: string, readonly retryAfterSeconds: number) {
    super(detail);
  }
}
