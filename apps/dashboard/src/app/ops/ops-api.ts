import { HttpClient } from '@angular/common/http';
import { Injectable, inject } from '@angular/core';
import type { OpsActionView } from '@shotmatrix/contracts';
import type { Observable } from 'rxjs';

const OPS = '/api/ops';

/** The ops endpoints: the board's event stream (ops:read), retry and cancel (ops:operate). */
@Injectable({ providedIn: 'root' })
export class OpsApi {
  private readonly http = inject(HttpClient);

  /** Server-sent events: the summary on connect, then after every burst of render or analysis changes. */
  readonly eventsUrl = `${OPS}/events`;

  /** Queues a failed render again (409 unless it failed). */
  retry(renderKey: string): Observable<OpsActionView> {
    return this.http.post<OpsActionView>(`${OPS}/renders/${encodeURIComponent(renderKey)}/retry`, {});
  }

  /** Cancels a waiting, queued or rendering render (409 once it is done or failed). */
  cancel(renderKey: string): Observable<OpsActionView> {
    return this.http.post<OpsActionView>(`${OPS}/renders/${encodeURIComponent(renderKey)}/cancel`, {});
  }
}
