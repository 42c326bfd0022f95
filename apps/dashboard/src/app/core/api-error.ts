/**
 * Turns whatever an API call failed with into one sentence a producer can act on.
 * Kept free of Angular imports so it can be tested as plain TypeScript.
 */

/** The parts of Angular's HttpErrorResponse this needs (structural, so tests can pass plain objects). */
export interface HttpFailure {
  status: number;
  statusText?: string;
  url?: string | null;
  error?: unknown;
}

function isHttpFailure(err: unknown): err is HttpFailure {
  return typeof err === 'object' && err !== null && typeof (err as { status?: unknown }).status === 'number';
}

function messageFromBody(body: unknown): string | null {
  if (typeof body === 'string') {
    const text = body.trim();
    if (text.startsWith('{')) {
      try {
        return messageFromBody(JSON.parse(text));
      } catch {
        return null;
      }
    }
    return null;
  }
  if (typeof body === 'object' && body !== null && 'message' in body) {
    const message = (body as { message: unknown }).message;
    if (typeof message === 'string' && message.trim()) return message;
    // Some framework errors carry a list of messages.
    if (Array.isArray(message) && message.every((m) => typeof m === 'string') && message.length) {
      return message.join('; ');
    }
  }
  return null;
}

function bodyObject(body: unknown): Record<string, unknown> | null {
  if (typeof body === 'string') {
    const text = body.trim();
    if (!text.startsWith('{')) return null;
    try {
      return bodyObject(JSON.parse(text));
    } catch {
      return null;
    }
  }
  return typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : null;
}

function path(url: string | null | undefined): string {
  if (!url) return '';
  try {
    return new URL(url, 'http://local').pathname;
  } catch {
    return url;
  }
}

export function describeApiError(err: unknown): string {
  if (isHttpFailure(err)) {
    const where = path(err.url);
    // Status 0 means no answer at all: whatever `error` holds is the browser's, not the API's.
    const fromApi = err.status === 0 ? null : messageFromBody(err.error);
    if (fromApi) return fromApi;
    if (err.status === 0) {
      return `Cannot reach the Shotmatrix API${where ? ` (${where})` : ''}. Check that the API is running and try again.`;
    }
    const status = `${err.status}${err.statusText && err.statusText !== 'OK' ? ` ${err.statusText}` : ''}`;
    return `The Shotmatrix API answered ${status}${where ? ` for ${where}` : ''}. Check that the API is running and try again.`;
  }
  if (err instanceof Error && err.message) return err.message;
  return 'Something went wrong. Try again.';
}

/** An API failure taken apart: the sentence to show, every validation problem, and what the page may act on. */
export interface ApiProblem {
  message: string;
  /** All problems the API found (validation), beyond the first one the message names. */
  problems: string[];
  /** The API's error code (e.g. VERSION_CONFLICT), when it sent one. */
  code: string | null;
  status: number | null;
}

export function describeApiProblem(err: unknown): ApiProblem {
  const message = describeApiError(err);
  if (!isHttpFailure(err) || err.status === 0) return { message, problems: [], code: null, status: isHttpFailure(err) ? err.status : null };
  const body = bodyObject(err.error);
  const code = typeof body?.['code'] === 'string' ? body['code'] : null;
  const raw = body?.['problems'];
  const problems = Array.isArray(raw) ? raw.filter((p): p is string => typeof p === 'string' && p.trim() !== '') : [];
  // The API's message is its first problem: a lone one adds nothing, several are listed whole.
  if (problems.length === 1 && problems[0] === message) return { message, problems: [], code, status: err.status };
  const headline = problems.length > 1 && problems[0] === message ? `The Shotmatrix API found ${problems.length} problems:` : message;
  return { message: headline, problems, code, status: err.status };
}

/** Someone else saved the campaign first: the edit was refused rather than overwriting theirs. */
export function isVersionConflict(problem: ApiProblem): boolean {
  return problem.status === 409 && (problem.code === 'VERSION_CONFLICT' || problem.code === null);
}
