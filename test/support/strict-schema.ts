type Json = Record<string, unknown>;

/** Keywords whose values are examples or values, not schemas. */
const VALUES = new Set(['example', 'examples', 'enum', 'const', 'default']);
/** Keywords whose schemas only narrow another (they apply on top of it): left as written. */
const REFINEMENTS = new Set(['if', 'then', 'else', 'not']);

/**
 * Makes a JSON schema (or a document holding schemas) strict, in place, for checking what a server
 * sends: an object schema that does not say whether it allows more properties allows none, so a
 * field the server sends but the document does not name fails. In an `allOf`, the first schema is
 * the base (made strict) and the others refine it (left as written), as are `if`/`then`/`else`/`not`.
 */
export function strictSchema(schema: unknown): void {
  if (!schema || typeof schema !== 'object') return;
  if (Array.isArray(schema)) return schema.forEach(strictSchema);
  const node = schema as Json;
  if (node.properties && typeof node.properties === 'object' && node.additionalProperties === undefined) node.additionalProperties = false;
  for (const [key, value] of Object.entries(node)) {
    if (VALUES.has(key) || REFINEMENTS.has(key)) continue;
    if (key === 'allOf' && Array.isArray(value)) strictSchema(value[0]);
    else if (key === 'properties' && value && typeof value === 'object') Object.values(value).forEach(strictSchema);
    else strictSchema(value);
  }
}
