/** Injection tokens for the adapters the API wires up once at boot. */
export const APP_CONFIG = Symbol('APP_CONFIG');
export const OBJECT_STORE = Symbol('OBJECT_STORE');
export const QUEUES = Symbol('QUEUES');
export const OUTBOX_RELAY = Symbol('OUTBOX_RELAY');
export const REDIS = Symbol('REDIS');
export const TEMPLATES = Symbol('TEMPLATES');
export const MEDIA_TOOLS = Symbol('MEDIA_TOOLS');
export const MEDIA_SIGNER = Symbol('MEDIA_SIGNER');
