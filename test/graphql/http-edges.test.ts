import { getIntrospectionQuery } from 'graphql';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { MAX_BODY_BYTES } from '../../server/graphql/http.ts';
import { addUser, errorCode, post, startHarness, type Harness, type TestUser } from './harness.ts';

let harness: Harness;
let user: TestUser;

beforeAll(async () => {
  harness = await startHarness();
  user = await addUser(harness.db, 'http-edges');
});

afterAll(async () => {
  await harness?.close();
});

async function postRaw(body: string) {
  const response = await fetch(harness.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
  return { status: response.status, contentType: response.headers.get('content-type'), text: await response.text() };
}

describe('GraphQL over HTTP', () => {
  test('oversized body gets a GraphQL error', async () => {
    const padding = 'x'.repeat(MAX_BODY_BYTES);
    const response = await postRaw(JSON.stringify({ query: '{ me { id } }', variables: { padding } }));
    expect(response.status).toBe(413);
    expect(response.contentType).toContain('application/json');
    const body = JSON.parse(response.text);
    expect(body.errors).toHaveLength(1);
    expect(body.errors[0].message).toContain(`Request body exceeds ${MAX_BODY_BYTES} bytes`);
    expect(body.errors[0].extensions).toEqual({ code: 'BAD_USER_INPUT' });
  });

  test('malformed JSON body is named', async () => {
    const response = await postRaw('{"query": "{ me { id } }"');
    expect(response.status).toBe(400);
    const body = JSON.parse(response.text);
    expect(body.errors).toHaveLength(1);
    expect(body.errors[0].message).toContain('Invalid JSON in the request body');
    expect(body.errors[0].extensions.code).toBe('BAD_REQUEST');
  });

  test('introspection returns the schema', async () => {
    const result = await post(harness, getIntrospectionQuery(), {}, { token: user.token });
    expect(result.errors).toBeUndefined();
    const typeNames = (result.data!.__schema.types as { name: string }[]).map((type) => type.name);
    expect(typeNames).toContain('Experiment');
    expect(typeNames).toContain('Study');
  });

  test('introspection leaves data protected', async () => {
    const result = await post(harness, '{ __schema { queryType { name } } studies(first: 1) { totalCount } }');
    expect(errorCode(result)).toBe('UNAUTHENTICATED');
  });
});
