/**
 * Row indices by key, keys in order of first appearance; null keys are left out.
 *
 * @example groupIndices(["a", "b", "a", null]) // Map { "a" => [0, 2], "b" => [1] }
 */
export function groupIndices<K>(keys: readonly (K | null)[]): Map<K, number[]> {
  const out = new Map<K, number[]>();
  keys.forEach((k, i) => {
    if (k === null) return;
    const m = out.get(k);
    if (m) m.push(i);
    else out.set(k, [i]);
  });
  return out;
}
