export * from './matrix.schema';
export * from './validation';
export * from './views';
export * from './queues';
export * from './keyframes';
export * from './qc';
export * from './auth';
export * from './ops';
