import fc from 'fast-check';

/**
 * Requests generated from a service's OpenAPI document: for every operation, fast-check
 * arbitraries for its path and query parameters and its JSON body, drawn from each schema
 * (valid-ish values) and mixed with the values an attacker tries first (NUL, unpaired surrogates,
 * numbers past every column, impossible dates, forged cursors, deep nesting, wrong content types).
 */

/** The parts of an OpenAPI 3 document the generator reads. */
export interface OpenApiDocument {
  readonly paths: Record<string, Record<string, OpenApiOperation>>;
  readonly components?: { readonly schemas?: Record<string, JsonSchema> };
}

interface OpenApiOperation {
  readonly parameters?: readonly {
    readonly name: string;
    readonly in: 'path' | 'query' | 'header' | 'cookie';
    readonly required?: boolean;
    readonly schema?: JsonSchema;
  }[];
  readonly requestBody?: { readonly content?: Record<string, { readonly schema?: JsonSchema }> };
}

/** The subset of JSON Schema that @nestjs/swagger writes. */
export interface JsonSchema {
  readonly $ref?: string;
  readonly type?: string | readonly string[];
  readonly format?: string;
  readonly enum?: readonly unknown[];
  readonly items?: JsonSchema;
  readonly properties?: Record<string, JsonSchema>;
  readonly required?: readonly string[];
  readonly additionalProperties?: boolean | JsonSchema;
  readonly minimum?: number;
  readonly maximum?: number;
  readonly maxLength?: number;
  readonly pattern?: string;
  readonly oneOf?: readonly JsonSchema[];
  readonly anyOf?: readonly JsonSchema[];
  readonly allOf?: readonly JsonSchema[];
  readonly nullable?: boolean;
  readonly example?: unknown;
  readonly default?: unknown;
}

/** One operation of a document. */
export interface FuzzOperation {
  readonly method: string;
  /** The path template, e.g. /v1/alerts/{id}. */
  readonly path: string;
  readonly operation: OpenApiOperation;
}

/** A request ready to send. */
export interface FuzzRequest {
  readonly method: string;
  /** Path and query, already encoded. */
  readonly url: string;
  readonly headers: Record<string, string>;
  readonly body?: string;
}

/**
 * Every operation of a document but the health probes; those that create (POST without a path
 * parameter) first, so that the others can be sent the ids they created.
 */
export function operationsOf(document: OpenApiDocument): FuzzOperation[] {
  const creates = (op: FuzzOperation) => op.method === 'POST' && !op.path.includes('{');
  return Object.entries(document.paths)
    .filter(([path]) => !path.startsWith('/health/'))
    .flatMap(([path, methods]) =>
      Object.entries(methods)
        .filter(([method]) => ['get', 'post', 'put', 'patch', 'delete'].includes(method))
        .map(([method, operation]) => ({ method: method.toUpperCase(), path, operation })),
    )
    .sort((a, b) => Number(creates(b)) - Number(creates(a)));
}

/** Stands in a path for an id the service gave out earlier in the run (see fuzzOpenApi). */
export const KNOWN_ID = '\u0002known-id\u0002';

const b64 = (text: string) => Buffer.from(text, 'utf8').toString('base64url');

/**
 * Values JSON.stringify cannot write (1e400) or should not have to (5,000 levels of nesting):
 * a marker string, replaced by its raw JSON text once the body or parameter is text.
 */
const RAW_TEXTS = new Map<string, string>();

function raw(text: string): string {
  const marker = `\u0001raw${RAW_TEXTS.size}\u0001`;
  RAW_TEXTS.set(marker, text);
  return marker;
}

/** Strings no API may store or choke on. */
export const HOSTILE_STRINGS: readonly string[] = [
  '\u0000',
  'a\u0000b',
  '\ud800',
  'x\udfff',
  '\udc00\ud800',
  '',
  ' ',
  'x'.repeat(5000),
  '%00',
  "'; DROP TABLE x; --",
  '../../etc/passwd',
  '😀',
];

/** Dates, months and instants that do not exist or overflow a column. */
export const HOSTILE_DATES: readonly string[] = [
  '2026-13-01',
  '2026-13',
  '2026-00',
  '2026-02-30',
  '2026-02-30T00:00:00Z',
  '0000-01-01',
  '0000-01',
  '9999-12-31',
  '9999-12',
  '275760-09-13',
  '+275760-09-13T00:00:00Z',
  '-000001-01-01T00:00:00Z',
  '2026-1-1',
  '1970-01-01T00:00:00.0000001Z',
  '2026-06-15T25:00:00Z',
];

/** Cursors this API never issued: malformed, or well-formed with impossible values. */
export const FORGED_CURSORS: readonly string[] = [
  'not-a-cursor',
  '!!!',
  b64('seq:9999999999999999999'),
  b64('seq:-1'),
  b64('seq:abc'),
  b64(JSON.stringify(['2026-99-99T00:00:00Z', '00000000-0000-0000-0000-000000000000'])),
  b64(JSON.stringify(['2026-01-01T00:00:00Z', 'a\u0000b'])),
  b64(JSON.stringify(['275760-09-13T00:00:00Z', 'x'])),
  b64(JSON.stringify(['score', '1e400', 'acc'])),
  b64(JSON.stringify(['score', '99999999999999999999999999999', 'a\u0000'])),
  b64(JSON.stringify(['name', null, 'acc'])),
  b64(JSON.stringify({ at: 1 })),
  b64('['.repeat(1000)),
];

const RAW_1E400_MARKER = raw('1e400');

/**
 * Numbers past every column: int4, int8, double. Those JavaScript cannot hold exactly (2^63 - 1,
 * 2^63, 1e400) are markers written into bodies and parameters as their literal text.
 */
export const HOSTILE_NUMBERS: readonly unknown[] = [
  2147483648,
  -2147483649,
  raw('9223372036854775807'),
  raw('9223372036854775808'),
  raw('-9223372036854775809'),
  2 ** 64,
  1e308,
  -1e308,
  Number.MAX_SAFE_INTEGER + 2,
  5e-324,
  -1,
  0,
  1.5,
  RAW_1E400_MARKER,
];

/** JSON text nested `depth` levels, objects and arrays in turn. */
export function nestedJson(depth: number): string {
  const open = Array.from({ length: depth }, (_, i) => (i % 2 === 0 ? '{"n":' : '[')).join('');
  const close = Array.from({ length: depth }, (_, i) => (i % 2 === 0 ? '}' : ']'))
    .reverse()
    .join('');
  return `${open}"bottom"${close}`;
}

/** A value nested `depth` levels, as a marker for its raw text. */
export function nestedValue(depth: number): string {
  return raw(nestedJson(depth));
}

function rawText(text: string): string {
  let out = text;
  for (const [marker, replacement] of RAW_TEXTS) {
    out = out.replaceAll(JSON.stringify(marker), replacement).replaceAll(marker, replacement);
  }
  return out;
}

function hostileValue(): fc.Arbitrary<unknown> {
  return fc.oneof(
    fc.constantFrom(...HOSTILE_STRINGS),
    fc.constantFrom(...HOSTILE_DATES),
    fc.constantFrom(...FORGED_CURSORS),
    fc.constantFrom(...HOSTILE_NUMBERS),
    fc.constantFrom<unknown>(null, true, [], {}, ['\u0000'], { '\u0000': 1 }),
    fc.constantFrom(40, 5000).map(nestedValue),
  );
}

const DATE_NAME = /date|month|from|^to$|until|before|after|since|due|At$|expires/i;

/**
 * Hostile values aimed at a field by its name and schema: forged cursors at a cursor, numbers
 * past every column at a number, impossible dates at a date; any hostile value besides.
 */
function hostileFor(
  document: OpenApiDocument,
  name: string,
  raw: JsonSchema | undefined,
): fc.Arbitrary<unknown> {
  const schema = resolve(document, raw);
  const type = typeOf(schema);
  const aimed: fc.Arbitrary<unknown>[] = [fc.constantFrom(...HOSTILE_STRINGS)];
  if (/cursor/i.test(name)) aimed.push(fc.constantFrom(...FORGED_CURSORS));
  if (type === 'integer' || type === 'number' || /limit|version|count|rate|days|weight|min|max/i.test(name))
    aimed.push(fc.constantFrom(...HOSTILE_NUMBERS), fc.constantFrom(...HOSTILE_NUMBERS.map(String)));
  if (schema.format === 'date' || schema.format === 'date-time' || DATE_NAME.test(name))
    aimed.push(fc.constantFrom(...HOSTILE_DATES));
  return fc.oneof({ arbitrary: fc.oneof(...aimed), weight: 3 }, { arbitrary: hostileValue(), weight: 1 });
}

/** Resolves a $ref against the document's components. */
function resolve(document: OpenApiDocument, schema: JsonSchema | undefined): JsonSchema {
  let current = schema ?? {};
  for (let i = 0; i < 10 && current.$ref; i++) {
    const name = current.$ref.split('/').pop()!;
    current = document.components?.schemas?.[name] ?? {};
  }
  return current;
}

function typeOf(schema: JsonSchema): string | undefined {
  return Array.isArray(schema.type) ? (schema.type as string[])[0] : (schema.type as string | undefined);
}

/** Values shaped by a schema: mostly valid, sometimes at its edges. */
export function schemaValue(
  document: OpenApiDocument,
  raw: JsonSchema | undefined,
  depth = 0,
): fc.Arbitrary<unknown> {
  const schema = resolve(document, raw);
  if (depth > 6) return fc.constant(null);
  const alternatives = schema.oneOf ?? schema.anyOf;
  if (alternatives && alternatives.length > 0)
    return fc.oneof(...alternatives.map((s) => schemaValue(document, s, depth + 1)));
  if (schema.allOf && schema.allOf.length > 0) {
    const merged: JsonSchema = schema.allOf.reduce<JsonSchema>((acc, part) => {
      const r = resolve(document, part);
      return {
        ...acc,
        ...r,
        properties: { ...(acc.properties ?? {}), ...(r.properties ?? {}) },
        required: [...(acc.required ?? []), ...(r.required ?? [])],
      };
    }, {});
    return schemaValue(document, merged, depth + 1);
  }
  if (schema.enum && schema.enum.length > 0) return fc.constantFrom(...schema.enum);
  const examples = [schema.example, schema.default].filter((v) => v !== undefined);
  const withExamples = (arb: fc.Arbitrary<unknown>) =>
    examples.length > 0 ? fc.oneof({ arbitrary: fc.constantFrom(...examples), weight: 2 }, arb) : arb;
  switch (typeOf(schema)) {
    case 'integer':
      return withExamples(
        fc.oneof(
          fc.integer({ min: schema.minimum ?? -1000, max: schema.maximum ?? 100_000 }),
          fc.constantFrom(schema.minimum ?? 0, schema.maximum ?? 2147483647, 2147483647, -1),
        ),
      );
    case 'number':
      return withExamples(
        fc.oneof(
          fc.double({ min: schema.minimum ?? -1e6, max: schema.maximum ?? 1e6, noNaN: true }),
          fc.constantFrom(schema.minimum ?? 0, schema.maximum ?? 1e15),
        ),
      );
    case 'boolean':
      return fc.boolean();
    case 'array':
      return fc.array(schemaValue(document, schema.items, depth + 1), { maxLength: 4 });
    case 'object': {
      const properties = schema.properties ?? {};
      const required = new Set(schema.required ?? []);
      const record = fc.record(
        Object.fromEntries(
          Object.entries(properties).map(([name, s]) => [name, schemaValue(document, s, depth + 1)]),
        ),
        { requiredKeys: [...required].filter((k) => k in properties) },
      );
      if (Object.keys(properties).length === 0)
        return fc.dictionary(fc.string({ maxLength: 10 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 4 });
      return record;
    }
    default:
      return withExamples(stringValue(schema));
  }
}

function stringValue(schema: JsonSchema): fc.Arbitrary<unknown> {
  const maxLength = Math.min(schema.maxLength ?? 40, 200);
  switch (schema.format) {
    case 'date':
      return fc
        .date({ min: new Date('2000-01-01'), max: new Date('2030-12-31'), noInvalidDate: true })
        .map((d) => d.toISOString().slice(0, 10));
    case 'date-time':
      return fc
        .date({ min: new Date('2000-01-01'), max: new Date('2030-12-31'), noInvalidDate: true })
        .map((d) => d.toISOString());
    case 'uuid':
      return fc.uuid();
    case 'email':
      return fc.emailAddress();
    case 'uri':
    case 'url':
      return fc.webUrl();
    default:
      return fc.oneof(
        fc.string({ maxLength }),
        fc.constantFrom('2026-01', '2026-01-01', '2026-01-01T00:00:00Z', 'acc-1'),
      );
  }
}

/** A schema's value, or one of the hostile ones in about one draw in three. */
function valueOrHostile(
  document: OpenApiDocument,
  name: string,
  schema: JsonSchema | undefined,
): fc.Arbitrary<unknown> {
  return fc.oneof(
    { arbitrary: schemaValue(document, schema), weight: 1 },
    { arbitrary: hostileFor(document, name, schema), weight: 1 },
  );
}

/** A body schema's value with hostile values planted at some of its fields. */
function bodyValue(document: OpenApiDocument, schema: JsonSchema | undefined): fc.Arbitrary<unknown> {
  const resolved = resolve(document, schema);
  const properties = resolved.properties ?? {};
  const planted =
    Object.keys(properties).length > 0
      ? fc.record(
          Object.fromEntries(
            Object.entries(properties).map(([name, s]) => [name, valueOrHostile(document, name, s)]),
          ),
          { requiredKeys: [] },
        )
      : hostileValue();
  return fc.oneof(
    { arbitrary: schemaValue(document, schema), weight: 2 },
    { arbitrary: planted, weight: 3 },
    { arbitrary: hostileValue(), weight: 1 },
    { arbitrary: fc.jsonValue({ maxDepth: 3 }), weight: 1 },
  );
}

/** Encodes a path or query value as a client would; an unpaired surrogate as its WTF-8 bytes. */
export function encodeUriPart(text: string): string {
  let out = '';
  for (const char of text) {
    const code = char.codePointAt(0)!;
    if (code >= 0xd800 && code <= 0xdfff)
      out += [0xe0 | (code >> 12), 0x80 | ((code >> 6) & 0x3f), 0x80 | (code & 0x3f)]
        .map((b) => `%${b.toString(16).toUpperCase()}`)
        .join('');
    else out += encodeURIComponent(char);
  }
  return out;
}

function asParameterText(value: unknown): string {
  return rawText(typeof value === 'object' ? JSON.stringify(value) : String(value));
}

function bodyText(value: unknown): string {
  return rawText(JSON.stringify(value) ?? 'null');
}

/** The ways a body can be sent wrong, besides valid JSON. */
const BROKEN_BODIES: readonly { contentType: string; body: string }[] = [
  { contentType: 'text/plain', body: 'hello' },
  { contentType: 'application/xml', body: '<a>1</a>' },
  { contentType: 'application/x-www-form-urlencoded', body: 'a=1&b=%00' },
  { contentType: 'application/json', body: '{"a":' },
  { contentType: 'application/json', body: '' },
  { contentType: 'application/json', body: '{"__proto__":{"x":1}}' },
  { contentType: 'application/json', body: '{"constructor":{"prototype":{"x":1}}}' },
  { contentType: 'application/json', body: '[1e400]' },
  { contentType: 'application/json; charset=latin1', body: '{}' },
  { contentType: 'multipart/form-data; boundary=x', body: '--x--' },
];

/**
 * Requests for one operation: path parameters, query parameters and a body drawn from their
 * schemas with hostile values mixed in; `auth` gives the headers that authenticate it.
 */
export function requestsFor(
  document: OpenApiDocument,
  op: FuzzOperation,
  auth: Record<string, string>,
): fc.Arbitrary<FuzzRequest> {
  const parameters = op.operation.parameters ?? [];
  const pathParams = parameters.filter((p) => p.in === 'path');
  const queryParams = parameters.filter((p) => p.in === 'query');
  const pathArb = fc.tuple(
    ...pathParams.map((p) =>
      fc.oneof(
        { arbitrary: fc.constant<unknown>(KNOWN_ID), weight: 3 },
        { arbitrary: fc.uuid(), weight: 1 },
        { arbitrary: schemaValue(document, p.schema), weight: 1 },
        { arbitrary: hostileFor(document, p.name, p.schema), weight: 2 },
      ),
    ),
  );
  const queryArb = fc.tuple(
    ...queryParams.map((p) =>
      fc.option(valueOrHostile(document, p.name, p.schema), { nil: undefined, freq: p.required ? 10 : 3 }),
    ),
  );
  const jsonSchema = op.operation.requestBody?.content?.['application/json']?.schema;
  const hasBody = op.operation.requestBody !== undefined || ['POST', 'PUT', 'PATCH'].includes(op.method);
  const bodyArb: fc.Arbitrary<{ contentType: string; body: string } | undefined> = hasBody
    ? fc.oneof(
        {
          arbitrary: bodyValue(document, jsonSchema).map((v) => ({
            contentType: 'application/json',
            body: bodyText(v),
          })),
          weight: 8,
        },
        { arbitrary: fc.constantFrom(...BROKEN_BODIES), weight: 1 },
      )
    : fc.constant(undefined);
  const authArb = fc.oneof(
    { arbitrary: fc.constant(auth), weight: 12 },
    { arbitrary: fc.constant({}), weight: 1 },
  );
  return fc
    .record({ path: pathArb, query: queryArb, body: bodyArb, auth: authArb })
    .map(({ path, query, body, auth: headers }) => {
      let url = op.path;
      pathParams.forEach((p, i) => {
        const text = asParameterText(path[i]);
        url = url.replace(`{${p.name}}`, text === '' ? '%20' : encodeUriPart(text));
      });
      const pairs = queryParams.flatMap((p, i) => {
        const value = query[i];
        if (value === undefined) return [];
        const values = Array.isArray(value) ? value : [value];
        return values.map((v) => `${encodeURIComponent(p.name)}=${encodeUriPart(asParameterText(v))}`);
      });
      if (pairs.length > 0) url += `?${pairs.join('&')}`;
      return {
        method: op.method,
        url,
        headers: { ...headers, ...(body ? { 'content-type': body.contentType } : {}) },
        ...(body ? { body: body.body } : {}),
      };
    });
}

/** A plausible value of a schema: its example or default, else the simplest value of its type. */
export function exampleOf(document: OpenApiDocument, raw: JsonSchema | undefined, depth = 0): unknown {
  const schema = resolve(document, raw);
  if (schema.example !== undefined) return schema.example;
  if (schema.default !== undefined) return schema.default;
  if (schema.enum && schema.enum.length > 0) return schema.enum[0];
  const first = (schema.oneOf ?? schema.anyOf ?? schema.allOf)?.[0];
  if (first) return exampleOf(document, first, depth + 1);
  switch (typeOf(schema)) {
    case 'integer':
    case 'number':
      return schema.minimum ?? 1;
    case 'boolean':
      return true;
    case 'array':
      return [];
    case 'object':
      if (depth > 6) return {};
      return Object.fromEntries(
        (schema.required ?? []).map((name) => [
          name,
          exampleOf(document, schema.properties?.[name], depth + 1),
        ]),
      );
    default:
      if (schema.format === 'date') return '2026-01-01';
      if (schema.format === 'date-time') return '2026-01-01T00:00:00.000Z';
      if (schema.format === 'uuid') return '00000000-0000-4000-8000-000000000000';
      return 'fuzz';
  }
}

/** The hostile values a sweep sends to one field, aimed by its name and schema. */
function sweepValues(document: OpenApiDocument, name: string, raw: JsonSchema | undefined): unknown[] {
  const schema = resolve(document, raw);
  const type = typeOf(schema);
  const values: unknown[] = ['a\u0000b', '\ud800', 'x'.repeat(5000)];
  if (/cursor/i.test(name)) values.push(...FORGED_CURSORS);
  if (type === 'integer' || type === 'number' || /limit|version|count|rate|days|weight|min|max/i.test(name))
    values.push(...HOSTILE_NUMBERS, ...HOSTILE_NUMBERS.map((v) => (typeof v === 'number' ? String(v) : v)));
  if (schema.format === 'date' || schema.format === 'date-time' || DATE_NAME.test(name))
    values.push(...HOSTILE_DATES);
  if (type === 'object' || type === 'array') values.push(nestedValue(40), [null], { '\u0000': 1 });
  return values;
}

/**
 * Deterministic requests for one operation: a plausible request (examples, and an id the service
 * gave out in the path), then the same with one field at a time replaced by each hostile value
 * aimed at it (path and query parameters, the body's top-level fields), then the plausible body
 * sent with each wrong content type.
 */
export function sweepRequests(
  document: OpenApiDocument,
  op: FuzzOperation,
  auth: Record<string, string>,
): FuzzRequest[] {
  const parameters = (op.operation.parameters ?? []).filter((p) => p.in === 'path' || p.in === 'query');
  const jsonSchema = op.operation.requestBody?.content?.['application/json']?.schema;
  const hasBody = op.operation.requestBody !== undefined || ['POST', 'PUT', 'PATCH'].includes(op.method);
  const baseParams = new Map<string, unknown>(
    parameters
      .filter((p) => p.in === 'path' || p.required)
      .map((p) => [p.name, p.in === 'path' ? KNOWN_ID : exampleOf(document, p.schema)]),
  );
  const baseBody = hasBody ? exampleOf(document, jsonSchema) : undefined;
  const build = (
    params: Map<string, unknown>,
    body: unknown,
    contentType = 'application/json',
  ): FuzzRequest => {
    let url = op.path;
    const pairs: string[] = [];
    for (const p of parameters) {
      if (!params.has(p.name)) continue;
      const text = asParameterText(params.get(p.name));
      if (p.in === 'path') url = url.replace(`{${p.name}}`, text === '' ? '%20' : encodeUriPart(text));
      else pairs.push(`${encodeURIComponent(p.name)}=${encodeUriPart(text)}`);
    }
    if (pairs.length > 0) url += `?${pairs.join('&')}`;
    return {
      method: op.method,
      url,
      headers: { ...auth, ...(hasBody ? { 'content-type': contentType } : {}) },
      ...(hasBody
        ? { body: typeof body === 'string' && contentType !== 'application/json' ? body : bodyText(body) }
        : {}),
    };
  };
  const requests = [build(baseParams, baseBody)];
  for (const p of parameters)
    for (const value of sweepValues(document, p.name, p.schema))
      requests.push(build(new Map([...baseParams, [p.name, value]]), baseBody));
  const properties = resolve(document, jsonSchema).properties ?? {};
  if (hasBody && typeof baseBody === 'object' && baseBody !== null && !Array.isArray(baseBody)) {
    for (const [name, schema] of Object.entries(properties))
      for (const value of sweepValues(document, name, schema))
        requests.push(build(baseParams, { ...baseBody, [name]: value }));
  }
  if (hasBody) {
    requests.push(build(baseParams, nestedValue(5000)));
    for (const broken of BROKEN_BODIES) requests.push(build(baseParams, broken.body, broken.contentType));
  }
  return requests;
}
