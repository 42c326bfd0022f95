export * from './policy';
export * from './passwords';
export * from './tokens';
export * from './signed-url';
export * from './webhook-signature';
export * from './login-throttle';
