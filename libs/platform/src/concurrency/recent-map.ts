/**
 * The newest `capacity` entries set, for memories a process keeps of its own recent work (what it
 * recorded, what it wrote). A Map keeps insertion order, so the first key is the oldest; setting a key
 * again makes it the newest.
 */
export class RecentMap<V> {
  private readonly entries = new Map<string, V>();

  constructor(private readonly capacity: number) {}

  get(key: string): V | undefined {
    return this.entries.get(key);
  }

  has(key: string): boolean {
    return this.entries.has(key);
  }

  set(key: string, value: V): void {
    this.entries.delete(key);
    this.entries.set(key, value);
    if (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value as string);
  }
}
