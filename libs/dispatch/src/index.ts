export * from './outbox-relay';
export * from './reconciler';
