/** Mirrors @shotmatrix/auth's roles (persistence may not depend on an adapter); the table's CHECK holds the same list. */
export type Role = 'admin' | 'producer' | 'brand-manager' | 'ops' | 'viewer';
