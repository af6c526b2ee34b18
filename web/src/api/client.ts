// One way to call the API: same-origin fetch, JSON in and out, and every failure as a ProblemError
// carrying the server's Chinese `detail` and its field errors (RFC 9457 problem+json).
import { translate } from '../i18n/index.ts';
import { restorePrefs } from '../prefs/prefs.ts';

export interface FieldProblem {
  pointer: string;
  code: string;
  detail: string;
}

export class ProblemError extends Error {
  constructor(
    readonly status: number,
    readonly detail: string,
    readonly errors: FieldProblem[] = [],
    readonly code?: string,
  ) {
    super(detail);
  }
}

type UnauthorizedListener = (problem: ProblemError) => void;
let onUnauthorized: UnauthorizedListener | null = null;

/** The staff app learns here when a session ends under it (idle, expired, account disabled). */
export function setUnauthorizedListener(listener: UnauthorizedListener | null): void {
  onUnauthorized = listener;
}

async function toProblem(res: Response): Promise<ProblemError> {
  const type = res.headers.get('content-type') ?? '';
  if (type.includes('json')) {
    try {
      const body = (await res.json()) as { detail?: string; errors?: FieldProblem[]; code?: string };
      if (typeof body.detail === 'string') return new ProblemError(res.status, body.detail, body.errors ?? [], body.code);
    } catch {
      // fall through to the generic message
    }
  }
  return new ProblemError(res.status, translate('error.http', { status: res.status }));
}

export interface RequestOptions {
  /** A 401 here is an answer, not a lost session (the sign-in form, the "who am I" probe). */
  quiet401?: boolean;
  signal?: AbortSignal;
  /** Extra request headers, e.g. `Idempotency-Key` on a case action. */
  headers?: Record<string, string>;
}

async function send(method: string, url: string, body: BodyInit | undefined, headers: Record<string, string>, options: RequestOptions): Promise<Response> {
  let res: Response;
  try {
    res = await fetch(url, { method, body, headers: { accept: 'application/json', ...headers }, credentials: 'same-origin', signal: options.signal });
  } catch (err) {
    if ((err as Error).name === 'AbortError') throw err;
    throw new ProblemError(0, translate('error.network'));
  }
  restorePrefs();
  if (!res.ok) {
    const problem = await toProblem(res);
    if (res.status === 401 && !options.quiet401) onUnauthorized?.(problem);
    throw problem;
  }
  return res;
}

export async function api<T>(method: string, url: string, body?: unknown, options: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...options.headers };
  const res = await send(method, url, body === undefined ? undefined : JSON.stringify(body), headers, options);
  if (res.status === 204) return undefined as T;
  return (await res.json()) as T;
}

export const get = <T>(url: string, options?: RequestOptions) => api<T>('GET', url, undefined, options);
export const post = <T>(url: string, body?: unknown, options?: RequestOptions) => api<T>('POST', url, body ?? {}, options);

/** Downloads a file the API sends as an attachment (Excel exports), saves it under the server's name and returns that name. */
export async function download(url: string, fallbackName: string): Promise<string> {
  const res = await send('GET', url, undefined, { accept: '*/*' }, {});
  const disposition = res.headers.get('content-disposition') ?? '';
  const star = /filename\*=UTF-8''([^;]+)/i.exec(disposition)?.[1];
  const plain = /filename="?([^";]+)"?/i.exec(disposition)?.[1];
  const name = star ? decodeURIComponent(star) : plain ?? fallbackName;
  const blob = await res.blob();
  const href = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = href;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(href), 10_000);
  return name;
}

/** Uploads a file as the raw request body, with progress (fetch has none); resolves with the JSON answer. */
export function upload<T>(url: string, file: File, contentType: string, onProgress: (percent: number) => void): Promise<T> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', url);
    xhr.setRequestHeader('accept', 'application/json');
    xhr.setRequestHeader('content-type', contentType);
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable) onProgress(Math.round((e.loaded / e.total) * 100));
    };
    xhr.onerror = () => reject(new ProblemError(0, translate('error.network')));
    xhr.onload = () => {
      restorePrefs();
      const body = parseJson(xhr.responseText) as { detail?: string; errors?: FieldProblem[]; code?: string } | null;
      if (xhr.status >= 200 && xhr.status < 300) return resolve(body as T);
      const problem = typeof body?.detail === 'string'
        ? new ProblemError(xhr.status, body.detail, body.errors ?? [], body.code)
        : new ProblemError(xhr.status, translate('error.http', { status: xhr.status }));
      if (xhr.status === 401) onUnauthorized?.(problem);
      reject(problem);
    };
    xhr.send(file);
  });
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

export function problemDetail(err: unknown): string {
  if (err instanceof ProblemError) return err.detail;
  return translate('error.unexpected');
}
