import { createHash } from 'node:crypto';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { Queue } from 'bullmq';
import IORedis from 'ioredis';
import { DataSource } from 'typeorm';
import type { AppConfig, IngestS3Config } from '@shotmatrix/config';
import { dataSourceOptions } from '@shotmatrix/persistence';
import { createTestEnv, SHARED_MEDIA, signedInFetch, waitFor, type TestEnv } from '@shotmatrix/testing';
import { createApiApp } from '../bootstrap';

const CLIP = path.join(SHARED_MEDIA, 'clips/product_bottles_table_intel.mp4');
const PLATE = path.join(SHARED_MEDIA, 'plates/mountains_lake_sherburne_budgie.jpg');
const BUCKET = 'producer-ingest';
const CLIP_KEY = 'shoots/day 1/Bottles A001.mp4';
const JPEG_KEY = 'shoots/day 1/still.mp4';
const OTHER_CLIP = path.join(SHARED_MEDIA, 'clips/person_walking_room_intel.mp4');
const DOOMED_KEY = 'shoots/doomed.mp4';

interface S3rverInstance {
  run(): Promise<AddressInfo>;
  close(): Promise<void>;
}

/**
 * A real S3-protocol server on loopback holding the producer's bucket.
 * Started here rather than through libs/storage's harness, which that
 * package keeps to its own specs.
 */
async function startIngestBucket(): Promise<{ config: IngestS3Config; stop: () => Promise<void> }> {
  const S3rver = require('s3rver') as new (options: Record<string, unknown>) => S3rverInstance;
  const directory = await mkdtemp(path.join(os.tmpdir(), 'shotmatrix-ingest-s3rver-'));
  const server = new S3rver({ address: '127.0.0.1', port: 0, directory, silent: true });
  const { port } = await server.run();
  return {
    config: {
      bucket: BUCKET,
      endpoint: `http://127.0.0.1:${port}`,
      region: 'us-east-1',
      // s3rver's fixed account: it checks request signatures against these.
      credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
      forcePathStyle: true,
    },
    stop: async () => {
      await server.close();
      await rm(directory, { recursive: true, force: true });
    },
  };
}

describe('master from an S3 key (real Postgres, Redis, ffprobe and an S3-protocol server)', () => {
  let env: TestEnv;
  let bucket: Awaited<ReturnType<typeof startIngestBucket>>;
  let db: DataSource;
  const apps: NestExpressApplication[] = [];
  let base: string;
  /** The API refuses anonymous calls: every request in this file goes out signed in as the test admin. */
  let fetch!: typeof globalThis.fetch;

  const startApp = async (config: AppConfig): Promise<string> => {
    const app = await createApiApp(config, { logger: false });
    apps.push(app);
    await app.listen(0, '127.0.0.1');
    return `${await app.getUrl()}/api`.replace('[::1]', '127.0.0.1');
  };

  beforeAll(async () => {
    env = await createTestEnv('from_s3');
    bucket = await startIngestBucket();
    const { endpoint, region, credentials, forcePathStyle } = bucket.config;
    const producer = new S3Client({ endpoint, region, credentials, forcePathStyle });
    try {
      await producer.send(new CreateBucketCommand({ Bucket: BUCKET }));
      await producer.send(new PutObjectCommand({ Bucket: BUCKET, Key: CLIP_KEY, Body: await readFile(CLIP) }));
      // A still named like a video: the probe, not the name, decides.
      await producer.send(new PutObjectCommand({ Bucket: BUCKET, Key: JPEG_KEY, Body: await readFile(PLATE) }));
      await producer.send(new PutObjectCommand({ Bucket: BUCKET, Key: DOOMED_KEY, Body: await readFile(OTHER_CLIP) }));
    } finally {
      producer.destroy();
    }
    base = await startApp({ ...env.config, ingestS3: bucket.config });
    fetch = await signedInFetch(base);
    db = await new DataSource(dataSourceOptions(env.config.databaseUrl)).initialize();
  });

  afterAll(async () => {
    for (const app of apps) await app.close();
    await db?.destroy();
    await bucket?.stop();
    await env?.cleanup();
  });

  const post = async (url: string, body: unknown, headers: Record<string, string> = {}, at = base) => {
    const res = await fetch(`${at}${url}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as any };
  };
  const newCampaign = async (name: string, at = base) => (await post('/campaigns', { name }, {}, at)).body.id as string;
  const masters = async (campaignId: string) =>
    Number((await db.query(`SELECT count(*) AS n FROM master_shot WHERE campaign_id = $1`, [campaignId]))[0].n);
  const storedObjects = async () => {
    const dir = (env.config.storage as { dir: string }).dir;
    const walk = async (d: string): Promise<string[]> => {
      const entries = await readdir(d, { withFileTypes: true }).catch(() => []);
      const nested = await Promise.all(entries.map((e) => (e.isDirectory() ? walk(path.join(d, e.name)) : [path.join(d, e.name)])));
      return nested.flat();
    };
    return (await walk(dir)).map((f) => path.relative(dir, f)).sort();
  };
  const leftoverTempFiles = async () => (await readdir(env.config.workDir)).filter((f) => f.startsWith('ingest-') || f.startsWith('thumb-'));

  /** Runs a request that must fail and checks it created nothing: no master row, no stored object, no temp file. */
  const refused = async (campaignId: string, body: unknown, at = base) => {
    const [objects, rows] = [await storedObjects(), await masters(campaignId)];
    const res = await post(`/campaigns/${campaignId}/master/from-s3`, body, {}, at);
    expect(await masters(campaignId)).toBe(rows);
    expect(await storedObjects()).toEqual(objects);
    expect(await leftoverTempFiles()).toEqual([]);
    return res;
  };

  it('takes the master from the ingest bucket like an upload, and queues its analysis', async () => {
    const id = await newCampaign('From S3');
    const res = await post(`/campaigns/${id}/master/from-s3`, { bucket: BUCKET, key: CLIP_KEY });
    expect(res.status).toBe(201);
    expect(res.body.master).toMatchObject({ width: 640, height: 360, filename: 'Bottles A001.mp4' });
    expect(res.body.master.frameCount).toBeGreaterThan(240);
    expect(res.body.master.analysis).toMatchObject({ status: 'queued' });

    const sha256 = createHash('sha256').update(await readFile(CLIP)).digest('hex');
    const [row] = await db.query(`SELECT sha256, size_bytes, storage_key FROM master_shot WHERE campaign_id = $1`, [id]);
    expect(row).toMatchObject({ sha256, storage_key: `masters/${sha256}.mp4` });
    expect(Number(row.size_bytes)).toBe((await readFile(CLIP)).length);
    expect(await storedObjects()).toEqual(expect.arrayContaining([`masters/${sha256}.mp4`, `masters/${sha256}-thumb.jpg`]));
    expect(await leftoverTempFiles()).toEqual([]);
    // The master served back is byte for byte the object in the producer's bucket.
    const served = await fetch(`${base.replace(/\/api$/, '')}${res.body.master.url}`);
    expect(createHash('sha256').update(Buffer.from(await served.arrayBuffer())).digest('hex')).toBe(sha256);

    const connection = new IORedis(env.config.redisUrl, { maxRetriesPerRequest: null });
    const analyze = new Queue('analyze', { connection, prefix: env.config.queuePrefix });
    try {
      await waitFor('the analysis job to be relayed', async () => (await analyze.getJobs(['waiting', 'prioritized', 'delayed'])).length === 1);
      const [job] = await analyze.getJobs(['waiting', 'prioritized', 'delayed']);
      const [analysis] = await db.query(`SELECT id FROM analysis WHERE master_sha256 = $1`, [sha256]);
      expect(job.data).toMatchObject({ analysisId: analysis.id });
    } finally {
      await analyze.obliterate({ force: true });
      await analyze.close();
      await connection.quit();
    }
  });

  it('answers a retry with the same Idempotency-Key with the first response, taking the master once', async () => {
    const id = await newCampaign('Retried');
    const headers = { 'idempotency-key': `from-s3-${id}` };
    const first = await post(`/campaigns/${id}/master/from-s3`, { key: CLIP_KEY }, headers);
    expect(first.status).toBe(201);
    const again = await post(`/campaigns/${id}/master/from-s3`, { key: CLIP_KEY }, headers);
    expect(again.body).toEqual(first.body);
    expect(await masters(id)).toBe(1);
    const reused = await post(`/campaigns/${id}/master/from-s3`, { key: JPEG_KEY }, headers);
    expect(reused.status).toBe(409);
    expect(reused.body.code).toBe('IDEMPOTENCY_KEY_REUSED');
  });

  describe('bad requests get a 4xx that names the problem and leave nothing behind', () => {
    let id: string;
    beforeAll(async () => {
      id = await newCampaign('Refused');
    });

    it('a key that is not in the bucket: 404 naming it', async () => {
      const res = await refused(id, { key: 'shoots/day 1/nope.mp4' });
      expect(res.status).toBe(404);
      expect(res.body).toMatchObject({ code: 'SOURCE_OBJECT_NOT_FOUND', message: `s3://${BUCKET}/shoots/day 1/nope.mp4 does not exist` });
    });

    it('a JPEG: 415, as for an upload', async () => {
      const res = await refused(id, { key: JPEG_KEY });
      expect(res.status).toBe(415);
      expect(res.body.message).toBe(`s3://${BUCKET}/${JPEG_KEY} is a JPEG image, not a moving video: upload the master shot as a video file`);
    });

    it('another bucket: 400 naming both', async () => {
      const res = await refused(id, { bucket: 'someone-elses', key: CLIP_KEY });
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({
        code: 'INGEST_BUCKET_NOT_ALLOWED',
        message: `bucket "someone-elses" is not the ingest bucket: masters are read only from "${BUCKET}" (INGEST_S3_BUCKET)`,
      });
    });

    it.each([
      ['no key', {}, 'key: is required'],
      ['an empty key', { key: '' }, 'key: is empty'],
      ['a number', { key: 42 }, 'key: expected a string, got 42'],
      ['an unknown field', { key: CLIP_KEY, region: 'eu' }, 'unknown field "region"'],
      ['a ".." segment', { key: 'shoots/../secrets.mp4' }, 'object key "shoots/../secrets.mp4" has a "." or ".." path segment'],
      ['an s3:// URL', { key: `s3://${BUCKET}/${CLIP_KEY}` }, `is an s3:// URL: send the bucket and the key as separate fields`],
      ['a key over 1024 bytes', { key: 'k'.repeat(1025) }, "is longer than S3's 1024-byte limit"],
    ])('%s: 400', async (_what, body, message) => {
      const res = await refused(id, body);
      expect(res.status).toBe(400);
      expect(res.body.message).toContain(message);
    });

    it('an unknown campaign: 404', async () => {
      const res = await post('/campaigns/00000000-0000-4000-8000-000000000000/master/from-s3', { key: CLIP_KEY });
      expect(res.status).toBe(404);
    });
  });

  it('removes the objects it stored when the master cannot be recorded', async () => {
    const id = await newCampaign('Doomed');
    // A real failure inside the transaction, after both objects were stored.
    await db.query(`CREATE FUNCTION refuse_doomed() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION 'refused by test'; END $$ LANGUAGE plpgsql`);
    await db.query(`CREATE TRIGGER refuse_doomed BEFORE INSERT ON master_shot FOR EACH ROW WHEN (NEW.filename = 'doomed.mp4') EXECUTE FUNCTION refuse_doomed()`);
    try {
      const res = await refused(id, { key: DOOMED_KEY });
      expect(res.status).toBe(500);
      const sha256 = createHash('sha256').update(await readFile(OTHER_CLIP)).digest('hex');
      expect(await storedObjects()).not.toContain(`masters/${sha256}.mp4`);
    } finally {
      await db.query(`DROP TRIGGER refuse_doomed ON master_shot`);
      await db.query(`DROP FUNCTION refuse_doomed()`);
    }
    // The same object goes in once nothing stands in the way.
    expect((await post(`/campaigns/${id}/master/from-s3`, { key: DOOMED_KEY })).status).toBe(201);
  });

  it('refuses an object over UPLOAD_MAX_BYTES before reading it, naming the limit', async () => {
    const small = await startApp({
      ...env.config,
      ingestS3: bucket.config,
      // The clip is 97 KiB.
      uploadMaxBytes: 64 * 1024,
      dispatch: { ...env.config.dispatch, relay: false },
    });
    const id = await newCampaign('Too large', small);
    const res = await refused(id, { key: CLIP_KEY }, small);
    expect(res.status).toBe(413);
    expect(res.body).toMatchObject({ code: 'SOURCE_OBJECT_TOO_LARGE' });
    expect(res.body.message).toMatch(new RegExp(`^s3://${BUCKET}/shoots/day 1/Bottles A001\\.mp4 is [\\d.]+ KiB, over the 64 KiB limit$`));
  });

  it('says how to configure it when no ingest bucket is set, rather than pretending', async () => {
    const unconfigured = await startApp({ ...env.config, ingestS3: null, dispatch: { ...env.config.dispatch, relay: false } });
    const id = await newCampaign('Not configured', unconfigured);
    const res = await refused(id, { key: CLIP_KEY }, unconfigured);
    expect(res.status).toBe(409);
    expect(res.body.code).toBe('INGEST_S3_NOT_CONFIGURED');
    expect(res.body.message).toMatch(/^ingest from S3 is not configured: set INGEST_S3_BUCKET/);
  });

  it('is in the OpenAPI document', async () => {
    const doc = (await (await fetch(`${base}/docs/openapi.json`)).json()) as { paths: Record<string, unknown> };
    expect(doc.paths).toHaveProperty(['/api/campaigns/{id}/master/from-s3', 'post']);
  });
});
