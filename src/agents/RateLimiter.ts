/**
 * A provider's rate limit as a token bucket: `requestsPerMinute` refill, at most
 * `burst` requests at once. Shared by every agent that calls the provider; a
 * request that finds the bucket empty gets a 429 and backs off.
 */
export class RateLimiter {
  private tokens: number;
  private last = 0;
  private readonly perSecond: number;
  /** Requests refused so far. */
  refused = 0;

  constructor(
    requestsPerMinute: number,
    private readonly burst = 1,
  ) {
    this.perSecond = requestsPerMinute / 60;
    this.tokens = burst;
  }

  /** Takes one request slot at time `now`; false means "429 Too Many Requests". */
  tryTake(now: number): boolean {
    this.tokens = Math.min(this.burst, this.tokens + (now - this.last) * this.perSecond);
    this.last = now;
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return true;
    }
    this.refused++;
    return false;
  }
}
