// A small seeded PRNG (mulberry32) so that every random choice of the emulator (chunk sizes, delays, faults,
// noise) is reproducible from one seed.

export class Prng {
  private s: number;
  constructor(seed: number) {
    this.s = seed >>> 0;
  }
  /** Uniform float in [0, 1). */
  next(): number {
    this.s = (this.s + 0x6d2b79f5) >>> 0;
    let t = this.s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  /** Integer in [min, max] inclusive. */
  int(min: number, max: number): number {
    if (max <= min) return min;
    return min + Math.floor(this.next() * (max - min + 1));
  }
  /** A value in a [min, max] range, or the number itself. */
  range(r: number | [number, number]): number {
    if (typeof r === 'number') return r;
    return this.int(r[0], r[1]);
  }
  chance(p: number): boolean {
    return p > 0 && this.next() < p;
  }
  pick<T>(a: T[]): T {
    return a[Math.floor(this.next() * a.length)];
  }
}
