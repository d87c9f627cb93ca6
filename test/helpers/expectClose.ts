import { expect } from "vitest";

/**
 * Asserts |actual − expected| <= atol + rtol·|expected| (NaN only equals NaN), with a message
 * naming what is compared. The one tolerance helper all reference tests use.
 */
export function expectClose(
  actual: number,
  expected: number,
  { rtol = 1e-9, atol = 0, what = "" }: { rtol?: number; atol?: number; what?: string } = {},
): void {
  if (Number.isNaN(expected)) {
    expect(actual, `${what}: expected NaN`).toBeNaN();
    return;
  }
  const tol = atol + rtol * Math.abs(expected);
  const diff = Math.abs(actual - expected);
  if (!(diff <= tol)) {
    expect.fail(
      `${what}: ${actual} differs from reference ${expected} by ${diff} (tolerance ${tol})`,
    );
  }
}
