import { lineBatch } from '../../bin/commands/line-batch';

/** A batch over recorded writes, with the end-of-turn flush run by hand. */
function setup() {
  const writes: Array<[string, string]> = [];
  const pending: Array<() => void> = [];
  const batch = lineBatch({ out: (s) => writes.push(['out', s]), err: (s) => writes.push(['err', s]) }, (f) => pending.push(f));
  const endTurn = () => pending.splice(0).forEach((f) => f());
  return { writes, batch, endTurn, pending };
}

describe('lineBatch (anygate dev output)', () => {
  test('lines written in one turn reach stdout in one write, in order, at the end of the turn', () => {
    const { writes, batch, endTurn, pending } = setup();
    batch.out('a\n');
    batch.out('b\n');
    batch.out('c\n');
    expect(writes).toEqual([]);
    expect(pending).toHaveLength(1);
    endTurn();
    expect(writes).toEqual([['out', 'a\nb\nc\n']]);
    batch.out('d\n');
    endTurn();
    expect(writes).toEqual([['out', 'a\nb\nc\n'], ['out', 'd\n']]);
  });

  test('a message to stderr comes after the lines queued before it', () => {
    const { writes, batch, endTurn } = setup();
    batch.out('listening\n');
    batch.err('warning\n');
    batch.out('after\n');
    endTurn();
    expect(writes).toEqual([['out', 'listening\n'], ['err', 'warning\n'], ['out', 'after\n']]);
  });

  test('flush writes what is queued; nothing queued writes nothing', () => {
    const { writes, batch, endTurn } = setup();
    batch.flush();
    expect(writes).toEqual([]);
    batch.out('last\n');
    batch.flush();
    endTurn();
    expect(writes).toEqual([['out', 'last\n']]);
  });
});
