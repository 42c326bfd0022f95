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
  ])('names the bad value: %j', (env, problem) => {
    try {
      loadConfig(env);
      throw new Error('expected a ConfigError');
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      expect((e as ConfigError).problems).toContain(problem);
    }
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
});
