import { ShapeDocument, apiShapeProblems, isListOperation } from './api-shape';

const page = {
  type: 'object',
  required: ['items', 'nextCursor'],
  properties: {
    items: { type: 'array', items: { type: 'object' } },
    nextCursor: { type: 'string', nullable: true },
  },
};
const pageParams = [
  { name: 'limit', in: 'query' },
  { name: 'cursor', in: 'query' },
];
const ok = (schema: object) => ({ content: { 'application/json': { schema } } });

describe('apiShapeProblems', () => {
  it('accepts paged lists, 204 deletes and GETs that are not lists', () => {
    const document: ShapeDocument = {
      paths: {
        '/v1/things': {
          get: {
            parameters: pageParams,
            responses: { '200': ok({ $ref: '#/components/schemas/ThingPage' }) },
          },
        },
        '/v1/things/{id}': {
          get: { responses: { '200': ok({ type: 'object', properties: { id: { type: 'string' } } }) } },
          delete: { responses: { '204': {}, '404': {} } },
        },
      },
      components: { schemas: { ThingPage: page } },
    };
    expect(apiShapeProblems('svc', document)).toEqual([]);
  });

  it('names a bare-array list, a page without its cursor and a delete that answers a body', () => {
    const document: ShapeDocument = {
      paths: {
        '/v1/rules': { get: { responses: { '200': ok({ type: 'array', items: { type: 'object' } }) } } },
        '/v1/runs': {
          get: {
            parameters: [{ name: 'cursor', in: 'query' }],
            responses: {
              '200': ok({
                ...page,
                required: ['items'],
                properties: { ...page.properties, nextCursor: { type: 'string' } },
              }),
            },
          },
        },
        '/v1/rules/{id}': { delete: { responses: { '200': ok({ type: 'object' }) } } },
      },
    };
    expect(apiShapeProblems('svc', document)).toEqual([
      {
        service: 'svc',
        operation: 'GET /v1/rules',
        problem: 'answers a bare array, not { items, nextCursor }',
      },
      { service: 'svc', operation: 'GET /v1/runs', problem: 'has no nextCursor (a string or null)' },
      { service: 'svc', operation: 'GET /v1/runs', problem: 'does not always answer nextCursor' },
      { service: 'svc', operation: 'GET /v1/runs', problem: 'does not take ?limit' },
      { service: 'svc', operation: 'DELETE /v1/rules/{id}', problem: 'does not answer 204' },
      {
        service: 'svc',
        operation: 'DELETE /v1/rules/{id}',
        problem: 'answers 200 (with a body) instead of 204',
      },
    ]);
  });

  it('takes an object with items, or a cursor parameter, for a list', () => {
    const document: ShapeDocument = { paths: {} };
    expect(
      isListOperation(document, {
        responses: { '200': ok({ type: 'object', properties: { items: { type: 'array' } } }) },
      }),
    ).toBe(true);
    expect(
      isListOperation(document, {
        parameters: [{ name: 'cursor', in: 'query' }],
        responses: { '200': ok({ type: 'object' }) },
      }),
    ).toBe(true);
    expect(
      isListOperation(document, {
        responses: { '200': ok({ type: 'object', properties: { points: { type: 'array' } } }) },
      }),
    ).toBe(false);
  });
});
