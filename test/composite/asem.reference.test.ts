/**
 * The ASEM default build against COINr 1.1.14's own outputs (../shared/data/composite/asem/reference),
 * stage by stage so a divergence is located. Source: COINr's ASEM example, exported by the data
 * maintainers; published checks CHE 68.3837 rank 1 ... RUS 35.6555 rank 51.
 */
import { beforeAll, describe, expect, it } from "vitest";
import {
  buildIndex,
  DEFAULT_PIPELINE,
  type IndexResult,
  STAGES,
} from "../../src/composite/pipeline.ts";
import { readCoin } from "../../src/io/coin.ts";
import { expectClose } from "../helpers/expectClose.ts";
import { hasShared, readReference, sharedPath } from "../helpers/shared.ts";

const dir = (...p: string[]) => sharedPath("composite", "asem", ...p);

describe.skipIf(!hasShared)("ASEM default build vs COINr 1.1.14", () => {
  let r: IndexResult;
  beforeAll(async () => {
    const input = await readCoin(dir("ASEM_iData.csv"), dir("ASEM_iMeta.csv"));
    r = buildIndex(input, DEFAULT_PIPELINE);
  });

  for (const stage of STAGES) {
    it(`reproduces the ${stage} data set to a relative 1e-9`, async () => {
      const ref = await readReference(dir("reference", `asem_dset_${stage}.csv`));
      const ds = r.stages[stage]!;
      expect([...ds.units].sort()).toEqual([...ref.rows.keys()].sort());
      expect([...ds.codes].sort()).toEqual(ref.columns.slice(1).sort());
      for (const [u, row] of ref.rows) {
        const i = ds.units.indexOf(u);
        ref.columns.slice(1).forEach((code, k) => {
          const cell = row[k + 1]!;
          const expected = cell === "NA" ? Number.NaN : Number(cell);
          expectClose(ds.values[ds.codes.indexOf(code)]![i]!, expected, {
            rtol: 1e-9,
            atol: 1e-12,
            what: `${stage} ${u} ${code}`,
          });
        });
      }
    });
  }

  it("reproduces the treatment log (skew, kurtosis, points winsorised)", async () => {
    const ref = await readReference(dir("reference", "asem_treat_details.csv"));
    const col = (name: string) => ref.columns.indexOf(name);
    expect(r.treatDetails.map((d) => d.iCode).sort()).toEqual([...ref.rows.keys()].sort());
    for (const [code, row] of ref.rows) {
      const d = r.treatDetails.find((x) => x.iCode === code)!;
      const num = (name: string) => (row[col(name)] === "NA" ? Number.NaN : Number(row[col(name)]));
      expect(d.pass0, `${code} pass0`).toBe(row[col("check_SkewKurt0.Pass")] === "TRUE");
      expectClose(d.skew0, num("check_SkewKurt0.Skew"), { what: `${code} skew0` });
      expectClose(d.kurt0, num("check_SkewKurt0.Kurt"), { what: `${code} kurt0` });
      const nwin = num("winsorise.nwin");
      expect(d.nwin ?? Number.NaN, `${code} nwin`).toEqual(nwin);
      if (!Number.isNaN(nwin)) {
        expect(d.pass1, `${code} pass1`).toBe(row[col("check_SkewKurt1.Pass")] === "TRUE");
        expectClose(d.skew1, num("check_SkewKurt1.Skew"), { what: `${code} skew1` });
        expectClose(d.kurt1, num("check_SkewKurt1.Kurt"), { what: `${code} kurt1` });
      }
    }
  });

  it("reproduces the results table and ranks", async () => {
    const ref = await readReference(dir("reference", "asem_results.csv"));
    const res = r.results;
    expect(res.codes[0]).toBe("Index");
    for (const [u, row] of ref.rows) {
      const i = res.units.indexOf(u);
      expect(res.rank[i], `${u} rank`).toBe(Number(row[ref.columns.indexOf("Rank")]));
      res.codes.forEach((code, j) => {
        expectClose(res.scores[j]![i]!, Number(row[ref.columns.indexOf(code)]), {
          what: `${u} ${code}`,
        });
      });
    }
    // The published checks of the ASEM example.
    const score = (u: string) => res.scores[0]![res.units.indexOf(u)]!;
    expectClose(score("CHE"), 68.3837, { atol: 5e-5, what: "CHE" });
    expectClose(score("RUS"), 35.6555, { atol: 5e-5, what: "RUS" });
    expect(res.rank[res.units.indexOf("RUS")]).toBe(51);
  });
});

describe.skipIf(!hasShared)("ASEM indicator statistics vs COINr get_stats (Raw)", () => {
  it("matches every column of asem_stats_raw.csv (reference printed to 10 significant digits)", async () => {
    const { indicatorStats } = await import("../../src/composite/stats.ts");
    const input = await readCoin(dir("ASEM_iData.csv"), dir("ASEM_iMeta.csv"));
    const stats = indicatorStats(input.data.indicators);
    const ref = await readReference(dir("reference", "asem_stats_raw.csv"));
    for (const [code, row] of ref.rows) {
      const s = stats.find((x) => x.iCode === code)!;
      ref.columns.slice(1).forEach((c, k) => {
        const cell = row[k + 1]!;
        const ours = s[c as keyof typeof s];
        // TolMin: COINr counts 42 distinct values, but the CSV export (15 significant digits)
        // prints only 40 distinct strings, so two pairs that differ in R are equal in the file.
        if (code === "TolMin" && (c === "N.Unique" || c === "Frc.Unique")) return;
        if (c.startsWith("Flag.")) expect(ours, `${code} ${c}`).toBe(cell);
        else
          expectClose(ours as number, Number(cell), {
            rtol: 1e-9,
            atol: 1e-10,
            what: `${code} ${c}`,
          });
      });
    }
  });
});
