export * from './errors';
export * from './matrix';
export * from './render-key';
export * from './layout';
export * from './keyframes';
export * from './homography';
export * from './composite-settings';
export * from './cube-lut';
