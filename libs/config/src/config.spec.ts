import { ConfigError, loadConfig } from './config';

const base = { DATABASE_URL: 'postgres://u@127.0.0.1:5432/db', REDIS_URL: 'redis://127.0.0.1:6379' };

describe('loadConfig', () => {
  it('applies defaults and resolves paths against cwd', () => {
    const c = loadConfig(base, '/srv/app');
    expect(c.http.port).toBe(4280);
    expect(c.storage).toEqual({ driver: 'fs', dir: '/srv/app/.data/objects' });
    expect(c.templatesDir).toBe('/srv/app/templates');
  });

  it.each([
    [{ ...base, STORAGE: 'ftp' }, 'STORAGE must be "fs" or "s3" (got "ftp")'],
    [{ ...base, PORT: 'eighty' }, 'PORT must be a whole number (got "eighty")'],
    [{ ...base, PORT: '70000' }, 'PORT must be between 1 and 65535 (got "70000")'],
    [{ REDIS_URL: base.REDIS_URL }, 'DATABASE_URL is required'],
    [{ ...base, REDIS_URL: 'http://x' }, 'REDIS_URL must be a URL starting with redis:// or rediss:// (got "http://x")'],
    [{ ...base, STORAGE: 's3', S3_BUCKET: 'b1' }, 'S3_ACCESS_KEY_ID is required when STORAGE=s3'],
    [{ ...base, INGEST_S3_BUCKET: 'Ingest_Bucket' }, 'INGEST_S3_BUCKET is not a valid bucket name (got "Ingest_Bucket")'],
    [{ ...base, INGEST_S3_ENDPOINT: 'http://127.0.0.1:9000' }, 'INGEST_S3_BUCKET is required when INGEST_S3_ENDPOINT is set (or use STORAGE=s3)'],
    [{ ...base, INGEST_S3_BUCKET: 'ingest', INGEST_S3_ACCESS_KEY_ID: 'k' }, 'INGEST_S3_SECRET_ACCESS_KEY is required when INGEST_S3_ACCESS_KEY_ID is set'],
    [{ ...base, AUTH_ADMIN_EMAIL: 'a@b.co' }, 'AUTH_ADMIN_PASSWORD is required when AUTH_ADMIN_EMAIL is set'],
    [{ ...base, AUTH_ADMIN_EMAIL: 'admin', AUTH_ADMIN_PASSWORD: 'long enough pw' }, 'AUTH_ADMIN_EMAIL must be an e-mail address (got "admin")'],
    // Secrets are never echoed into the message.
    [{ ...base, AUTH_ADMIN_EMAIL: 'a@b.co', AUTH_ADMIN_PASSWORD: 'short' }, 'AUTH_ADMIN_PASSWORD must be at least 10 characters'],
    [{ ...base, MEDIA_URL_SECRET: 'tiny' }, 'MEDIA_URL_SECRET must be at least 32 characters'],
    [{ ...base, REDIS_URL: 'http://u:hunter2@h' }, 'REDIS_URL must be a URL starting with redis:// or rediss:// (got "http://u:***@h/")'],
  ])('names the bad value: %j', (env, problem) => {
    try {
      loadConfig(env);
      throw new Error('expected a ConfigError');
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      expect((e as ConfigError).problems).toContain(problem);
    }
  });

  it('makes the session cookie Secure unless the API listens on loopback only', () => {
    expect(loadConfig(base).auth.cookieSecure).toBe(false);
    expect(loadConfig({ ...base, HOST: '0.0.0.0' }).auth.cookieSecure).toBe(true);
    expect(loadConfig({ ...base, HOST: '0.0.0.0', COOKIE_SECURE: 'false' }).auth.cookieSecure).toBe(false);
  });

  it('builds an S3 storage config', () => {
    const c = loadConfig({
      ...base,
      STORAGE: 's3',
      S3_ENDPOINT: 'http://127.0.0.1:9000',
      S3_BUCKET: 'renders',
      S3_ACCESS_KEY_ID: 'k',
      S3_SECRET_ACCESS_KEY: 's',
      S3_FORCE_PATH_STYLE: 'false',
    });
    expect(c.storage).toMatchObject({ driver: 's3', bucket: 'renders', forcePathStyle: false });
  });

  describe('ingest from S3', () => {
    const s3Storage = {
      ...base,
      STORAGE: 's3',
      S3_ENDPOINT: 'http://127.0.0.1:9000',
      S3_BUCKET: 'renders',
      S3_REGION: 'eu-west-1',
      S3_ACCESS_KEY_ID: 'k',
      S3_SECRET_ACCESS_KEY: 's',
    };

    it('is off with filesystem storage and no INGEST_S3_BUCKET', () => {
      expect(loadConfig(base).ingestS3).toBeNull();
    });

    it('defaults to the storage bucket and its settings when storage is S3', () => {
      expect(loadConfig(s3Storage).ingestS3).toEqual({
        bucket: 'renders',
        endpoint: 'http://127.0.0.1:9000',
        region: 'eu-west-1',
        credentials: { accessKeyId: 'k', secretAccessKey: 's' },
        forcePathStyle: true,
      });
    });

    it('takes its own bucket, endpoint and credentials over the storage ones', () => {
      const c = loadConfig({
        ...s3Storage,
        INGEST_S3_BUCKET: 'producer-drop',
        INGEST_S3_ENDPOINT: 'https://s3.example.com',
        INGEST_S3_REGION: 'us-west-2',
        INGEST_S3_ACCESS_KEY_ID: 'ik',
        INGEST_S3_SECRET_ACCESS_KEY: 'is',
        INGEST_S3_FORCE_PATH_STYLE: 'false',
      });
      expect(c.ingestS3).toEqual({
        bucket: 'producer-drop',
        endpoint: 'https://s3.example.com',
        region: 'us-west-2',
        credentials: { accessKeyId: 'ik', secretAccessKey: 'is' },
        forcePathStyle: false,
      });
      expect(c.storage).toMatchObject({ bucket: 'renders', accessKeyId: 'k' });
    });

    it('works beside filesystem storage, leaving credentials to the SDK when none are given', () => {
      expect(loadConfig({ ...base, INGEST_S3_BUCKET: 'producer-drop' }).ingestS3).toEqual({
        bucket: 'producer-drop',
        endpoint: undefined,
        region: 'us-east-1',
        credentials: undefined,
        forcePathStyle: true,
      });
    });
  });
});
