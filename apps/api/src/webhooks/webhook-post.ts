import { lookup as dnsLookup, promises as dns, type LookupAddress } from 'node:dns';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import { addressProblem } from './webhook-url';

/** How much of a receiver's answer we keep, to show an admin why it refused. */
const ANSWER_KEPT = 300;

export interface WebhookAnswer {
  status: number;
  /** The start of the answer's body, for the delivery log. */
  excerpt: string;
}

/**
 * Resolves names for the sender and refuses private answers when they are not
 * allowed. It runs inside the connect, so the address checked is the address
 * dialled: a name that answered public to a first lookup and private to the
 * next (DNS rebinding) is still refused.
 */
export function guardedLookup(allowPrivateAddresses: boolean): LookupFunction {
  return (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (err, addresses: LookupAddress[]) => {
      if (err) return callback(err, '', 0);
      if (!allowPrivateAddresses) {
        for (const a of addresses) {
          const problem = addressProblem(hostname, a.address);
          if (problem) return callback(Object.assign(new Error(problem), { code: 'EWEBHOOKPRIVATE' }), '', 0);
        }
      }
      if (!addresses.length) return callback(Object.assign(new Error(`${hostname} has no address`), { code: 'ENOTFOUND' }), '', 0);
      if (options.all) return callback(null, addresses);
      callback(null, addresses[0].address, addresses[0].family);
    });
  };
}

/**
 * What a name resolves to, checked when a hook is registered so an admin hears
 * at once that `hooks.corp` is on our network. A name that does not resolve
 * (yet) is let through: delivery checks again and says so in the log.
 */
export async function resolvedAddressProblem(hostname: string, timeoutMs = 2000): Promise<string | null> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<null>((resolve) => (timer = setTimeout(() => resolve(null), timeoutMs)));
  const check = dns
    .lookup(hostname, { all: true })
    .then((answers) => answers.map((a) => addressProblem(hostname, a.address)).find((p) => p !== null) ?? null)
    .catch(() => null);
  try {
    return await Promise.race([check, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * POSTs one webhook body and reports the receiver's status. Redirects are
 * not followed (a 3xx is an answer like any other), each attempt opens a
 * fresh connection (so every attempt resolves, and is checked, again), and
 * the whole exchange must finish within `timeoutMs`. Rejects with a sentence
 * for the delivery log when there is no answer.
 */
export function postWebhook(
  url: string,
  body: string,
  headers: Record<string, string>,
  opts: { timeoutMs: number; allowPrivateAddresses: boolean },
): Promise<WebhookAnswer> {
  return new Promise((resolve, reject) => {
    const target = new URL(url);
    const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
    const req = send(target, {
      method: 'POST',
      headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
      agent: false,
      lookup: guardedLookup(opts.allowPrivateAddresses),
    });
    const timer = setTimeout(() => req.destroy(new Error(`no answer within ${opts.timeoutMs / 1000} s`)), opts.timeoutMs);
    const fail = (e: Error) => {
      clearTimeout(timer);
      reject(new Error(describe(e)));
    };
    req.on('error', fail);
    req.on('response', (res: IncomingMessage) => {
      const chunks: Buffer[] = [];
      let kept = 0;
      const done = () => {
        clearTimeout(timer);
        resolve({ status: res.statusCode ?? 0, excerpt: Buffer.concat(chunks).toString('utf8').slice(0, ANSWER_KEPT) });
        res.destroy();
      };
      res.on('data', (c: Buffer) => {
        if (kept < ANSWER_KEPT) chunks.push(c);
        kept += c.length;
        // The status is what counts; a receiver streaming a large page need not be read to the end.
        if (kept >= ANSWER_KEPT) done();
      });
      res.on('end', done);
      res.on('error', fail);
    });
    req.end(body);
  });
}

function describe(e: Error & { code?: string }): string {
  switch (e.code) {
    case 'ECONNREFUSED':
      return 'the receiver refused the connection';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `the receiver's host name does not resolve (${e.code})`;
    case 'ECONNRESET':
      return 'the receiver closed the connection before answering';
    default:
      return e.message;
  }
}
