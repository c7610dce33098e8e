/**
 * The value kept in `store` under `key`, made by `make` the first time it is asked for. For what the
 * checks derive from fixed data (ARN patterns, merged member limits) and ask for many times per
 * synthesis.
 */
export function kept<K, V>(store: Map<K, V>, key: K, make: (key: K) => V): V {
  if (store.has(key)) return store.get(key) as V;
  const value = make(key);
  store.set(key, value);
  return value;
}
