/** Ids are UUIDs; anything else is "not found" before a query is made (Postgres would reject it as a type error). */
export const isUuid = (s: string) => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(s);
