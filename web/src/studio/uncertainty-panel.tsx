/**
 * The index page's uncertainty and sensitivity panel (index.uncertainty): Monte Carlo ranks or a
 * Sobol analysis, with runs, seed, the Sobol bootstrap, and the factors as a table (one row per
 * factor: weight noise, a parameter's values, whole alternatives, or indicators left out), or
 * as JSON in the advanced view.
 */
import { useEffect, useState } from "preact/hooks";
import type { Issue } from "./client.ts";
import {
  DEFAULT_FACTORS,
  formatJson,
  numberOf,
  type Obj,
  parseJson,
  withUncertainty,
} from "./edits.ts";
import {
  emptyFactor,
  FACTOR_KINDS,
  type FactorKind,
  type FactorRow,
  factorRows,
  factorsOf,
} from "./factor-edits.ts";
import { asText, Choice, Issues, Panel, ParsedField } from "./fields.tsx";

const STEPS = ["denominate", "impute", "screen", "treat", "normalise", "aggregate"];
const KIND_LABELS: Record<FactorKind, string> = {
  weights: "weight noise",
  values: "a parameter's values",
  alternatives: "whole alternatives (JSON)",
  exclude: "leave one indicator out",
};

/** The factors, one row each; a cell that cannot be read is named, nothing is sent. */
function FactorsTable(props: {
  factors: unknown;
  onChange: (factors: Obj[]) => void;
  issues: Issue[];
}) {
  const [rows, setRows] = useState<FactorRow[]>(() => factorRows(props.factors));
  const [error, setError] = useState("");
  const sent = JSON.stringify(props.factors);
  const [last, setLast] = useState(sent);
  useEffect(() => {
    // Changed elsewhere (the JSON box): show the new factors.
    if (sent !== last) {
      setRows(factorRows(props.factors));
      setLast(sent);
    }
  }, [sent]);
  const update = (next: FactorRow[]) => {
    setRows(next);
    const r = factorsOf(next);
    if (r.error !== undefined) setError(r.error);
    else {
      setError("");
      setLast(JSON.stringify(r.value));
      props.onChange(r.value);
    }
  };
  const set = (k: number, patch: Partial<FactorRow>) =>
    update(rows.map((r, j) => (j === k ? { ...r, ...patch } : r)));
  const cell = (k: number, key: keyof FactorRow, label: string, wide = false) => (
    <input
      aria-label={`Factor ${k + 1} ${label}`}
      class={wide ? "wide" : undefined}
      value={rows[k]![key]}
      onInput={(e) => set(k, { [key]: (e.currentTarget as HTMLInputElement).value })}
    />
  );
  return (
    <fieldset>
      <legend>Factors (what varies between replications)</legend>
      <table>
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Kind</th>
            <th scope="col">Settings</th>
            <th scope="col">
              <span class="sr-only">Remove</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r, k) => (
            <tr key={k} data-testid={`factor-${k + 1}`}>
              <td>{cell(k, "name", "name")}</td>
              <td>
                <select
                  aria-label={`Factor ${k + 1} kind`}
                  value={r.kind}
                  onChange={(e) =>
                    set(k, {
                      ...emptyFactor((e.currentTarget as HTMLSelectElement).value as FactorKind),
                      name: r.name,
                    })
                  }
                >
                  {FACTOR_KINDS.map((x) => (
                    <option key={x} value={x}>
                      {KIND_LABELS[x]}
                    </option>
                  ))}
                </select>
              </td>
              <td>
                {r.kind === "weights" && (
                  <>
                    {cell(k, "levels", "levels (e.g. 2, 3)")}{" "}
                    {cell(k, "factor", "noise factor (0 to 1, e.g. 0.25)")}{" "}
                    {cell(k, "nrep", "weight sets drawn (default 100)")}
                  </>
                )}
                {(r.kind === "values" || r.kind === "alternatives") && (
                  <select
                    aria-label={`Factor ${k + 1} step`}
                    value={r.step}
                    onChange={(e) => set(k, { step: (e.currentTarget as HTMLSelectElement).value })}
                  >
                    <option value="">(step)</option>
                    {STEPS.map((s) => (
                      <option key={s} value={s}>
                        {s}
                      </option>
                    ))}
                  </select>
                )}
                {r.kind === "values" && (
                  <>
                    {" "}
                    {cell(k, "param", "parameter (e.g. winmax)")}{" "}
                    {cell(k, "values", "values (e.g. 3, 4, 5)", true)}
                  </>
                )}
                {r.kind === "alternatives" && (
                  <> {cell(k, "alternatives", "alternatives (JSON list)", true)}</>
                )}
                {r.kind === "exclude" && cell(k, "exclude", "indicator codes", true)}
              </td>
              <td>
                <button
                  type="button"
                  aria-label={`Remove factor ${k + 1}`}
                  onClick={() => update(rows.filter((_, j) => j !== k))}
                >
                  ×
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <button type="button" onClick={() => update([...rows, emptyFactor("values")])}>
        Add a factor
      </button>
      {error || props.issues.length ? (
        <ul class="issues" aria-live="polite">
          {error && <li>{error}</li>}
          {props.issues.map((i) => (
            <li key={`${i.file}${i.key}${i.message}`}>
              {i.file}
              {i.line ? ` line ${i.line}` : ""}
              {i.key ? ` (${i.key})` : ""}: {i.message}
            </li>
          ))}
        </ul>
      ) : null}
    </fieldset>
  );
}

/** index.uncertainty: Monte Carlo ranks or a Sobol analysis; runs, seed, bootstrap, factors. */
export function UncertaintyPanel(props: {
  spec: Obj | undefined;
  issues: Issue[];
  set: (next: Obj | undefined) => void;
}) {
  const unc = props.spec;
  const type = unc ? String(unc.type ?? "uncertainty") : "";
  const patch = (x: Obj) => props.set(withUncertainty(unc, x));
  const at = (k: string) =>
    props.issues.filter(
      (i) =>
        i.key === `index.uncertainty.${k}` ||
        i.key === k ||
        i.key.startsWith(`${k}.`) ||
        i.key.startsWith(`index.uncertainty.${k}.`),
    );
  return (
    <Panel title="Uncertainty and sensitivity">
      <Choice
        id="field-index.uncertainty.type"
        label="Analysis"
        value={type}
        options={["uncertainty", "sobol"]}
        none="(none)"
        onChange={(v) =>
          props.set(
            v === ""
              ? undefined
              : withUncertainty(unc ?? { runs: 100, factors: DEFAULT_FACTORS }, { type: v }),
          )
        }
      />
      {unc && (
        <>
          <ParsedField
            id="field-index.uncertainty"
            label={type === "sobol" ? "Base samples N (N(d + 2) runs in all)" : "Monte Carlo runs"}
            text={unc.runs === undefined ? "" : String(unc.runs)}
            parse={asText}
            onChange={(v) => patch({ runs: numberOf(v) })}
            issues={at("runs")}
          />
          <ParsedField
            id="field-index.uncertainty.seed"
            label="Seed (empty: the study's seed)"
            text={unc.seed === undefined ? "" : String(unc.seed)}
            parse={asText}
            onChange={(v) => patch({ seed: numberOf(v) })}
            issues={at("seed")}
          />
          {type === "sobol" && (
            <ParsedField
              id="field-index.uncertainty.nboot"
              label="Bootstrap replications of the Sobol intervals (default 1000; 0: none)"
              text={unc.nboot === undefined ? "" : String(unc.nboot)}
              parse={asText}
              onChange={(v) => patch({ nboot: numberOf(v) })}
              issues={at("nboot")}
            />
          )}
          <FactorsTable
            factors={unc.factors}
            onChange={(factors) => patch({ factors })}
            issues={at("factors")}
          />
          <details>
            <summary>Factors as JSON</summary>
            <ParsedField
              id="field-index.uncertainty.factors"
              label="Factors (JSON list)"
              hint='Each a weight noise {"name", "noise": {"levels", "factor"}}, a parameter {"name", "step", "param", "values"}, alternatives {"name", "step", "alternatives"} or {"name", "exclude": [codes]}'
              text={formatJson(unc.factors)}
              parse={parseJson}
              onChange={(v) => patch({ factors: v })}
              issues={at("factors")}
              multiline
            />
          </details>
        </>
      )}
      {!unc && <Issues id="uncertainty-issues" issues={props.issues} />}
    </Panel>
  );
}
