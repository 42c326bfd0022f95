import type { ApiErrorBody } from '@shotmatrix/contracts';

/** The API said no: its message (and every problem) is what the user sees. */
export class ApiRefusal extends Error {
  constructor(
    readonly status: number,
    readonly body: ApiErrorBody,
  ) {
    super(body.message);
  }
}

/** Nothing answered at the API's address. */
export class ApiUnreachable extends Error {}

export interface ApiClient {
  request<T>(method: string, path: string, opts?: { body?: string; type?: string; headers?: Record<string, string> }): Promise<T>;
  text(path: string): Promise<string>;
  /** The session cookie the last sign-in set, if any (only `login` uses it, to ask for a token). */
  lastSession(): string | null;
}

/** The CLI's one side effect on the network: HTTP to the Shotmatrix API. */
export function createApiClient(api: string, token: string | null = null): ApiClient {
  const base = api.replace(/\/+$/, '');
  const auth: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
  let session: string | null = null;
  const send = async (method: string, path: string, opts: { body?: string; type?: string; headers?: Record<string, string> } = {}) => {
    let res: Response;
    try {
      res = await fetch(`${base}${path}`, {
        method,
        headers: { accept: 'application/json', ...auth, ...(opts.type ? { 'content-type': opts.type } : {}), ...opts.headers },
        body: opts.body,
      });
    } catch {
      throw new ApiUnreachable(`cannot reach the Shotmatrix API at ${base} (is \`npm start\` running?)`);
    }
    const set = res.headers.get('set-cookie');
    if (set?.startsWith('smx_session=')) session = set.split(';')[0];
    if (!res.ok) {
      const text = await res.text();
      let body: ApiErrorBody;
      try {
        body = JSON.parse(text) as ApiErrorBody;
      } catch {
        body = { statusCode: res.status, code: `HTTP_${res.status}`, message: text.slice(0, 300) || res.statusText };
      }
      throw new ApiRefusal(res.status, body);
    }
    return res;
  };
  return {
    async request<T>(method: string, path: string, opts = {}) {
      return (await (await send(method, path, opts)).json()) as T;
    },
    async text(path: string) {
      return (await send('GET', path)).text();
    },
    lastSession: () => session,
  };
}
