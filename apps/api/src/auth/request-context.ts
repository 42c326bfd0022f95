import { AsyncLocalStorage } from 'node:async_hooks';
import type { NextFunction, Request, Response } from 'express';
import type { Principal } from '@shotmatrix/auth';

/**
 * Who is acting in this request, for the audit log: set by the guard, read
 * where a change is recorded, so services need not pass the actor around.
 */
export interface RequestContext {
  principal: Principal | null;
}

const storage = new AsyncLocalStorage<RequestContext>();

export function requestContextMiddleware(_req: Request, _res: Response, next: NextFunction): void {
  storage.run({ principal: null }, next);
}

export const requestContext = (): RequestContext | undefined => storage.getStore();
