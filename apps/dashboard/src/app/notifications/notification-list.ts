import type { NotificationView } from '@shotmatrix/contracts';

/** Where a notification leads: the variant when there is one, else its campaign. */
export function notificationLink(n: Pick<NotificationView, 'campaignId' | 'variantId'>): string | null {
  if (n.variantId) return `/variants/${n.variantId}`;
  if (n.campaignId) return `/campaigns/${n.campaignId}`;
  return null;
}

export const unreadCount = (list: readonly NotificationView[]) => list.filter((n) => !n.read).length;

/** "3 min ago", "2 h ago", "yesterday"… — what a reviewer scanning the list wants, not a timestamp. */
export function ago(iso: string, now = Date.now()): string {
  const s = Math.max(0, Math.round((now - Date.parse(iso)) / 1000));
  if (s < 60) return 'just now';
  if (s < 3600) return `${Math.floor(s / 60)} min ago`;
  if (s < 86_400) return `${Math.floor(s / 3600)} h ago`;
  const d = Math.floor(s / 86_400);
  return d === 1 ? 'yesterday' : `${d} days ago`;
}
