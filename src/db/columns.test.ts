import { describe, expect, it } from 'vitest';
import { columnsOf } from './columns.ts';

describe('columnsOf', () => {
  it('turns rows into one array per key, in the order of the keys, with missing values as null', () => {
    const rows = [
      { id: 'a', n: 1, note: undefined as string | undefined },
      { id: 'b', n: 2, note: 'x' },
    ];
    expect(columnsOf(rows, ['n', 'id', 'note'])).toEqual([
      [1, 2],
      ['a', 'b'],
      [null, 'x'],
    ]);
    expect(columnsOf([], ['id'])).toEqual([[]]);
  });
});
