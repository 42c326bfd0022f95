// The policy table is shared with the dashboard, so it lives in contracts; the server reads it from here too.
export { can, isMarketScoped, isPermission, isRole, permissionsOf, PERMISSIONS, roleHas, ROLES, type Permission, type Principal, type Role } from '@shotmatrix/contracts';
