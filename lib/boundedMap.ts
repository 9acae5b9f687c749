/**
 * A Map for remembered answers that depend on their key alone (formatted
 * dates, translations, trust of an address): once it holds `limit` entries,
 * a new key starts it over, so keys that come from outside cannot grow it
 * without end. Starting over is cheaper than keeping an order of use, and
 * the hot keys are back after one miss each.
 */
export class BoundedMap<K, V> extends Map<K, V> {
  constructor(private readonly limit: number) {
    super();
  }

  override set(key: K, value: V): this {
    if (this.size >= this.limit && !this.has(key)) this.clear();
    return super.set(key, value);
  }
}
