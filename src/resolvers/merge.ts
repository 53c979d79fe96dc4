/**
 * Merges resolver maps type by type (scalars are taken as they are). A field defined in two maps
 * is a mistake, and throws at startup rather than one silently replacing the other.
 */
export function mergeResolverMaps(...maps: Record<string, object>[]): Record<string, object> {
  const merged: Record<string, Record<string, unknown>> = {};
  for (const map of maps) {
    for (const [type, fields] of Object.entries(map)) {
      if (Object.getPrototypeOf(fields) !== Object.prototype) {
        merged[type] = fields as Record<string, unknown>; // a scalar
        continue;
      }
      const target = (merged[type] ??= {});
      for (const [field, resolver] of Object.entries(fields)) {
        if (field in target) throw new Error(`resolver ${type}.${field} is defined twice`);
        target[field] = resolver;
      }
    }
  }
  return merged;
}
