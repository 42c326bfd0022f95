import { ago, notificationLink, unreadCount } from './notification-list';

describe('notification list', () => {
  it('links to the variant, else the campaign', () => {
    expect(notificationLink({ variantId: 'v1', campaignId: 'c1' })).toBe('/variants/v1');
    expect(notificationLink({ variantId: null, campaignId: 'c1' })).toBe('/campaigns/c1');
    expect(notificationLink({ variantId: null, campaignId: null })).toBeNull();
  });

  it('counts the unread', () => {
    const n = (read: boolean) => ({ id: '1', type: 't', campaignId: null, variantId: null, message: 'm', createdAt: '', read });
    expect(unreadCount([n(false), n(true), n(false)])).toBe(2);
  });

  it('says how long ago', () => {
    const now = Date.UTC(2026, 10, 25, 12);
    const at = (s: number) => new Date(now - s * 1000).toISOString();
    expect([ago(at(5), now), ago(at(600), now), ago(at(7300), now), ago(at(90_000), now), ago(at(3 * 86_400), now)]).toEqual([
      'just now',
      '10 min ago',
      '2 h ago',
      'yesterday',
      '3 days ago',
    ]);
  });
});
