/**
 * Upper tails of the F and chi-square distributions against R 4 (values printed with
 * options(digits = 17)):
 *   pf(2.5, 1.5, 20.9, lower = F); pf(0.3, 36, 1e6, lower = F); pf(50, 36, 80, lower = F)
 *   pchisq(0.5, 0.7, lower = F); pchisq(120, 36, lower = F); pchisq(300, 4, lower = F)
 */
import { describe, it } from "vitest";
import { pchisqUpper, pfUpper } from "../../src/stats/distributions.ts";
import { expectClose } from "../helpers/expectClose.ts";

describe("pfUpper, pchisqUpper (R pf, pchisq with lower.tail = FALSE)", () => {
  it("match R to 1e-12 relative, far into the tail", () => {
    expectClose(pfUpper(2.5, 1.5, 20.9), 1.1764680898874101e-1, { rtol: 1e-12, what: "pf" });
    expectClose(pfUpper(0.3, 36, 1e6), 9.9998508257690055e-1, { rtol: 1e-12, what: "pf" });
    expectClose(pfUpper(50, 36, 80), 9.757312238734684e-42, { rtol: 1e-10, what: "pf tail" });
    expectClose(pchisqUpper(0.5, 0.7), 3.5097529703158326e-1, { rtol: 1e-12, what: "pchisq" });
    expectClose(pchisqUpper(120, 36), 5.7646522304558781e-11, { rtol: 1e-10, what: "pchisq" });
    expectClose(pchisqUpper(300, 4), 1.083439491947826e-63, { rtol: 1e-10, what: "pchisq tail" });
  });
  it("edges: 1 at or below 0, NaN for NaN or df <= 0", () => {
    expectClose(pfUpper(0, 2, 3), 1);
    expectClose(pchisqUpper(-1, 2), 1);
    expectClose(pfUpper(Number.NaN, 2, 3), Number.NaN);
    expectClose(pchisqUpper(1, 0), Number.NaN);
  });
});
