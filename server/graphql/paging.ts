import { badUserInput } from './errors.ts';

/** Largest page size any connection accepts. */
export const MAX_PAGE_SIZE = 1000;

/** Offset and size of one page, parsed from the `first` and `after` arguments. */
export interface PageRequest {
  offset: number;
  limit: number;
}

export interface Connection<T> {
  edges: { cursor: string; node: T }[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  totalCount: number;
}

/** Encodes a position in a list as an opaque cursor. */
export function encodeCursor(offset: number): string {
  return Buffer.from(`offset:${offset}`).toString('base64url');
}

/**
 * Parses `first` and `after`. Cursors are positions in the sorted list, so a
 * list that changes between two page requests can shift items across pages.
 */
export function parsePage(args: { first?: number | null; after?: string | null }): PageRequest {
  const limit = args.first ?? 50;
  if (!Number.isInteger(limit) || limit < 0 || limit > MAX_PAGE_SIZE) {
    throw badUserInput(`Invalid first ${limit}: expected an integer from 0 to ${MAX_PAGE_SIZE}.`, 'first');
  }
  if (args.after == null) return { offset: 0, limit };

  const match = /^offset:(\d{1,9})$/.exec(Buffer.from(args.after, 'base64url').toString());
  if (!match) {
    throw badUserInput(`Invalid cursor ${JSON.stringify(args.after)}: pass the endCursor of a previous page.`, 'after');
  }
  return { offset: Number(match[1]) + 1, limit };
}

/**
 * Returns the length of the whole list, given the number of items on one page
 * of it. A page shorter than requested ends the list, so `count` (one more
 * SQL statement) runs only for a full page, `first: 0`, or a page past the end.
 */
export async function totalOfPage(page: PageRequest, itemCount: number, count: () => Promise<number>): Promise<number> {
  if (itemCount < page.limit && (itemCount > 0 || page.offset === 0)) return page.offset + itemCount;
  return count();
}

/** Builds a connection from the items of one page that start at `page.offset`. */
export function toConnection<T>(items: T[], page: PageRequest, totalCount: number): Connection<T> {
  const edges = items.map((node, i) => ({ cursor: encodeCursor(page.offset + i), node }));
  return {
    edges,
    pageInfo: {
      hasNextPage: page.offset + items.length < totalCount,
      endCursor: edges.length > 0 ? edges[edges.length - 1].cursor : null,
    },
    totalCount,
  };
}

/** Slices an in-memory list into a connection. */
export function sliceConnection<T>(all: T[], page: PageRequest): Connection<T> {
  return toConnection(all.slice(page.offset, page.offset + page.limit), page, all.length);
}
