/** A growable array of latencies (allocation-light: one Float64Array, doubled when full). */
export class LatencyPool {
  private data = new Float64Array(1024);
  private size = 0;

  /** Adds one value. */
  push(x: number): void {
    if (this.size === this.data.length) {
      const bigger = new Float64Array(this.data.length * 2);
      bigger.set(this.data);
      this.data = bigger;
    }
    this.data[this.size++] = x;
  }

  /** Number of values. */
  get length(): number {
    return this.size;
  }

  /** The values (a view, not a copy). */
  values(): Float64Array {
    return this.data.subarray(0, this.size);
  }
}
