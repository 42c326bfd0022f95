import IORedis, { type Redis } from 'ioredis';

/**
 * BullMQ needs `maxRetriesPerRequest: null` on connections used by workers so
 * blocking commands survive a Redis restart instead of failing the job.
 */
export function createRedis(redisUrl: string, purpose: 'queue' | 'worker' | 'pubsub'): Redis {
  return new IORedis(redisUrl, {
    maxRetriesPerRequest: purpose === 'queue' ? 3 : null,
    enableReadyCheck: true,
    connectionName: `shotmatrix-${purpose}`,
  });
}
