/** One answer an in-process app gave: what test/support/route-coverage.ts checks against. */
export interface RouteHit {
  method: string;
  /** The path requested, without its query. */
  path: string;
  status: number;
}

const hits: RouteHit[] = [];

export function recordHit(hit: RouteHit): void {
  hits.push(hit);
}

/** Every answer given in this test process so far. */
export function recordedHits(): readonly RouteHit[] {
  return hits;
}
