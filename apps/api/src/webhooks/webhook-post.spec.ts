import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { guardedLookup, postWebhook, resolvedAddressProblem } from './webhook-post';

describe('postWebhook', () => {
  let server: Server;
  let port: number;
  const hits: string[] = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      hits.push(req.url ?? '');
      if (req.url === '/moved') res.writeHead(301, { location: '/ok' }).end();
      else if (req.url === '/big') res.writeHead(503).end('x'.repeat(100_000));
      else res.writeHead(200).end('fine');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));
  beforeEach(() => (hits.length = 0));

  const opts = { timeoutMs: 2000, allowPrivateAddresses: true };

  it('posts the body and reports the status', async () => {
    expect(await postWebhook(`http://127.0.0.1:${port}/ok`, '{}', { 'content-type': 'application/json' }, opts)).toEqual({ status: 200, excerpt: 'fine' });
  });

  it('reports a redirect as an answer without following it', async () => {
    expect((await postWebhook(`http://127.0.0.1:${port}/moved`, '{}', {}, opts)).status).toBe(301);
    expect(hits).toEqual(['/moved']);
  });

  it('keeps only the start of a long answer', async () => {
    const answer = await postWebhook(`http://127.0.0.1:${port}/big`, '{}', {}, opts);
    expect(answer.status).toBe(503);
    expect(answer.excerpt).toHaveLength(300);
  });

  it('refuses a name that resolves to a private address when connecting (DNS rebinding), before sending anything', async () => {
    await expect(postWebhook(`http://localhost:${port}/ok`, '{}', {}, { ...opts, allowPrivateAddresses: false })).rejects.toThrow(
      /^localhost resolves to (127\.0\.0\.1|::1), which is a loopback address; webhooks may only call public addresses/,
    );
    expect(hits).toEqual([]);
    expect((await postWebhook(`http://localhost:${port}/ok`, '{}', {}, opts)).status).toBe(200);
  });

  it('says when nobody listens', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const free = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    await expect(postWebhook(`http://127.0.0.1:${free}/`, '{}', {}, opts)).rejects.toThrow('the receiver refused the connection');
  });
});

describe('guardedLookup', () => {
  it('answers in the shape the caller asked for', async () => {
    const lookup = guardedLookup(true);
    const one = await new Promise<[string, number | undefined]>((resolve, reject) =>
      lookup('localhost', { family: 4 }, (err, address, family) => (err ? reject(err) : resolve([address as string, family]))),
    );
    expect(one).toEqual(['127.0.0.1', 4]);
    const all = await new Promise<unknown>((resolve, reject) => lookup('localhost', { family: 4, all: true }, (err, addresses) => (err ? reject(err) : resolve(addresses))));
    expect(all).toEqual([{ address: '127.0.0.1', family: 4 }]);
  });
});

describe('resolvedAddressProblem', () => {
  it('names what a host resolves to when that is private', async () => {
    expect(await resolvedAddressProblem('localhost')).toMatch(/^localhost resolves to (127\.0\.0\.1|::1), which is a loopback address/);
  });
});
