/**
 * The kernel's event queue: a binary min-heap in one flat Float64Array, ordered
 * by (time, priority, sequence) and carrying the event's entry slot. Each heap
 * node is four adjacent numbers (32 bytes), so a comparison reads one cache
 * line, and two siblings share one or two: with 200,000 events in flight
 * (every agent of a large gossip team sleeping, plus its messages) the heap
 * outgrows the CPU caches and the sift loops are bound by memory reads, not
 * arithmetic. Parallel arrays per key (bench/TypedHeap.ts, the benchmark's
 * baseline) read four lines per node instead; heap-js, a comparator over
 * entry objects, chases a pointer per comparison.
 */
export class EventQueue {
  // Node i is heap[4i .. 4i+3] = time, priority, sequence, slot.
  private heap = new Float64Array(4 * 1024);
  /** Number of events queued. */
  size = 0;

  /** Inserts an event. */
  push(t: number, p: number, s: number, slot: number): void {
    if (4 * this.size === this.heap.length) this.grow();
    const h = this.heap;
    let i = this.size++;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const q = 4 * parent;
      const pt = h[q];
      if (pt < t || (pt === t && (h[q + 1] < p || (h[q + 1] === p && h[q + 2] < s)))) break;
      const k = 4 * i;
      h[k] = pt;
      h[k + 1] = h[q + 1];
      h[k + 2] = h[q + 2];
      h[k + 3] = h[q + 3];
      i = parent;
    }
    const k = 4 * i;
    h[k] = t;
    h[k + 1] = p;
    h[k + 2] = s;
    h[k + 3] = slot;
  }

  /** Time of the first event (undefined behaviour when empty: check `size`). */
  peekTime(): number {
    return this.heap[0];
  }

  /** Slot of the first event. */
  peekSlot(): number {
    return this.heap[3];
  }

  /** Removes the first event and returns its slot. */
  pop(): number {
    const h = this.heap;
    const top = h[3];
    const n = --this.size;
    if (n === 0) return top;
    // Sift the last element down from the root.
    const last = 4 * n;
    const t = h[last];
    const p = h[last + 1];
    const s = h[last + 2];
    const sl = h[last + 3];
    let i = 0;
    for (;;) {
      let c = 2 * i + 1;
      if (c >= n) break;
      let kc = 4 * c;
      if (c + 1 < n) {
        const kr = kc + 4;
        const rt = h[kr];
        const ct = h[kc];
        if (
          rt < ct ||
          (rt === ct &&
            (h[kr + 1] < h[kc + 1] || (h[kr + 1] === h[kc + 1] && h[kr + 2] < h[kc + 2])))
        ) {
          c++;
          kc = kr;
        }
      }
      const ct = h[kc];
      if (t < ct || (t === ct && (p < h[kc + 1] || (p === h[kc + 1] && s < h[kc + 2])))) break;
      const k = 4 * i;
      h[k] = ct;
      h[k + 1] = h[kc + 1];
      h[k + 2] = h[kc + 2];
      h[k + 3] = h[kc + 3];
      i = c;
    }
    const k = 4 * i;
    h[k] = t;
    h[k + 1] = p;
    h[k + 2] = s;
    h[k + 3] = sl;
    return top;
  }

  private grow(): void {
    const heap = new Float64Array(this.heap.length * 2);
    heap.set(this.heap);
    this.heap = heap;
  }
}
