import type { AppConfig } from '@shotmatrix/config';
import { FsObjectStore } from './fs-object-store';
import type { ObjectStore } from './object-store';
import { S3ObjectStore } from './s3-object-store';

export {
  assertValidKey,
  contentTypeForKey,
  MAX_KEY_LENGTH,
  type ObjectBody,
  type ObjectRange,
  type ObjectStore,
  type StoredObject,
} from './object-store';
export { FsObjectStore } from './fs-object-store';
export { S3ObjectStore, type S3StorageConfig } from './s3-object-store';
export { assertSourceKey, MAX_SOURCE_KEY_BYTES, S3Source, type FetchedObject, type SourceObject } from './s3-source';

export function createObjectStore(config: AppConfig['storage']): ObjectStore {
  return config.driver === 's3' ? new S3ObjectStore(config) : new FsObjectStore(config.dir);
}
