import { describe, expect, test } from 'vitest';
import { EMPTY_FILTER, filterToInput, filterToParams, parseFilterParams } from '../../app/_features/collaboration/filter-params.ts';

describe('study filter in the URL', () => {
  test('round trip through search params', () => {
    const filter = { ...EMPTY_FILTER, q: 'cnn', tags: ['paper', 'mnist'], statuses: ['FINISHED'], from: '2026-12-01', to: '2026-12-04', stat: 'Q3', vmax: '0.5' };
    const params = filterToParams(filter);
    expect(params.toString()).toBe('q=cnn&tag=paper&tag=mnist&status=FINISHED&from=2026-12-01&to=2026-12-04&stat=Q3&vmax=0.5');
    expect(parseFilterParams(new URLSearchParams(params.toString()))).toEqual(filter);
  });

  test('malformed values are ignored', () => {
    const parsed = parseFilterParams(new URLSearchParams('from=yesterday&vmin=abc&status=<x>&stat=drop;table'));
    expect(parsed).toEqual(EMPTY_FILTER);
  });

  test('input covers whole days and converts numbers', () => {
    expect(filterToInput({ ...EMPTY_FILTER, from: '2026-12-01', to: '2026-12-02', vmin: '0.25' })).toEqual({
      createdFrom: '2026-12-01T00:00:00.000Z',
      createdTo: '2026-12-02T23:59:59.999Z',
      selectedValueMin: 0.25,
    });
    expect(filterToInput(EMPTY_FILTER)).toEqual({});
  });
});
