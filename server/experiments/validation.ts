import type { z } from 'zod';
import { badUserInput } from '../graphql/errors.ts';
import type { GraphQLError } from 'graphql';

/** Formats a zod issue path as `space.architectures[0].conv`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let text = '';
  for (const key of path) {
    if (typeof key === 'number') text += `[${key}]`;
    else text += text ? `.${String(key)}` : String(key);
  }
  return text || '(root)';
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let value = input;
  for (const key of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}

function describeValue(value: unknown): string {
  if (value === undefined) return 'missing';
  const text = JSON.stringify(value);
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}

/**
 * Turns the first zod issue into BAD_USER_INPUT for argument `argumentName`,
 * naming the failing path, its value and the rule it broke (zod's message
 * states what is allowed). Every issue is listed in `extensions.issues`.
 */
export function zodToUserInputError(error: z.ZodError, input: unknown, argumentName: string): GraphQLError {
  const issues = error.issues.map((issue) => {
    // An unknown key is reported at its own path, so that a typo names the key.
    const path = issue.code === 'unrecognized_keys' ? [...issue.path, issue.keys[0]] : issue.path;
    return { path: formatPath(path), value: describeValue(valueAt(input, path)), message: issue.message };
  });
  const first = issues[0];
  const others = issues.length - 1;
  const more = others > 0 ? ` (${others} more ${others === 1 ? 'problem' : 'problems'} in extensions.issues)` : '';
  const result = badUserInput(`Invalid ${argumentName} at ${first.path}: value ${first.value}. ${first.message}${more}`, argumentName);
  (result.extensions as Record<string, unknown>).issues = issues;
  return result;
}
