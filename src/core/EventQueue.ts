/**
 * The kernel's event queue: a binary min-heap over typed arrays, ordered by
 * (time, priority, sequence) and carrying an int32 slot (the event's entry).
 * Comparing keys in flat arrays instead of through a comparator over entry
 * objects (heap-js) avoids a pointer chase per comparison, which is what a
 * queue of 100,000 events in flight (every agent's call at once) spends its
 * time on; bench/TypedHeap.ts, the benchmark's baseline, is the same heap.
 */
export class EventQueue {
  private time = new Float64Array(1024);
  private prio = new Float64Array(1024);
  private seq = new Float64Array(1024);
  private slot = new Int32Array(1024);
  /** Number of events queued. */
  size = 0;

  /** Inserts an event. */
  push(t: number, p: number, s: number, slot: number): void {
    if (this.size === this.time.length) this.grow();
    const time = this.time;
    const prio = this.prio;
    const seq = this.seq;
    const slots = this.slot;
    let i = this.size++;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const pt = time[parent];
      if (pt < t || (pt === t && (prio[parent] < p || (prio[parent] === p && seq[parent] < s))))
        break;
      time[i] = pt;
      prio[i] = prio[parent];
      seq[i] = seq[parent];
      slots[i] = slots[parent];
      i = parent;
    }
    time[i] = t;
    prio[i] = p;
    seq[i] = s;
    slots[i] = slot;
  }

  /** Time of the first event (undefined behaviour when empty: check `size`). */
  peekTime(): number {
    return this.time[0];
  }

  /** Slot of the first event. */
  peekSlot(): number {
    return this.slot[0];
  }

  /** Removes the first event and returns its slot. */
  pop(): number {
    const top = this.slot[0];
    const n = --this.size;
    if (n === 0) return top;
    const time = this.time;
    const prio = this.prio;
    const seq = this.seq;
    const slots = this.slot;
    // Sift the last element down from the root.
    const t = time[n];
    const p = prio[n];
    const s = seq[n];
    const sl = slots[n];
    let i = 0;
    for (;;) {
      let c = 2 * i + 1;
      if (c >= n) break;
      const r = c + 1;
      if (
        r < n &&
        (time[r] < time[c] ||
          (time[r] === time[c] && (prio[r] < prio[c] || (prio[r] === prio[c] && seq[r] < seq[c]))))
      )
        c = r;
      const ct = time[c];
      if (t < ct || (t === ct && (p < prio[c] || (p === prio[c] && s < seq[c])))) break;
      time[i] = ct;
      prio[i] = prio[c];
      seq[i] = seq[c];
      slots[i] = slots[c];
      i = c;
    }
    time[i] = t;
    prio[i] = p;
    seq[i] = s;
    slots[i] = sl;
    return top;
  }

  private grow(): void {
    const n = this.time.length * 2;
    const time = new Float64Array(n);
    time.set(this.time);
    this.time = time;
    const prio = new Float64Array(n);
    prio.set(this.prio);
    this.prio = prio;
    const seq = new Float64Array(n);
    seq.set(this.seq);
    this.seq = seq;
    const slot = new Int32Array(n);
    slot.set(this.slot);
    this.slot = slot;
  }
}
