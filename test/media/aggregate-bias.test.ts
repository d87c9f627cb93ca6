import { describe, expect, it } from "vitest";
import { normaliseDate } from "../../src/io/corpus.ts";
import { summariseTone } from "../../src/media/aggregate.ts";
import { estimateBias } from "../../src/media/bias.ts";
import { splitSentences } from "../../src/media/sentences.ts";
import { expectClose } from "../helpers/expectClose.ts";

describe("bias regression", () => {
  const rows = [
    [0.5, 1, "a1"],
    [0.3, 1, "a1"],
    [-0.2, 1, "a2"],
    [0.1, 0, "a3"],
    [0.4, 0, "a3"],
    [-0.5, 0, "a4"],
    [0.0, 0, "a5"],
    [0.6, 1, "a6"],
  ] as const;
  const data = rows.map(([tone, t, a]) => ({
    tone,
    isTarget: t === 1,
    frames: [],
    period: "2020-01",
    article: a,
  }));
  it("without fixed effects equals the difference of means, with CR1 article-clustered SEs (python by hand)", () => {
    const b = estimateBias(data);
    // Difference of means: (0.5 + 0.3 − 0.2 + 0.6)/4 − (0.1 + 0.4 − 0.5 + 0)/4 = 0.3
    expectClose(b.estimate, 0.3, { rtol: 1e-12 });
    // (XᵀX)⁻¹ sandwich summed by article, × G/(G−1) × (N−1)/(N−K): python3 by hand
    expectClose(b.se, 0.27748873851023215, { rtol: 1e-12 });
    expect(b.n_articles).toBe(6);
    expect(b.n_mentions).toBe(8);
    expectClose(b.raw_difference, 0.3, { rtol: 1e-12 });
    expect(b.ci_low).toBeLessThan(b.estimate);
  });
  it("holds the frame fixed: a frame that explains the gap absorbs it", () => {
    // Target mentions all in a negative "security" frame; within frames there is no gap.
    const d = [
      { tone: -0.5, isTarget: true, frames: ["security"], period: "p", article: "1" },
      { tone: -0.5, isTarget: false, frames: ["security"], period: "p", article: "2" },
      { tone: -0.5, isTarget: true, frames: ["security"], period: "p", article: "3" },
      { tone: 0.5, isTarget: false, frames: ["economy"], period: "p", article: "4" },
      { tone: 0.5, isTarget: true, frames: ["economy"], period: "p", article: "5" },
      { tone: 0.5, isTarget: false, frames: ["economy"], period: "p", article: "6" },
    ];
    const b = estimateBias(d);
    expectClose(b.estimate, 0, { atol: 1e-12 });
    expect(b.raw_difference).toBeCloseTo(-1 / 3, 12);
  });
  it("refuses a group without comparison mentions", () => {
    expect(() => estimateBias(data.filter((r) => r.isTarget))).toThrow(/comparison set/);
  });
});

describe("article-bootstrap summary", () => {
  it("gives ratio estimates and intervals that contain them; seeded", () => {
    const cells = [
      { n: 2, tone: 0.8, neg: 0, pos: 2 },
      { n: 1, tone: -0.4, neg: 1, pos: 0 },
      { n: 3, tone: 0.3, neg: 1, pos: 1 },
      { n: 1, tone: 0, neg: 0, pos: 0 },
    ];
    const s = summariseTone(cells, { replicates: 500, seed: 2 });
    expectClose(s.mean_tone, 0.7 / 7, { rtol: 1e-12 });
    expectClose(s.share_negative, 2 / 7, { rtol: 1e-12 });
    expectClose(s.share_positive, 3 / 7, { rtol: 1e-12 });
    expect(s.mentions).toBe(7);
    expect(s.articles).toBe(4);
    expect(s.mean_tone_lo).toBeLessThanOrEqual(s.mean_tone);
    expect(s.mean_tone_hi).toBeGreaterThanOrEqual(s.mean_tone);
    expect(summariseTone(cells, { replicates: 500, seed: 2 })).toEqual(s);
  });
});

describe("sentences and dates", () => {
  it("splits at sentence ends but not after abbreviations or initials", () => {
    expect(
      splitSentences(
        'The U.S. said no. China agreed! "Fine," Mr. Xi said. J. Smith left.\n\nNew para',
      ),
    ).toEqual([
      "The U.S. said no.",
      "China agreed!",
      '"Fine," Mr. Xi said.',
      "J. Smith left.",
      "New para",
    ]);
  });
  it("normalises dates to ISO and reports unparseable ones", () => {
    expect(normaliseDate("2009-01-20 05:00:00+00:00")).toBe("2009-01-20");
    expect(normaliseDate("2022-08-05T00:27:34.000Z")).toBe("2022-08-05");
    expect(normaliseDate("20 February 2019")).toBe("2019-02-20");
    expect(normaliseDate("not a date")).toBeNull();
    expect(normaliseDate("")).toBe("");
  });
});
