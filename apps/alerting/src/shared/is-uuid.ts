const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Ids that are not uuids are nobody's: answered as not found rather than as a database error. */
export function isUuid(id: string): boolean {
  return UUID.test(id);
}
