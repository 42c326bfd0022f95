// What the self-contained benchmarks share: tools/stack's Postgres and Redis
// starters, a free port near a preferred one, and an orderly shutdown that
// runs whatever happens (an error, Ctrl-C, a kill).
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '../..');

/** What the benches use of tools/stack/services.mjs. */
export interface StackServices {
  portFree(port: number): Promise<boolean>;
  startPostgres(opts: { dataDir: string; port: number; dbName: string; fast?: boolean }): Promise<{ url: string; stop(): Promise<void> }>;
  startRedis(opts: { dataDir: string; port: number }): Promise<{ url: string; stop(): Promise<void> }>;
}

export interface BenchStack {
  services: StackServices;
  /** The preferred port, or the next free one after it. */
  freePort(preferred: number): Promise<number>;
  /** Stopped last-started first by stopAll. */
  stops: Array<() => Promise<void>>;
  /** One shutdown, however many ask for it (a signal, then the run failing because of it). */
  stopAll(): Promise<void>;
}

// Native import() of the plain-ESM stack scripts (the TS transform would turn it into require()).
const importEsm = new Function('p', 'return import(p)') as (p: string) => Promise<StackServices>;

export async function benchStack(): Promise<BenchStack> {
  const services = await importEsm(path.join(ROOT, 'tools/stack/services.mjs'));
  const stops: Array<() => Promise<void>> = [];
  let stopping: Promise<void> | undefined;
  const stopAll = () =>
    (stopping ??= (async () => {
      for (const stop of stops.reverse()) await stop().catch((e: Error) => console.error(`stopping: ${e.message}`));
    })());
  // `on`, not `once`: Nest's shutdown hook closes the API and then re-raises the signal,
  // which would kill the process before Postgres and Redis are stopped.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      if (!stopping) console.error(`${signal}: stopping the bench's services`);
      void stopAll().finally(() => process.exit(signal === 'SIGINT' ? 130 : 143));
    });
  }
  const freePort = async (preferred: number) => {
    for (let port = preferred; port < preferred + 100; port++) if (await services.portFree(port)) return port;
    throw new Error(`no free port on 127.0.0.1 between ${preferred} and ${preferred + 99}`);
  };
  return { services, freePort, stops, stopAll };
}
