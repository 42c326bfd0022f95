import * as fs from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import type { S3StorageConfig } from './s3-object-store';

interface S3rverInstance {
  run(): Promise<AddressInfo>;
  close(): Promise<void>;
}
type S3rverCtor = new (options: Record<string, unknown>) => S3rverInstance;

/**
 * A real S3-protocol server on loopback for tests (s3rver ships no types).
 * Lives beside the tests rather than in a testing lib because only storage
 * specs need it; it is not exported from the package.
 */
export async function startS3rver(): Promise<{ config: S3StorageConfig; stop: () => Promise<void> }> {
  const S3rver = require('s3rver') as S3rverCtor;
  const directory = await fs.mkdtemp(path.join(os.tmpdir(), 'shotmatrix-s3rver-'));
  const server = new S3rver({ address: '127.0.0.1', port: 0, directory, silent: true });
  const { port } = await server.run();
  return {
    config: {
      driver: 's3',
      endpoint: `http://127.0.0.1:${port}`,
      bucket: 'shotmatrix-test',
      region: 'us-east-1',
      // s3rver's fixed account: it checks request signatures against these.
      accessKeyId: 'S3RVER',
      secretAccessKey: 'S3RVER',
      forcePathStyle: true,
    },
    stop: async () => {
      await server.close();
      await fs.rm(directory, { recursive: true, force: true });
    },
  };
}
