/**
 * The benchmark baseline: a bare binary min-heap over typed arrays, keyed by
 * (time, seq), carrying an int32 payload. No objects, no comparator calls: the
 * fastest event queue we know how to write in JavaScript, to measure the kernel against.
 */
export class TypedHeap {
  private time: Float64Array;
  private seq: Float64Array;
  private payload: Int32Array;
  size = 0;

  constructor(capacity: number) {
    this.time = new Float64Array(capacity);
    this.seq = new Float64Array(capacity);
    this.payload = new Int32Array(capacity);
  }

  /** Inserts (t, s, p). */
  push(t: number, s: number, p: number): void {
    if (this.size === this.time.length) this.grow();
    let i = this.size++;
    const time = this.time;
    const seq = this.seq;
    const payload = this.payload;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const pt = time[parent];
      if (pt < t || (pt === t && seq[parent] < s)) break;
      time[i] = pt;
      seq[i] = seq[parent];
      payload[i] = payload[parent];
      i = parent;
    }
    time[i] = t;
    seq[i] = s;
    payload[i] = p;
  }

  /** Time of the minimum. */
  peekTime(): number {
    return this.time[0];
  }

  /** Removes the minimum and returns its payload (its time is peekTime() before the call). */
  pop(): number {
    const time = this.time;
    const seq = this.seq;
    const payload = this.payload;
    const top = payload[0];
    const n = --this.size;
    const t = time[n];
    const s = seq[n];
    const p = payload[n];
    let i = 0;
    for (;;) {
      let c = 2 * i + 1;
      if (c >= n) break;
      const r = c + 1;
      if (r < n && (time[r] < time[c] || (time[r] === time[c] && seq[r] < seq[c]))) c = r;
      if (time[c] > t || (time[c] === t && seq[c] > s)) break;
      time[i] = time[c];
      seq[i] = seq[c];
      payload[i] = payload[c];
      i = c;
    }
    time[i] = t;
    seq[i] = s;
    payload[i] = p;
    return top;
  }

  private grow(): void {
    const cap = this.time.length * 2;
    const t = new Float64Array(cap);
    t.set(this.time);
    const s = new Float64Array(cap);
    s.set(this.seq);
    const p = new Int32Array(cap);
    p.set(this.payload);
    this.time = t;
    this.seq = s;
    this.payload = p;
  }
}
