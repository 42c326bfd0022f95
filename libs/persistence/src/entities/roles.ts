export type { Role } from '@shotmatrix/contracts';
