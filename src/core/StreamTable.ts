import { cyrb128 } from "./cyrb128.js";
import { RandomSource } from "./RandomSource.js";
import { xoshiro128 } from "./xoshiro128.js";

/**
 * Many named random streams in typed arrays: each stream is 16 bytes of
 * xoshiro128** state (Blackman and Vigna 2018) and a spare normal deviate,
 * seeded from a hash of (seed, name) when it is opened. The network opens one
 * per directed link it uses; a RandomStream per link (alea: a closure, its
 * state and a name string, about 300 bytes, and a hash of the name on every
 * creation) made n² links the ceiling. The guarantees are a named stream's:
 * the same seed and name give the same draws, whatever other streams exist or
 * draw in between.
 */
export class StreamTable {
  private state = new Uint32Array(64);
  private spare = new Float64Array(16);
  private count = 0;
  private readonly view: SlotView;

  constructor(readonly seed: string) {
    this.view = new SlotView(this);
  }

  /** Number of streams opened. */
  get size(): number {
    return this.count;
  }

  /** Opens the stream named `name` in a new slot; returns the slot. */
  open(name: string): number {
    const slot = this.count++;
    if (slot * 4 + 4 > this.state.length) {
      const state = new Uint32Array(this.state.length * 2);
      state.set(this.state);
      this.state = state;
      const spare = new Float64Array(this.spare.length * 2);
      spare.set(this.spare);
      this.spare = spare;
    }
    cyrb128(`${this.seed}\u0000${name}`, this.state, slot * 4);
    this.spare[slot] = Number.NaN;
    return slot;
  }

  /**
   * The stream in `slot`, as a RandomSource to draw from until the next
   * `select` (one shared object: selecting allocates nothing).
   */
  select(slot: number): RandomSource {
    this.view.switchTo(slot);
    return this.view;
  }

  /** @internal The next 32 random bits of `slot` (xoshiro128**). */
  nextBits(slot: number): number {
    return xoshiro128(this.state, slot * 4);
  }

  /** @internal */
  spareOf(slot: number): number {
    return this.spare[slot];
  }

  /** @internal */
  setSpare(slot: number, value: number): void {
    this.spare[slot] = value;
  }
}

// The RandomSource face of one slot; its spare deviate is swapped with the
// table's on every switch, so each stream keeps its own.
class SlotView extends RandomSource {
  private slot = -1;

  constructor(private readonly table: StreamTable) {
    super();
  }

  switchTo(slot: number): void {
    if (slot === this.slot) return;
    if (this.slot >= 0) this.table.setSpare(this.slot, this.spareNormal);
    this.slot = slot;
    this.spareNormal = this.table.spareOf(slot);
  }

  next(): number {
    // 32 bits, as alea gives: a uniform on [0, 1) in steps of 2^-32.
    return this.table.nextBits(this.slot) / 4294967296;
  }
}
