import type { CampaignEvent } from '@shotmatrix/contracts';

export type StreamState = 'connecting' | 'live' | 'lost';

export interface CampaignStream {
  close(): void;
}

/**
 * Follows a campaign's server-sent event stream. EventSource reconnects by itself after a
 * dropped connection and the server starts every connection with a snapshot, so a
 * reconnect needs no catching up here.
 */
export function openCampaignStream(
  url: string,
  onEvent: (event: CampaignEvent) => void,
  onState: (state: StreamState) => void,
): CampaignStream {
  const source = new EventSource(url);
  onState('connecting');
  source.onopen = () => onState('live');
  source.onerror = () => {
    // CLOSED means the server refused the stream (e.g. not an event stream); the browser gives up.
    onState(source.readyState === EventSource.CLOSED ? 'lost' : 'connecting');
  };
  source.onmessage = (message: MessageEvent<string>) => {
    let event: CampaignEvent;
    try {
      event = JSON.parse(message.data) as CampaignEvent;
    } catch {
      return;
    }
    onEvent(event);
  };
  return { close: () => source.close() };
}
