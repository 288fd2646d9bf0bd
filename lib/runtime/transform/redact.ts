/** Removes fields from parsed JSON by dotted path; `*` matches every key or array element. */
export function redact(value: unknown, path: string): void {
  const parts = path.split('.');
  const walk = (node: unknown, i: number): void => {
    if (!node || typeof node !== 'object') return;
    const key = parts[i];
    const last = i === parts.length - 1;
    const obj = node as Record<string, unknown>;
    const keys = key === '*' ? Object.keys(obj) : Object.prototype.hasOwnProperty.call(obj, key) ? [key] : [];
    for (const k of keys) {
      if (last) {
        if (Array.isArray(obj)) obj[Number(k)] = null;
        else delete obj[k];
      } else walk(obj[k], i + 1);
    }
  };
  walk(value, 0);
}
