export * from './matrix.schema';
export * from './views';
export * from './queues';
