/**
 * The shape every Tsuzuku API promises, checked on a service's OpenAPI document (served at
 * /docs/openapi.json): every list answers `{ items, nextCursor }` and takes `limit` and `cursor`,
 * every delete answers 204 with no body.
 */

interface Schema {
  readonly $ref?: string;
  readonly type?: string;
  readonly nullable?: boolean;
  readonly items?: Schema;
  readonly properties?: Record<string, Schema>;
  readonly required?: readonly string[];
}

interface Operation {
  readonly parameters?: readonly { readonly name: string; readonly in: string }[];
  readonly responses?: Record<
    string,
    { readonly content?: Record<string, { readonly schema?: Schema }> } | undefined
  >;
}

/** The parts of an OpenAPI 3 document the check reads. */
export interface ShapeDocument {
  readonly paths: Record<string, Record<string, Operation>>;
  readonly components?: { readonly schemas?: Record<string, Schema> };
}

/** An operation that breaks the shape, and how. */
export interface ShapeProblem {
  readonly service: string;
  readonly operation: string;
  readonly problem: string;
}

function resolve(document: ShapeDocument, schema: Schema | undefined, depth = 0): Schema | undefined {
  if (!schema?.$ref || depth > 10) return schema;
  const name = schema.$ref.replace('#/components/schemas/', '');
  return resolve(document, document.components?.schemas?.[name], depth + 1);
}

/** The JSON schema of an operation's 200 answer, references resolved. */
function okSchema(document: ShapeDocument, op: Operation): Schema | undefined {
  return resolve(document, op.responses?.['200']?.content?.['application/json']?.schema);
}

/** Whether a GET answers a list: an array, or it pages (a cursor in, a nextCursor or items out). */
export function isListOperation(document: ShapeDocument, op: Operation): boolean {
  const schema = okSchema(document, op);
  if (!schema) return false;
  const takesCursor = (op.parameters ?? []).some((p) => p.in === 'query' && p.name === 'cursor');
  return (
    schema.type === 'array' ||
    takesCursor ||
    schema.properties?.['nextCursor'] !== undefined ||
    resolve(document, schema.properties?.['items'])?.type === 'array'
  );
}

/** Every way the document's lists and deletes depart from the one shape. */
export function apiShapeProblems(service: string, document: ShapeDocument): ShapeProblem[] {
  const problems: ShapeProblem[] = [];
  for (const [path, methods] of Object.entries(document.paths)) {
    for (const [method, op] of Object.entries(methods)) {
      const operation = `${method.toUpperCase()} ${path}`;
      const fail = (problem: string) => problems.push({ service, operation, problem });
      if (method === 'get' && isListOperation(document, op)) {
        const schema = okSchema(document, op)!;
        if (schema.type === 'array') {
          fail('answers a bare array, not { items, nextCursor }');
          continue;
        }
        const items = resolve(document, schema.properties?.['items']);
        const next = resolve(document, schema.properties?.['nextCursor']);
        if (items?.type !== 'array') fail('has no items array');
        if (next?.type !== 'string' || next.nullable !== true) fail('has no nextCursor (a string or null)');
        for (const field of ['items', 'nextCursor'])
          if (!(schema.required ?? []).includes(field)) fail(`does not always answer ${field}`);
        const query = new Set((op.parameters ?? []).filter((p) => p.in === 'query').map((p) => p.name));
        for (const name of ['limit', 'cursor']) if (!query.has(name)) fail(`does not take ?${name}`);
      }
      if (method === 'delete') {
        const responses = op.responses ?? {};
        if (!responses['204']) fail('does not answer 204');
        if (responses['204']?.content) fail('documents a body for its 204');
        if (responses['200']) fail('answers 200 (with a body) instead of 204');
      }
    }
  }
  return problems;
}
