/**
 * The demo study built end to end (what `npm start` does). Its data are synthetic with effects
 * planted by the generator (src/study/demo, documented in examples/demo/data/README.md); the
 * build must recover them through every engine:
 * - wave 2 (after the shock) weighs science and technology more and culture and education less;
 * - China leads the US on technology in BRA, ZAF, NGA and MEX; the US leads on culture everywhere;
 * - outlets in GBR and IND write about China more negatively than about the US within topic;
 * - company favourability follows the home country (the tech group carries part of the image).
 */
import { spawnSync } from "node:child_process";
import { cp, mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { readRunTable } from "../../src/store/read.ts";

let dir: string;
let stdout: string;
const table = async (name: string) => {
  const t = await readRunTable(join(dir, ".softpower", "study.duckdb"), "latest", name);
  return t.rows.map((r) => Object.fromEntries(t.columns.map((c, j) => [c, r[j]])));
};

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "softpower-demo-"));
  await cp("examples/demo/study.yaml", join(dir, "study.yaml"));
  await cp("examples/demo/data", join(dir, "data"), { recursive: true });
  const r = spawnSync(process.execPath, ["bin/softpower.js", "build", dir], { encoding: "utf8" });
  expect(r.status, r.stderr).toBe(0);
  stdout = r.stdout;
}, 180_000);

describe("the demo study (synthetic)", () => {
  it("says it is synthetic in the build output and in every finding", async () => {
    expect(stdout).toMatch(/SYNTHETIC DATA/);
    const findings = await table("findings");
    expect(findings.length).toBeGreaterThan(20);
    for (const f of findings) expect(f.statement).toMatch(/^\[synthetic data\] /);
  });

  it("recovers the shock: science and technology gain importance, culture and education lose it", async () => {
    const diff = await table("drivers_diff");
    for (const a of ["fav_chn", "fav_usa"]) {
      const p = a === "fav_chn" ? "chn" : "usa";
      const d = (x: string) => diff.find((r) => r.analysis === a && r.predictor === `${p}_${x}`)!;
      // diff = wave 1 − wave 2: negative with the whole interval below 0 means a significant rise.
      for (const x of ["science", "technology"]) expect(d(x).ci_high as number).toBeLessThan(0);
      for (const x of ["culture", "education"]) expect(d(x).ci_low as number).toBeGreaterThan(0);
    }
  });

  it("recovers China's technology lead in the four planted audiences and the US culture lead", async () => {
    const all = (await table("survey_head_to_head")).filter(
      (r) => r.segment === "all" && r.target_a === "USA" && r.target_b === "CHN",
    );
    // The lead is planted in both waves (about 0.6 points; China's image dips 0.1 in wave 2, and
    // each audience-wave has about 75 respondents): China leads in both, significantly in wave 1.
    for (const aud of ["BRA", "ZAF", "NGA", "MEX"]) {
      for (const wave of ["1", "2"]) {
        const c = all.find(
          (r) => r.wave === wave && r.audience_iso3 === aud && r.attribute === "technology",
        )!;
        expect(c.leader).toBe("CHN");
        if (wave === "1") expect(c.significant).toBe(true);
      }
    }
    const h2h = all.filter((r) => r.wave === "2");
    const culture = h2h.filter((r) => r.attribute === "culture");
    expect(culture).toHaveLength(10);
    for (const c of culture) expect(c.diff as number).toBeGreaterThan(0);
  });

  it("recovers the within-topic press bias against China in GBR and IND outlets", async () => {
    const bias = await table("media_bias");
    for (const g of ["outlet_country=GBR", "outlet_country=IND"]) {
      const b = bias.find((r) => r.group === g && r.target === "CHN")!;
      expect(b.ci_high as number).toBeLessThan(0);
    }
  });

  it("keeps the sentences behind the tone numbers as evidence", async () => {
    const ev = await table("media_evidence");
    expect(ev.length).toBeGreaterThan(20);
    for (const e of ev) {
      expect(typeof e.sentence).toBe("string");
      // A leader or company mention is named in its sentence (names, demonyms and capitals map
      // to the country as entity); the tone's sign matches the kind of example.
      if (e.via === "leader" || e.via === "company")
        expect(e.sentence as string).toContain(String(e.entity).split(" ").at(-1));
      expect(Math.sign(e.tone as number)).toBe(e.kind === "most negative" ? -1 : 1);
    }
  });

  it("builds the index for every country with polling and technology pillars", async () => {
    const scores = await table("index_scores");
    expect(scores).toHaveLength(60);
    const fw = await table("index_framework");
    const codes = fw.map((r) => r.iCode);
    expect(codes).toEqual(
      expect.arrayContaining([
        "Polling",
        "poll_favourability",
        "tech_companies",
        "tech_company_tone",
        "tech_company_fav",
      ]),
    );
    const signals = await table("tech_signals");
    const fav = (u: string) =>
      signals.find((r) => r.uCode === u && r.signal === "tech_company_fav")!;
    expect(fav("CHN").basis).toBe(2); // Huawei and TikTok
    expect(fav("USA").basis).toBe(2); // Apple and Google
    const att = await table("tech_attribution");
    expect(att.length).toBe(4);
    for (const a of att) expect(a.share_low as number).toBeGreaterThan(0);
  });
});
