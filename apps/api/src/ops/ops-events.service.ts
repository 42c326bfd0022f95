import { Inject, Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { defer, interval, merge, Observable, share, Subject } from 'rxjs';
import type { AppConfig } from '@shotmatrix/config';
import { ANALYSIS_EVENTS_CHANNEL, RENDER_EVENTS_CHANNEL, type OpsEvent, type OpsSummaryView } from '@shotmatrix/contracts';
import { createRedis } from '@shotmatrix/queue';
import { APP_CONFIG } from '../common/tokens';
import { OpsService } from './ops.service';

/** At most one summary a second, however busy the workers are. */
export const SUMMARY_MIN_INTERVAL_MS = 1000;
/** Throughput decays and ETAs count down with no event at all: refresh this often while a board is open. */
const REFRESH_MS = 15_000;

/**
 * Streams the ops summary to open boards: every render or analysis event a
 * worker publishes marks the summary stale, and one summary is computed per
 * burst (at most one a second) and shared by every open board.
 */
@Injectable()
export class OpsEventsService implements OnModuleInit, OnModuleDestroy {
  private readonly log = new Logger(OpsEventsService.name);
  private readonly changes = new Subject<void>();
  private subscriber?: Redis;
  private readonly summaries: Observable<OpsSummaryView>;

  constructor(
    private readonly ops: OpsService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.summaries = coalesce(merge(this.changes, interval(REFRESH_MS)), () => this.ops.summary(), SUMMARY_MIN_INTERVAL_MS, (e) =>
      this.log.warn(`ops summary: ${e.message}`),
    ).pipe(share());
  }

  async onModuleInit(): Promise<void> {
    this.subscriber = createRedis(this.config.redisUrl, 'pubsub');
    const channels = [RENDER_EVENTS_CHANNEL, ANALYSIS_EVENTS_CHANNEL].map((c) => `${this.config.queuePrefix}:${c}`);
    await this.subscriber.subscribe(...channels);
    this.subscriber.on('message', () => {
      if (this.changes.observed) this.changes.next();
    });
  }

  async onModuleDestroy(): Promise<void> {
    this.changes.complete();
    await this.subscriber?.quit().catch(() => undefined);
  }

  /** A summary at once (a reconnecting board needs no catching up), then one after each burst of changes. */
  stream(): Observable<OpsEvent> {
    return new Observable<OpsEvent>((sub) => {
      // Listen first, so a change during the snapshot's queries is not missed.
      const updates = this.summaries.subscribe({ next: (summary) => sub.next({ type: 'summary', summary }) });
      const snapshot = defer(() => this.ops.summary()).subscribe({
        next: (summary) => sub.next({ type: 'summary', summary }),
        error: (e) => sub.error(e),
      });
      return () => {
        updates.unsubscribe();
        snapshot.unsubscribe();
      };
    });
  }
}

/**
 * Runs `work` for a trigger, but never more often than every `minMs` and never
 * two at once; triggers meanwhile are folded into one more run afterwards, so
 * the last change is always reflected.
 */
export function coalesce<T>(triggers: Observable<unknown>, work: () => Promise<T>, minMs: number, onError: (e: Error) => void): Observable<T> {
  return new Observable<T>((sub) => {
    let busy = false;
    let again = false;
    let closed = false;
    let timer: NodeJS.Timeout | undefined;
    const run = async () => {
      busy = true;
      again = false;
      const started = Date.now();
      try {
        const value = await work();
        if (!closed) sub.next(value);
      } catch (e) {
        onError(e as Error);
      }
      if (closed) return;
      timer = setTimeout(
        () => {
          busy = false;
          if (again && !closed) void run();
        },
        Math.max(0, minMs - (Date.now() - started)),
      );
    };
    const s = triggers.subscribe(() => {
      if (busy) again = true;
      else void run();
    });
    return () => {
      closed = true;
      s.unsubscribe();
      if (timer) clearTimeout(timer);
    };
  });
}
