import * as os from 'node:os';
import * as path from 'node:path';
import { z } from 'zod';

const url = (protocols: string[]) =>
  z
    .string()
    .refine((v) => {
      try {
        return protocols.includes(new URL(v).protocol);
      } catch {
        return false;
      }
    }, `must be a URL starting with ${protocols.map((p) => `${p}//`).join(' or ')}`);

const intString = (min: number, max: number) =>
  z
    .string()
    .regex(/^\d+$/, 'must be a whole number')
    .transform(Number)
    .refine((n) => n >= min && n <= max, `must be between ${min} and ${max}`);

const boolString = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');

const bucketName = z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'is not a valid bucket name');

const INGEST_S3_SETTINGS = [
  'INGEST_S3_ENDPOINT',
  'INGEST_S3_REGION',
  'INGEST_S3_ACCESS_KEY_ID',
  'INGEST_S3_SECRET_ACCESS_KEY',
  'INGEST_S3_FORCE_PATH_STYLE',
] as const;

/** Every environment variable the platform reads, validated once at boot. */
const envSchema = z
  .object({
    PORT: intString(1, 65535).default(4280),
    HOST: z.string().default('127.0.0.1'),
    DATABASE_URL: url(['postgres:', 'postgresql:']),
    REDIS_URL: url(['redis:', 'rediss:']),
    QUEUE_PREFIX: z.string().regex(/^[A-Za-z0-9:_-]+$/, 'may hold letters, digits, ":", "_" and "-"').default('shotmatrix'),
    STORAGE: z.enum(['fs', 's3'], { message: 'must be "fs" or "s3"' }).default('fs'),
    STORAGE_DIR: z.string().default('.data/objects'),
    S3_ENDPOINT: url(['http:', 'https:']).optional(),
    S3_BUCKET: bucketName.optional(),
    S3_REGION: z.string().default('us-east-1'),
    S3_ACCESS_KEY_ID: z.string().optional(),
    S3_SECRET_ACCESS_KEY: z.string().optional(),
    S3_FORCE_PATH_STYLE: boolString.default(true),
    // Where producers drop masters for `POST /campaigns/:id/master/from-s3`; unset parts fall back to S3_*.
    INGEST_S3_BUCKET: bucketName.optional(),
    INGEST_S3_ENDPOINT: url(['http:', 'https:']).optional(),
    INGEST_S3_REGION: z.string().min(1).optional(),
    INGEST_S3_ACCESS_KEY_ID: z.string().min(1).optional(),
    INGEST_S3_SECRET_ACCESS_KEY: z.string().min(1).optional(),
    INGEST_S3_FORCE_PATH_STYLE: boolString.optional(),
    TEMPLATES_DIR: z.string().default('templates'),
    DASHBOARD_DIR: z.string().default('dist/apps/dashboard/browser'),
    WORK_DIR: z.string().default(path.join(os.tmpdir(), 'shotmatrix')),
    UPLOAD_MAX_BYTES: intString(1, Number.MAX_SAFE_INTEGER).default(2 * 1024 ** 3),
    FFMPEG_PATH: z.string().default('ffmpeg'),
    FFPROBE_PATH: z.string().default('ffprobe'),
    RENDER_CONCURRENCY: intString(1, 64).default(1),
    RENDER_ATTEMPTS: intString(1, 20).default(3),
    RENDER_FILTER_THREADS: intString(0, 64).default(0),
    INGEST_MAX_DURATION_S: intString(1, 24 * 3600).default(120),
    INGEST_MAX_WIDTH: intString(16, 16384).default(4096),
    INGEST_MAX_HEIGHT: intString(16, 16384).default(2160),
    OUTBOX_RELAY: boolString.default(true),
    RECONCILE_INTERVAL_MS: intString(1000, 3_600_000).default(30_000),
    RECONCILE_STALE_MS: intString(0, 86_400_000).default(60_000),
    MODEL_DIR: z.string().default('.data/models'),
    ONNX_PROVIDER: z.enum(['auto', 'cpu', 'cuda'], { message: 'must be "auto", "cpu" or "cuda"' }).default('auto'),
    MATTE_STRIDE: z
      .string()
      .regex(/^(auto|\d+)$/, 'must be "auto" or a whole number of frames')
      .transform((v) => (v === 'auto' ? ('auto' as const) : Number(v)))
      .refine((v) => v === 'auto' || (v >= 1 && v <= 120), 'must be between 1 and 120 frames')
      .default('auto'),
    // The first admin, created at boot when no account exists yet (both or neither).
    AUTH_ADMIN_EMAIL: z.string().email('must be an e-mail address').optional(),
    AUTH_ADMIN_PASSWORD: z.string().min(10, 'must be at least 10 characters').optional(),
    // Signs media URLs (HMAC); the API refuses to start without it.
    MEDIA_URL_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
    MEDIA_URL_TTL_S: intString(60, 7 * 24 * 3600).default(3600),
    SESSION_TTL_H: intString(1, 24 * 90).default(12),
    // Default: Secure unless the API listens on loopback only (plain http on this machine).
    COOKIE_SECURE: boolString.optional(),
    // Lets webhooks reach loopback and private addresses (tests, on-prem receivers); off by default.
    WEBHOOK_ALLOW_PRIVATE: boolString.default(false),
  })
  .superRefine((env, ctx) => {
    if (!env.AUTH_ADMIN_EMAIL !== !env.AUTH_ADMIN_PASSWORD) {
      const missing = env.AUTH_ADMIN_EMAIL ? 'AUTH_ADMIN_PASSWORD' : 'AUTH_ADMIN_EMAIL';
      ctx.addIssue({ code: 'custom', path: [missing], message: `is required when ${env.AUTH_ADMIN_EMAIL ? 'AUTH_ADMIN_EMAIL' : 'AUTH_ADMIN_PASSWORD'} is set` });
    }
    if (env.STORAGE === 's3') {
      for (const key of ['S3_BUCKET', 'S3_ACCESS_KEY_ID', 'S3_SECRET_ACCESS_KEY'] as const) {
        if (!env[key]) ctx.addIssue({ code: 'custom', path: [key], message: 'is required when STORAGE=s3' });
      }
    }
    // Ingest settings without a bucket to read would be silently ignored; say so at boot instead.
    const ingestSettings = INGEST_S3_SETTINGS.filter((key) => env[key] !== undefined);
    if (!env.INGEST_S3_BUCKET && env.STORAGE !== 's3' && ingestSettings.length) {
      ctx.addIssue({ code: 'custom', path: ['INGEST_S3_BUCKET'], message: `is required when ${ingestSettings.join(', ')} is set (or use STORAGE=s3)` });
    }
    // Credentials fall back as a pair: half of one pair with half of the other would never sign a request.
    if (!env.INGEST_S3_ACCESS_KEY_ID !== !env.INGEST_S3_SECRET_ACCESS_KEY) {
      const [missing, given] = env.INGEST_S3_ACCESS_KEY_ID
        ? ['INGEST_S3_SECRET_ACCESS_KEY', 'INGEST_S3_ACCESS_KEY_ID']
        : ['INGEST_S3_ACCESS_KEY_ID', 'INGEST_S3_SECRET_ACCESS_KEY'];
      ctx.addIssue({ code: 'custom', path: [missing], message: `is required when ${given} is set` });
    }
  });

/**
 * The bucket masters may be read from by key. Without credentials the AWS
 * SDK's own chain applies (instance or task role), which is how AWS hosts
 * usually grant read access to a producer's bucket.
 */
export interface IngestS3Config {
  bucket: string;
  endpoint?: string;
  region: string;
  credentials?: { accessKeyId: string; secretAccessKey: string };
  forcePathStyle: boolean;
}

export interface AppConfig {
  http: { port: number; host: string };
  databaseUrl: string;
  redisUrl: string;
  queuePrefix: string;
  storage:
    | { driver: 'fs'; dir: string }
    | {
        driver: 's3';
        endpoint?: string;
        bucket: string;
        region: string;
        accessKeyId: string;
        secretAccessKey: string;
        forcePathStyle: boolean;
      };
  templatesDir: string;
  dashboardDir: string;
  workDir: string;
  uploadMaxBytes: number;
  /** Null when neither INGEST_S3_BUCKET nor S3 storage names a bucket: ingest by S3 key is then refused. */
  ingestS3: IngestS3Config | null;
  /** What a master may be: longest duration, and the frame that must fit (either way round). */
  ingest: { maxDurationS: number; maxWidth: number; maxHeight: number };
  ffmpegPath: string;
  ffprobePath: string;
  render: {
    concurrency: number;
    attempts: number;
    /** Threads for a render's filter graph (ffmpeg's -filter_complex_threads); 0: the compositor chooses (see CompositePlan). */
    filterThreads: number;
  };
  /**
   * Master analysis. IS-Net runs on every `matteStride`-th frame ('auto': from
   * the amount of motion) and optical flow fills the frames between; `provider`
   * 'auto' uses CUDA where ONNX Runtime finds it and the CPU otherwise.
   */
  analysis: { modelDir: string; provider: 'auto' | 'cpu' | 'cuda'; matteStride: number | 'auto' };
  /** The outbox relay and reconciler; tests switch the relay off to play a crash between commit and enqueue. */
  dispatch: { relay: boolean; reconcileIntervalMs: number; reconcileStaleMs: number };
  auth: {
    /** The first admin, created at boot when there is no account at all. */
    bootstrapAdmin: { email: string; password: string } | null;
    /** Null outside the API (workers serve no media). */
    mediaUrlSecret: string | null;
    mediaUrlTtlS: number;
    sessionTtlMs: number;
    cookieSecure: boolean;
  };
  webhooks: { allowPrivateAddresses: boolean };
}

/** Never echoed back in an error message (it would land in logs). */
const SECRET_SETTINGS = new Set(['AUTH_ADMIN_PASSWORD', 'MEDIA_URL_SECRET', 'S3_SECRET_ACCESS_KEY', 'INGEST_S3_SECRET_ACCESS_KEY']);

/** A URL's password (DATABASE_URL, REDIS_URL) is replaced before the value is shown. */
function withoutPassword(v: string): string {
  try {
    const u = new URL(v);
    if (!u.password) return v;
    u.password = '***';
    return u.toString();
  } catch {
    return v;
  }
}

const isLoopback = (host: string) => host === 'localhost' || host === '::1' || /^127\./.test(host);

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/**
 * Parses the environment into a typed config. Relative paths resolve against
 * `cwd` so that every process started from the repository agrees on them.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): AppConfig {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((i) => {
        const key = String(i.path[0] ?? 'environment');
        const got = typeof env[key] === 'string' && !SECRET_SETTINGS.has(key) ? ` (got "${withoutPassword(env[key] as string)}")` : '';
        const message = i.code === 'invalid_type' && env[key] === undefined ? 'is required' : i.message;
        return `${key} ${message}${got}`;
      }),
    );
  }
  const e = parsed.data;
  const abs = (p: string) => path.resolve(cwd, p);
  return {
    http: { port: e.PORT, host: e.HOST },
    databaseUrl: e.DATABASE_URL,
    redisUrl: e.REDIS_URL,
    queuePrefix: e.QUEUE_PREFIX,
    storage:
      e.STORAGE === 's3'
        ? {
            driver: 's3',
            endpoint: e.S3_ENDPOINT,
            bucket: e.S3_BUCKET as string,
            region: e.S3_REGION,
            accessKeyId: e.S3_ACCESS_KEY_ID as string,
            secretAccessKey: e.S3_SECRET_ACCESS_KEY as string,
            forcePathStyle: e.S3_FORCE_PATH_STYLE,
          }
        : { driver: 'fs', dir: abs(e.STORAGE_DIR) },
    templatesDir: abs(e.TEMPLATES_DIR),
    dashboardDir: abs(e.DASHBOARD_DIR),
    workDir: abs(e.WORK_DIR),
    uploadMaxBytes: e.UPLOAD_MAX_BYTES,
    ingestS3: ingestS3Config(e),
    ingest: { maxDurationS: e.INGEST_MAX_DURATION_S, maxWidth: e.INGEST_MAX_WIDTH, maxHeight: e.INGEST_MAX_HEIGHT },
    ffmpegPath: e.FFMPEG_PATH,
    ffprobePath: e.FFPROBE_PATH,
    render: { concurrency: e.RENDER_CONCURRENCY, attempts: e.RENDER_ATTEMPTS, filterThreads: e.RENDER_FILTER_THREADS },
    analysis: { modelDir: abs(e.MODEL_DIR), provider: e.ONNX_PROVIDER, matteStride: e.MATTE_STRIDE },
    dispatch: { relay: e.OUTBOX_RELAY, reconcileIntervalMs: e.RECONCILE_INTERVAL_MS, reconcileStaleMs: e.RECONCILE_STALE_MS },
    auth: {
      bootstrapAdmin: e.AUTH_ADMIN_EMAIL && e.AUTH_ADMIN_PASSWORD ? { email: e.AUTH_ADMIN_EMAIL, password: e.AUTH_ADMIN_PASSWORD } : null,
      mediaUrlSecret: e.MEDIA_URL_SECRET ?? null,
      mediaUrlTtlS: e.MEDIA_URL_TTL_S,
      sessionTtlMs: e.SESSION_TTL_H * 3600_000,
      cookieSecure: e.COOKIE_SECURE ?? !isLoopback(e.HOST),
    },
    webhooks: { allowPrivateAddresses: e.WEBHOOK_ALLOW_PRIVATE },
  };
}

/** INGEST_S3_* over the storage's S3_* settings; the bucket falls back only when storage itself is S3. */
function ingestS3Config(e: z.infer<typeof envSchema>): IngestS3Config | null {
  const bucket = e.INGEST_S3_BUCKET ?? (e.STORAGE === 's3' ? e.S3_BUCKET : undefined);
  if (!bucket) return null;
  const [accessKeyId, secretAccessKey] = e.INGEST_S3_ACCESS_KEY_ID
    ? [e.INGEST_S3_ACCESS_KEY_ID, e.INGEST_S3_SECRET_ACCESS_KEY]
    : [e.S3_ACCESS_KEY_ID, e.S3_SECRET_ACCESS_KEY];
  return {
    bucket,
    endpoint: e.INGEST_S3_ENDPOINT ?? e.S3_ENDPOINT,
    region: e.INGEST_S3_REGION ?? e.S3_REGION,
    credentials: accessKeyId && secretAccessKey ? { accessKeyId, secretAccessKey } : undefined,
    forcePathStyle: e.INGEST_S3_FORCE_PATH_STYLE ?? e.S3_FORCE_PATH_STYLE,
  };
}
