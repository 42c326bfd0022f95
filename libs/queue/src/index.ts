export * from './connection';
export * from './render-queue';
