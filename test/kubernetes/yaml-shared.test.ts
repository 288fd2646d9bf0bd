/**
 * The manifest writer's shortcuts (providers/kubernetes/shared.ts, yaml.ts): a subtree the
 * compiler shares between objects is written once per indentation level and copied afterwards,
 * and a stage's stream is written into one buffer. Both must give toYaml's bytes exactly, and no
 * two inputs (another subtree, another level) may ever get each other's text.
 */
import fc from 'fast-check';
import { generateGateway } from '../../bench/gen-spec';
import { toGatewaySpec } from '../../lib/model/normalize';
import { compileKubernetes } from '../../providers/kubernetes/compile';
import { sharedSubtree } from '../../providers/kubernetes/shared';
import { eachYamlBytes, objectYaml, referenceYaml, toYaml } from '../../providers/kubernetes/yaml';
import { fullInput, trafficInput } from './fixtures';

const RUNS = Number(process.env.FUZZ_RUNS ?? 100);
const SEED = Number(process.env.FUZZ_SEED ?? 20261207);

const str = fc.oneof(fc.constantFrom('a', 'b', 'yes', '', '%REQ(x)%', '{"e":1}', 'é', '😀', 'a: b'), fc.string({ maxLength: 6 }));
const value = fc.letrec<{ v: unknown }>((tie) => ({
  v: fc.oneof({ depthSize: 'small', maxDepth: 4 }, str, fc.integer(), fc.boolean(), fc.array(tie('v'), { maxLength: 3 }), fc.dictionary(str, tie('v'), { maxKeys: 3, noNullPrototype: true })),
})).v;
const container = fc.oneof(fc.array(value, { minLength: 1, maxLength: 3 }), fc.dictionary(str, value, { minKeys: 1, maxKeys: 3, noNullPrototype: true }));

const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

describe('shared subtrees in the manifest writer', () => {
  it('write a shared subtree as the same data unshared, wherever and however deep it stands, in any order', () => {
    fc.assert(
      fc.property(container, container, fc.array(fc.nat(4), { minLength: 1, maxLength: 6 }), (a, b, depths) => {
        const sa = sharedSubtree(clone(a));
        const sb = sharedSubtree(clone(b));
        // Each document holds the two subtrees at some depth: the first writing of a level
        // remembers its text, later ones copy it; a level written first elsewhere must not leak.
        const nest = (v: unknown, d: number): unknown => (d === 0 ? v : { k: nest(v, d - 1) });
        for (const d of depths) {
          const shared = { x: nest(sa, d), y: [nest(sb, d + 1)], z: nest(sa, d + 1) };
          const plain = { x: nest(clone(a), d), y: [nest(clone(b), d + 1)], z: nest(clone(a), d + 1) };
          expect(objectYaml(shared)).toBe(objectYaml(plain));
        }
        const d = depths[0]!;
        expect(objectYaml({ x: nest(sa, d) })).toBe(referenceYaml({ x: nest(clone(a), d) }));
      }),
      { numRuns: Math.ceil(RUNS / 2), seed: SEED },
    );
  });

  it('never gives one subtree another one\'s text: equal-looking and different subtrees, one level', () => {
    const one = sharedSubtree({ rules: [{ name: 'a' }] });
    const same = sharedSubtree({ rules: [{ name: 'a' }] });
    const other = sharedSubtree({ rules: [{ name: 'b' }] });
    expect(objectYaml({ p: one, q: other, r: same })).toBe('p:\n  rules:\n    - name: a\nq:\n  rules:\n    - name: b\nr:\n  rules:\n    - name: a\n');
    expect(objectYaml({ p: { q: one } })).toBe('p:\n  q:\n    rules:\n      - name: a\n');
  });

  it('freezes a shared subtree all the way down, so its remembered text cannot go stale', () => {
    const s = sharedSubtree({ a: [{ b: 1 }] });
    expect(() => {
      (s.a[0] as { b: number }).b = 2;
    }).toThrow(TypeError);
    expect(Object.isFrozen(s.a)).toBe(true);
  });

  it('shares each policy block between the policies of every route and stage, copying what it takes from the spec', () => {
    const spec = toGatewaySpec(generateGateway(40, { kubernetes: true }));
    const policies = compileKubernetes(spec).stages.flatMap((s) => s.objects).filter((o) => o.kind === 'SecurityPolicy');
    const blocks = (key: string) => new Set(policies.map((p) => (p.spec as Record<string, unknown>)[key]).filter((b) => b !== undefined));
    expect(policies.length).toBeGreaterThan(40);
    for (const key of ['cors', 'jwt', 'apiKeyAuth']) {
      expect(blocks(key).size).toBe(1);
      expect(Object.isFrozen([...blocks(key)][0])).toBe(true);
    }
    // The spec itself is left as it was: its lists are not frozen by the compile.
    expect(Object.isFrozen(spec.cors!.allowOrigins)).toBe(false);
    expect(Object.isFrozen(Object.values(spec.authorizers).find((a) => a.type === 'jwt')!.audiences)).toBe(false);
    // A second compile of a changed spec gets its own blocks.
    const changed = { ...spec, cors: { ...spec.cors!, allowOrigins: ['https://other.example.com'] } };
    const again = compileKubernetes(changed).stages[0].objects.find((o) => o.kind === 'SecurityPolicy' && (o.spec as Record<string, unknown>).cors)!;
    expect(((again.spec as Record<string, unknown>).cors as { allowOrigins: string[] }).allowOrigins).toEqual(['https://other.example.com']);
  });
});

describe('eachYamlBytes', () => {
  const copies = (streams: unknown[][]) => eachYamlBytes(streams as never[][], (bytes, i) => ({ i, bytes: Buffer.from(bytes) }));

  it.each([
    ['the full fixture', () => toGatewaySpec(fullInput())],
    ['the traffic fixture', () => toGatewaySpec(trafficInput())],
  ])('writes %s as toYaml\'s UTF-8 bytes', (_name, spec) => {
    const stages = compileKubernetes(spec()).stages;
    copies(stages.map((s) => s.objects)).forEach((g, i) => expect(g.bytes.equals(Buffer.from(toYaml(stages[i].objects)))).toBe(true));
  });

  it('grows its buffer for a stream longer than the first one, multi-byte text crossing the edge', () => {
    const objects = [{ data: { a: 'x'.repeat(65_530) } }, { data: { b: '😀é'.repeat(20_000), c: 'y' } }, { data: { d: 'é' } }];
    const [got] = copies([objects]);
    expect(got!.bytes.length).toBeGreaterThan(64 * 1024);
    expect(got!.bytes.equals(Buffer.from(toYaml(objects as never[])))).toBe(true);
  });

  it('hands each stream toYaml\'s UTF-8 bytes in turn, a longer or shorter stream over the last one', () => {
    const long = [{ data: { a: 'x'.repeat(70_000) } }, { data: { b: '😀é'.repeat(20_000) } }];
    const short = [{ data: { c: 'é' } }];
    const streams = [short, long, short, [], long];
    const got = copies(streams);
    expect(got.map((g) => g.i)).toEqual([0, 1, 2, 3, 4]);
    got.forEach((g, i) => expect(g.bytes.equals(Buffer.from(toYaml(streams[i] as never[])))).toBe(true));
  });

  it('writes any streams as toYaml\'s UTF-8 bytes', () => {
    fc.assert(
      fc.property(fc.array(fc.array(fc.dictionary(str, value, { maxKeys: 4, noNullPrototype: true }), { maxLength: 4 }), { maxLength: 4 }), (streams) => {
        copies(streams).forEach((g, i) => expect(g.bytes.equals(Buffer.from(toYaml(streams[i] as never[])))).toBe(true));
      }),
      { numRuns: RUNS, seed: SEED },
    );
  });

  it('writes a generated gateway\'s stages as toYaml does', () => {
    const stages = compileKubernetes(toGatewaySpec(generateGateway(300, { kubernetes: true }))).stages;
    copies(stages.map((s) => s.objects)).forEach((g, i) => expect(g.bytes.toString('utf8')).toBe(toYaml(stages[i].objects)));
  });
});
