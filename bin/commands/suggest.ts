/** "Did you mean ...?" for names the user typed: targets, stages, spec files. */
import leven from 'leven';

/** The closest candidate within a small edit distance (or a case-insensitive prefix match). */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  const w = word.toLowerCase();
  let best: { name: string; d: number } | undefined;
  for (const c of candidates) {
    const d = leven(w, c.toLowerCase());
    if (!best || d < best.d) best = { name: c, d };
  }
  if (!best) return undefined;
  const limit = Math.max(1, Math.ceil(Math.max(word.length, best.name.length) / 3));
  if (best.d <= limit) return best.name;
  return candidates.find((c) => c.toLowerCase().startsWith(w) && w.length >= 2);
}

/** " (did you mean "x"?)" or "". */
export function didYouMean(word: string, candidates: readonly string[]): string {
  const c = closest(word, candidates);
  return c ? ` (did you mean ${JSON.stringify(c)}?)` : '';
}
