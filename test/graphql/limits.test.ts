import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { FIELD_COSTS, findLimitErrors, MAX_QUERY_COST, MAX_QUERY_DEPTH } from '../../server/graphql/limits.ts';
import { createSchema } from '../../server/graphql/schema.ts';
import { addUser, post, startHarness, type Harness, type TestUser } from './harness.ts';

// The schema is built by @graphql-tools with the CommonJS build of graphql, and
// graphql-js rejects a schema from another build, so validation uses that build too.
const { parse, specifiedRules, validate } = createRequire(import.meta.url)('graphql') as typeof import('graphql');

let harness: Harness;
let user: TestUser;

beforeAll(async () => {
  harness = await startHarness();
  user = await addUser(harness.db, 'limits');
});

afterAll(async () => {
  await harness?.close();
});

/** Builds a query of depth `depth` by alternating `experiment` and `selectedModel` under `model`. */
function deepQuery(depth: number): string {
  const fields = Array.from({ length: depth - 2 }, (_, level) => (level % 2 === 0 ? 'experiment' : 'selectedModel'));
  const selection = fields.reduceRight((inner, field) => `${field} { ${inner} }`, 'id');
  return `query Deep($id: ID!) { model(id: $id) { ${selection} } }`;
}

describe('query limits', () => {
  test('too deep query names the depth limit', async () => {
    const result = await post(harness, deepQuery(MAX_QUERY_DEPTH + 1), { id: '00000000-0000-4000-8000-000000000000' }, { token: user.token });
    expect(result.status).toBe(400);
    expect(result.errors, JSON.stringify(result.errors)).toHaveLength(1);
    expect(result.errors![0].extensions).toMatchObject({ code: 'GRAPHQL_VALIDATION_FAILED', limit: 'depth', maximum: MAX_QUERY_DEPTH, actual: MAX_QUERY_DEPTH + 1 });
    expect(result.errors![0].message).toContain(`maximum query depth of ${MAX_QUERY_DEPTH}`);
  });

  test('too costly query names the cost limit', async () => {
    const query = `query Costly { studies(first: 1000) { edges { node { experiments(first: 1000) { edges { node { id name } } } } } } }`;
    const result = await post(harness, query, {}, { token: user.token });
    expect(result.errors).toHaveLength(1);
    expect(result.errors![0].extensions).toMatchObject({ code: 'GRAPHQL_VALIDATION_FAILED', limit: 'cost', maximum: MAX_QUERY_COST });
    expect(result.errors![0].extensions.actual).toBeGreaterThan(MAX_QUERY_COST);
    expect(result.errors![0].message).toContain(`maximum query cost of ${MAX_QUERY_COST}`);
  });

  test('page size variable counts as the maximum', () => {
    const schema = createSchema();
    const fixed = parse('query { studies(first: 10) { edges { node { experiments(first: 10) { edges { node { id } } } } } } }');
    const variable = parse('query($n: Int) { studies(first: $n) { edges { node { experiments(first: $n) { edges { node { id } } } } } } }');
    expect(findLimitErrors(schema, fixed)).toEqual([]);
    expect(findLimitErrors(schema, variable).map((error) => error.extensions.limit)).toEqual(['cost']);
  });

  test('previewModelSpace is costly', () => {
    const schema = createSchema();
    const previews = (count: number) =>
      parse(`query { ${Array.from({ length: count }, (_, i) => `p${i}: previewModelSpace(dataset: "mnist", config: {}) { modelCount }`).join(' ')} }`);
    expect(findLimitErrors(schema, previews(4))).toEqual([]);

    const errors = findLimitErrors(schema, previews(5));
    expect(errors.map((error) => error.extensions.limit)).toEqual(['cost']);
    expect(errors[0].extensions.actual).toBe(5 * (1 + FIELD_COSTS['Query.previewModelSpace'] + 1));
  });

  test('fragments count toward depth', () => {
    const schema = createSchema();
    const document = parse(`query { me { ...A } } fragment A on User { id name }`);
    expect(findLimitErrors(schema, document, { maxDepth: 1 }).map((error) => error.extensions.actual)).toEqual([2]);
  });
});

/**
 * Collects the operations of the dashboard's `/* GraphQL *\/` templates. A
 * template that holds only fragments is appended to the operations that
 * interpolate it, and an interpolated argument counts as 100.
 */
function dashboardQueries(folder: string): { file: string; query: string }[] {
  const templates: { file: string; text: string }[] = [];
  for (const entry of readdirSync(folder, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile() || !/\.tsx?$/.test(entry.name)) continue;
    const file = join(entry.parentPath, entry.name);
    for (const match of readFileSync(file, 'utf8').matchAll(/\/\* GraphQL \*\/ `([^`]*)`/g)) templates.push({ file, text: match[1] });
  }

  const fragments = templates.filter(({ text }) => /^\s*fragment\s/.test(text));
  return templates
    .filter(({ text }) => !/^\s*fragment\s/.test(text))
    .map(({ file, text }) => {
      // An interpolated argument value is a page size constant; a standalone one is a fragment.
      const withoutInterpolations = text.replace(/:\s*\$\{[^}]*\}/g, ': 100').replace(/\$\{[^}]*\}/g, '');
      const used = fragments.filter((fragment) => {
        const name = /fragment\s+(\w+)/.exec(fragment.text)?.[1];
        return name !== undefined && withoutInterpolations.includes(`...${name}`);
      });
      return { file, query: [withoutInterpolations, ...used.map((fragment) => fragment.text)].join('\n') };
    });
}

test('every dashboard query is valid and within the limits', () => {
  const schema = createSchema();
  const queries = dashboardQueries(new URL('../../app', import.meta.url).pathname);
  expect(queries.length).toBeGreaterThan(5);
  for (const { file, query } of queries) {
    let document;
    try {
      document = parse(query);
    } catch (error) {
      throw new Error(`Parsing the query in ${file} failed: ${(error as Error).message}\n${query}`);
    }
    expect(validate(schema, document, specifiedRules).map((error) => error.message), file).toEqual([]);
    expect(findLimitErrors(schema, document).map((error) => error.message), file).toEqual([]);
  }
});
