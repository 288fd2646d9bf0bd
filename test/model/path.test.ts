import { formatPath, parsePath, pathParams, pathShape } from '../../lib/model/path';

describe('parsePath', () => {
  it.each([
    ['/'],
    ['/pets'],
    ['/pets/{id}'],
    ['/files/{path+}'],
    ['/t/{id}.json'],
    ['/runs/{run_id}:archive'],
    ['/mostviewed/{section}/{time-period}.json'],
    ['/pipelines/{pipeline_version.pipeline_id}'],
  ])('accepts %s and formats it back unchanged', (p) => {
    const r = parsePath(p);
    expect(r.ok).toBe(true);
    if (r.ok) expect(formatPath(r.segments)).toBe(p);
  });

  it.each([
    ['pets', /must start with "\/"/],
    ['/pets/', /must not end with "\/"/],
    ['/a//b', /empty segment/],
    ['/a/{id', /malformed/],
    ['/a/{x}{y}', /at most one parameter/],
    ['/a/{1x}', /parameter name "1x"/],
    ['/a/{p+}/b', /greedy parameter \{p\+\} must be a whole segment and the last/],
    ['/a/x{p+}', /greedy/],
    ['/a/{id}/b/{id}', /appears twice/],
    ['/a b', /cannot hold unescaped/],
  ])('rejects %s', (p, msg) => {
    const r = parsePath(p);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.message).toMatch(msg);
  });

  it('erases parameter names in the shape, keeping greedy and mixed segments distinct', () => {
    const shape = (p: string) => pathShape((parsePath(p) as unknown as { segments: never }).segments);
    expect(shape('/pets/{id}')).toBe(shape('/pets/{petId}'));
    expect(shape('/pets/{id}')).not.toBe(shape('/pets/{id+}'));
    expect(shape('/t/{id}.json')).toBe('/t/{}.json');
    expect(pathParams((parsePath("/a/{x}/b/{y+}") as unknown as { segments: never }).segments)).toEqual(['x', 'y']);
  });
});
