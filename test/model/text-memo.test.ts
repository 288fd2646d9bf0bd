/** The bounded text memo (lib/model/text-memo.ts) the adopt readers and the Kubernetes writer share. */
import { deepFreeze, TextMemo } from '../../lib/model/text-memo';

describe('TextMemo', () => {
  it('computes a text once, and again only after it was dropped', () => {
    const memo = new TextMemo<number>(10, 8);
    let calls = 0;
    const len = (t: string) => (calls++, t.length);
    expect(memo.get('abcd', len)).toBe(4);
    expect(memo.get('abcd', len)).toBe(4);
    expect(calls).toBe(1);
    memo.get('efgh', len);
    memo.get('abcd', len); // used last: 'efgh' is now the oldest
    memo.get('ijkl', len); // 12 code units held > 10: the oldest goes
    expect(memo.size).toBe(2);
    expect(calls).toBe(3);
    memo.get('abcd', len);
    expect(calls).toBe(3);
    memo.get('efgh', len);
    expect(calls).toBe(4);
  });

  it('remembers undefined and null results, and never texts over its length limit', () => {
    const memo = new TextMemo<string | undefined>(100, 4);
    let calls = 0;
    const none = () => (calls++, undefined);
    memo.get('ab', none);
    memo.get('ab', none);
    memo.get('abcdef', none);
    memo.get('abcdef', none);
    expect(calls).toBe(3);
    expect(memo.size).toBe(1);
  });

  it('deepFreeze freezes everything reachable', () => {
    const v = deepFreeze({ a: [{ b: 1 }], c: { d: 'x' } });
    expect(Object.isFrozen(v.a[0])).toBe(true);
    expect(Object.isFrozen(v.c)).toBe(true);
    expect(() => {
      'use strict';
      (v.a as unknown[]).push(2);
    }).toThrow(TypeError);
  });
});
