/**
 * The survey page's weighting and variance panels: calibration of the design weights to
 * population figures (R survey's postStratify, rake and calibrate, with bounds and trimming),
 * replicate-weight variance (R's as.svrepdesign types with their count, seed and Fay's ρ), the
 * wave variable and the audience codes (audience values → ISO3).
 */
import { useState } from "preact/hooks";
import { REPLICATE_TYPES } from "../../../src/survey/replicates.ts";
import {
  asObj,
  compact,
  formatPairs,
  numberOf,
  type Obj,
  type Parsed,
  parsePairs,
} from "./edits.ts";
import { asText, Check, Choice, type EditorProps, Issues, Panel, ParsedField } from "./fields.tsx";
import {
  CALIBRATION_METHODS,
  formatMargins,
  formatPair,
  formatTotals,
  parseMargins,
  parsePair,
  parseTotals,
  takesMargins,
  trimKind,
  withCalibration,
  withCalibrationMethod,
  withReplicates,
} from "./survey-edits.ts";

const METHOD_HINTS: Record<(typeof CALIBRATION_METHODS)[number], string> = {
  poststratify: "R postStratify: weights scaled so each level's total is its population count",
  rake: "R rake: iterative proportional fitting to the counts of several variables",
  linear: "R calibrate(calfun = 'linear'): GREG; totals named as R's model matrix",
  raking: "R calibrate(calfun = 'raking'): multiplicative g, totals as R's model matrix",
  logit: "R calibrate(calfun = 'logit'): g within the bounds; totals as R's model matrix",
};

const optionalNumber = (t: string): Parsed<number | undefined> => {
  if (t.trim() === "") return { value: undefined };
  const x = Number(t);
  return Number.isFinite(x) ? { value: x } : { error: `"${t.trim()}" is not a number` };
};

/** Trim bounds on the final weights without unset keys; undefined when none is left. */
const compactTrim = (t: Obj): Obj | undefined => {
  const out = compact(t);
  return Object.keys(out).length ? out : undefined;
};

type SurveyProps = EditorProps & {
  names: string[];
  survey: Obj;
  setSurvey: (patch: Obj) => void;
};

/** Calibration (survey.calibration, inline or in its own file). */
export function CalibrationPanel(p: SurveyProps) {
  const spec = p.spec("survey.calibration");
  const cal = spec ?? {};
  const method = String(cal.method ?? "");
  const inFile = typeof p.survey.calibration === "string";
  const set = (next: Obj | undefined) => {
    if (inFile && next) p.setSpec("survey.calibration", next);
    else p.setSurvey({ calibration: next });
  };
  const patch = (x: Obj) => set(withCalibration(cal, x));
  const issues = (sub: string) =>
    p
      .issuesAt(`survey.calibration.${sub}`)
      .concat(
        inFile
          ? p
              .issuesAt("survey.calibration")
              .filter((i) => i.key === sub || i.key.startsWith(`${sub}.`))
          : [],
      );
  // The kind is kept while its bounds are still empty (nothing is written until they are typed).
  const [trimChoice, setTrimChoice] = useState<"" | "g" | "weights">(trimKind(cal.trim));
  const trim = trimKind(cal.trim) || trimChoice;
  const trimObj = asObj(cal.trim);
  return (
    <Panel title="Calibration">
      <Choice
        id="field-survey.calibration.method"
        label="Calibrate the weights to population figures"
        value={method}
        options={[...CALIBRATION_METHODS]}
        none="(no calibration)"
        onChange={(v) => set(withCalibrationMethod(cal, v))}
      />
      {method in METHOD_HINTS && (
        <p class="hint">{METHOD_HINTS[method as keyof typeof METHOD_HINTS]}</p>
      )}
      {method !== "" && takesMargins(method) && (
        <ParsedField
          id="field-survey.calibration.margins"
          label="Population counts (one line per variable: variable: level = count, …)"
          hint={`e.g. ${p.names[0] ?? "stype"}: E = 4421, H = 755, M = 1018${method === "poststratify" ? " (one variable)" : ""}`}
          text={formatMargins(cal.margins)}
          parse={parseMargins}
          onChange={(v) => patch({ margins: v })}
          issues={issues("margins")}
          multiline
        />
      )}
      {method !== "" && !takesMargins(method) && (
        <>
          <ParsedField
            id="field-survey.calibration.totals"
            label="Population totals (one per line: term = total, named as R's model matrix)"
            hint="e.g. (Intercept) = 6194, stypeH = 755, stypeM = 1018"
            text={formatTotals(cal.totals)}
            parse={parseTotals}
            onChange={(v) => patch({ totals: v })}
            issues={issues("totals")}
            multiline
          />
          <ParsedField
            id="field-survey.calibration.bounds"
            label="Bounds on g, the ratio of calibrated to design weight (lower, upper; optional)"
            text={formatPair(cal.bounds)}
            parse={parsePair}
            onChange={(v) => patch({ bounds: v })}
            issues={issues("bounds")}
          />
        </>
      )}
      {method !== "" && (
        <>
          <Choice
            id="field-survey.calibration.trim"
            label="Trimming"
            value={trim}
            options={takesMargins(method) ? ["weights"] : ["g", "weights"]}
            none="(none)"
            onChange={(v) => {
              setTrimChoice(v as "" | "g" | "weights");
              if (v === "" || trimKind(cal.trim) !== v) patch({ trim: undefined });
            }}
          />
          {trim === "g" && (
            <ParsedField
              id="field-survey.calibration.trim.g"
              label="Trim g to (lower, upper), the excess spread over the other weights (R calibrate's trim)"
              text={formatPair(cal.trim)}
              parse={parsePair}
              onChange={(v) => patch({ trim: v })}
              issues={issues("trim")}
            />
          )}
          {trim === "weights" && (
            <>
              <ParsedField
                id="field-survey.calibration.trim.lower"
                label="Trim final weights below (R trimWeights lower; optional)"
                text={trimObj.lower === undefined ? "" : String(trimObj.lower)}
                parse={optionalNumber}
                onChange={(v) => patch({ trim: compactTrim({ ...trimObj, lower: v }) })}
                issues={issues("trim.lower")}
              />
              <ParsedField
                id="field-survey.calibration.trim.upper"
                label="Trim final weights above (R trimWeights upper; optional)"
                text={trimObj.upper === undefined ? "" : String(trimObj.upper)}
                parse={optionalNumber}
                onChange={(v) => patch({ trim: compactTrim({ ...trimObj, upper: v }) })}
                issues={issues("trim.upper")}
              />
              <Check
                id="field-survey.calibration.trim.strict"
                label="Strict: repeat until no weight is outside the bounds after redistribution"
                checked={trimObj.strict === true}
                onChange={(on) =>
                  patch({
                    trim: compactTrim({
                      ...trimObj,
                      strict: on || undefined,
                    }),
                  })
                }
              />
            </>
          )}
          {method !== "poststratify" && (
            <>
              <ParsedField
                id="field-survey.calibration.maxit"
                label="Maximum iterations (optional)"
                text={cal.maxit === undefined ? "" : String(cal.maxit)}
                parse={asText}
                onChange={(v) => patch({ maxit: numberOf(v) })}
                issues={issues("maxit")}
              />
              <ParsedField
                id="field-survey.calibration.epsilon"
                label="Convergence tolerance (optional)"
                text={cal.epsilon === undefined ? "" : String(cal.epsilon)}
                parse={asText}
                onChange={(v) => patch({ epsilon: numberOf(v) })}
                issues={issues("epsilon")}
              />
            </>
          )}
        </>
      )}
      <Issues
        id="survey-calibration-issues"
        issues={p
          .issuesAt("survey.calibration")
          .filter((i) => i.key === "survey.calibration" || (inFile && i.key === ""))}
      />
    </Panel>
  );
}

/** Replicate-weight variance (survey.replicates). */
export function ReplicatesPanel(p: SurveyProps) {
  const rep = asObj(p.survey.replicates);
  const type = String(rep.type ?? "");
  const set = (patch: Obj) => p.setSurvey({ replicates: withReplicates(rep, patch) });
  const issues = (sub: string) => p.issuesAt(`survey.replicates.${sub}`);
  const counted = type !== "" && type !== "JK1" && type !== "JKn";
  return (
    <Panel title="Variance">
      <Choice
        id="field-survey.replicates.type"
        label="Variance estimation"
        value={type}
        options={[...REPLICATE_TYPES]}
        none="(Taylor linearisation)"
        onChange={(v) => set({ type: v || undefined })}
      />
      {counted && (
        <ParsedField
          id="field-survey.replicates.count"
          label={
            type === "BRR" || type === "Fay"
              ? "Hadamard order (a power of 2 or p + 1, p prime ≡ 3 mod 4, above the strata; empty: the smallest)"
              : "Replicates (default 50, as R)"
          }
          text={rep.count === undefined ? "" : String(rep.count)}
          parse={asText}
          onChange={(v) => set({ count: numberOf(v) })}
          issues={issues("count")}
        />
      )}
      {(type === "bootstrap" || type === "subbootstrap") && (
        <ParsedField
          id="field-survey.replicates.seed"
          label="Seed of the bootstrap draws (default 1)"
          text={rep.seed === undefined ? "" : String(rep.seed)}
          parse={asText}
          onChange={(v) => set({ seed: numberOf(v) })}
          issues={issues("seed")}
        />
      )}
      {type === "Fay" && (
        <ParsedField
          id="field-survey.replicates.fay_rho"
          label="Fay's ρ (0 ≤ ρ < 1)"
          text={rep.fay_rho === undefined ? "" : String(rep.fay_rho)}
          parse={optionalNumber}
          onChange={(v) => set({ fay_rho: v })}
          issues={issues("fay_rho")}
        />
      )}
      <Issues
        id="survey-replicates-issues"
        issues={p
          .issuesAt("survey.replicates")
          .filter((i) => !/^survey\.replicates\.(count|seed|fay_rho)\b/.test(i.key))}
      />
    </Panel>
  );
}

/** Waves and audience codes. */
export function AudiencesPanel(p: SurveyProps) {
  return (
    <Panel title="Waves and audience codes">
      <Choice
        id="field-survey.wave"
        label="Wave variable (perceptions estimated per wave)"
        value={String(p.survey.wave ?? "")}
        options={p.names}
        none="(one wave)"
        onChange={(v) => p.setSurvey({ wave: v || undefined })}
      />
      <Issues id="survey-wave-issues" issues={p.issuesAt("survey.wave")} />
      <ParsedField
        id="field-survey.audience_codes"
        label="Audience codes: the ISO3 of each audience value, where the audience column holds names (one per line: value = ISO3)"
        hint="e.g. Britain = GBR"
        text={formatPairs(p.survey.audience_codes)}
        parse={parsePairs}
        onChange={(v) => p.setSurvey({ audience_codes: Object.keys(v).length ? v : undefined })}
        issues={p.issuesAt("survey.audience_codes")}
        multiline
      />
    </Panel>
  );
}
