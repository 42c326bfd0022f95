import { isIPv4, isIPv6 } from 'node:net';

/**
 * Which webhook URLs we are willing to call. A webhook makes our servers send
 * requests to an address an admin typed: without these rules it reaches the
 * cloud metadata service, the database, or anything else on our network
 * (SSRF). Pure: the addresses a name resolves to are checked by the sender,
 * on the very answer it connects to (DNS rebinding).
 */

export type AddressKind = 'unspecified' | 'loopback' | 'private' | 'shared' | 'link-local' | 'unique-local' | 'multicast' | 'reserved';

const V4: Array<[string, number, AddressKind]> = [
  ['0.0.0.0', 8, 'unspecified'],
  ['10.0.0.0', 8, 'private'],
  ['100.64.0.0', 10, 'shared'],
  ['127.0.0.0', 8, 'loopback'],
  // Cloud metadata services (169.254.169.254) live here.
  ['169.254.0.0', 16, 'link-local'],
  ['172.16.0.0', 12, 'private'],
  ['192.0.0.0', 24, 'reserved'],
  ['192.0.2.0', 24, 'reserved'],
  ['192.168.0.0', 16, 'private'],
  ['198.18.0.0', 15, 'reserved'],
  ['198.51.100.0', 24, 'reserved'],
  ['203.0.113.0', 24, 'reserved'],
  ['224.0.0.0', 4, 'multicast'],
  ['240.0.0.0', 4, 'reserved'],
];

const v4Number = (ip: string) => ip.split('.').reduce((n, p) => n * 256 + Number(p), 0);

function v4Kind(ip: string): AddressKind | null {
  const n = v4Number(ip);
  for (const [start, bits, kind] of V4) {
    const size = 2 ** (32 - bits);
    const s = v4Number(start);
    if (n >= s && n < s + size) return kind;
  }
  return null;
}

/** `::ffff:7f00:1` → eight 16-bit groups; a trailing dotted quad counts as two. */
function v6Groups(ip: string): number[] {
  let text = ip.toLowerCase();
  const quad = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (quad) {
    const n = v4Number(quad[1]);
    text = `${text.slice(0, quad.index)}${(n >>> 16).toString(16)}:${(n & 0xffff).toString(16)}`;
  }
  const [head, tail] = text.includes('::') ? text.split('::') : [text, undefined];
  const parse = (s: string | undefined) => (s ? s.split(':').map((g) => parseInt(g, 16)) : []);
  const h = parse(head);
  if (tail === undefined) return h;
  const t = parse(tail);
  return [...h, ...new Array<number>(8 - h.length - t.length).fill(0), ...t];
}

const embeddedV4 = (hi: number, lo: number) => `${hi >> 8}.${hi & 0xff}.${lo >> 8}.${lo & 0xff}`;

function v6Kind(ip: string): AddressKind | null {
  const g = v6Groups(ip);
  const zeros = (from: number, to: number) => g.slice(from, to).every((x) => x === 0);
  if (zeros(0, 8)) return 'unspecified';
  if (zeros(0, 7) && g[7] === 1) return 'loopback';
  // IPv4-mapped (::ffff:a.b.c.d) and NAT64 (64:ff9b::a.b.c.d) reach the IPv4 address inside.
  if (zeros(0, 5) && g[5] === 0xffff) return v4Kind(embeddedV4(g[6], g[7]));
  if (g[0] === 0x64 && g[1] === 0xff9b && zeros(2, 6)) return v4Kind(embeddedV4(g[6], g[7]));
  // 6to4 (2002:a.b.c.d::/48) too.
  if (g[0] === 0x2002) return v4Kind(embeddedV4(g[1], g[2]));
  // IPv4-compatible (deprecated), local-use NAT64, discard-only, documentation.
  if (zeros(0, 6)) return 'reserved';
  if (g[0] === 0x64 && g[1] === 0xff9b && g[2] === 1) return 'private';
  if (g[0] === 0x100 && zeros(1, 4)) return 'reserved';
  if (g[0] === 0x2001 && g[1] === 0xdb8) return 'reserved';
  if ((g[0] & 0xfe00) === 0xfc00) return 'unique-local';
  if ((g[0] & 0xffc0) === 0xfe80) return 'link-local';
  if ((g[0] & 0xffc0) === 0xfec0) return 'private';
  if ((g[0] & 0xff00) === 0xff00) return 'multicast';
  return null;
}

/** What kind of non-public address this is, or null for a public one (or something that is not an IP address). */
export function addressKind(ip: string): AddressKind | null {
  const bare = ip.replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  if (isIPv4(bare)) return v4Kind(bare);
  if (isIPv6(bare)) return v6Kind(bare);
  return null;
}

const ALLOW_HINT = 'webhooks may only call public addresses (WEBHOOK_ALLOW_PRIVATE=true allows private ones, for on-premises receivers)';

/** Why we refuse to call this address, or null when it is public. */
export function addressProblem(host: string, ip: string): string | null {
  const kind = addressKind(ip);
  if (!kind) return null;
  const what = host === ip ? ip : `${host} resolves to ${ip}, which`;
  return `${what} is ${kind === 'unspecified' ? 'an' : 'a'} ${kind} address; ${ALLOW_HINT}`;
}

/**
 * Why this URL cannot receive webhooks, as the producer-facing sentence the
 * API returns with a 400; null when it can. Names are only refused here when
 * they are loopback by definition (`localhost`); what others resolve to is
 * checked when connecting.
 */
export function webhookUrlProblem(raw: string, allowPrivateAddresses: boolean): string | null {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return `url: ${JSON.stringify(raw)} is not an absolute URL (expected https://host/path)`;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    return `url: webhooks are sent over https:// or http://, not ${url.protocol}//`;
  }
  if (url.username || url.password) {
    return 'url: must not contain a user name or password; authenticate our requests by their Shotmatrix-Signature instead';
  }
  if (!url.hostname) return 'url: names no host';
  if (allowPrivateAddresses) return null;
  // The URL parser has already turned 2130706433, 0x7f.1 and 127.1 into 127.0.0.1.
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const name = host.toLowerCase().replace(/\.$/, '');
  if (name === 'localhost' || name.endsWith('.localhost')) return `url: ${host} is a loopback address; ${ALLOW_HINT}`;
  const problem = addressProblem(host, host);
  return problem ? `url: ${problem}` : null;
}
