/**
 * Gateway API path matches as anygate path templates: Exact, PathPrefix (the prefix itself and
 * everything under it), and the regular expressions anygate's own Kubernetes output writes
 * (`([^/]+)` for a parameter, `(.+)` for a greedy tail).
 */

/** The templates a path match selects, or undefined when it cannot be expressed. */
export function templatesOf(type: string | undefined, value: string | undefined): string[] | undefined {
  const v = value ?? '/';
  const t = type ?? 'PathPrefix';
  if (t === 'Exact') return [v.replace(/\/+$/, '') || '/'];
  if (t === 'PathPrefix') {
    const base = v.replace(/\/+$/, '');
    return base ? [base, `${base}/{path+}`] : ['/', '/{path+}'];
  }
  if (t === 'RegularExpression') {
    // `[^/]` holds a slash: mark the groups before splitting into segments.
    const body = v.replace(/^\^/, '').replace(/\$$/, '').replace(/\(\[\^\/\]\+\)|\[\^\/\]\+/g, '\u0001');
    const parts = body.split('/').slice(1).map((p) => (p === '\u0001' ? '([^/]+)' : p));
    if (parts.some((p) => p.includes('\u0001'))) return undefined;
    if (!body.startsWith('/')) return undefined;
    let n = 0;
    const out: string[] = [];
    for (let i = 0; i < parts.length; i++) {
      const p = parts[i];
      if (p === '([^/]+)' || p === '[^/]+') out.push(`{param${++n}}`);
      else if ((p === '(.+)' || p === '(.*)' || p === '.+' || p === '.*') && i === parts.length - 1) out.push('{path+}');
      else {
        const lit = p.replace(/\\(.)/g, '$1');
        if (/[\\^$.|?*+()[\]{}]/.test(p.replace(/\\./g, ''))) return undefined;
        out.push(lit);
      }
    }
    return [`/${out.join('/')}`];
  }
  return undefined;
}
