import type { OpsEvent } from '@shotmatrix/contracts';
import { reconnectDelayMs } from './ops-format';

export type OpsStreamState = 'connecting' | 'live' | 'reconnecting';

export interface OpsStream {
  close(): void;
}

/**
 * Follows the ops board's event stream. The browser reconnects a dropped
 * EventSource by itself; one the server refused (a 5xx, the API restarting
 * behind a proxy) is CLOSED for good, so it is opened again here after a
 * growing pause. Every connection starts with a full summary: nothing to catch up.
 */
export function openOpsStream(url: string, onEvent: (event: OpsEvent) => void, onState: (state: OpsStreamState) => void): OpsStream {
  let source: EventSource | null = null;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let failures = 0;
  let closed = false;

  const open = () => {
    source = new EventSource(url);
    onState(failures ? 'reconnecting' : 'connecting');
    source.onopen = () => {
      failures = 0;
      onState('live');
    };
    source.onerror = () => {
      if (closed || !source) return;
      onState('reconnecting');
      if (source.readyState !== EventSource.CLOSED) return;
      source.close();
      failures++;
      timer = setTimeout(open, reconnectDelayMs(failures));
    };
    source.onmessage = (message: MessageEvent<string>) => {
      let event: OpsEvent;
      try {
        event = JSON.parse(message.data) as OpsEvent;
      } catch {
        return;
      }
      onEvent(event);
    };
  };
  open();
  return {
    close: () => {
      closed = true;
      if (timer) clearTimeout(timer);
      source?.close();
    },
  };
}
