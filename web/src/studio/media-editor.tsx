import { useState } from "preact/hooks";
import {
  asObj,
  type BiasRow,
  biasOf,
  biasRows,
  compact,
  DEDUPE_KEYS,
  FIELD_KEYS,
  formatList,
  formatPairs,
  numberOf,
  type Obj,
  parseFilenamePattern,
  parseList,
  parsePairs,
  withField,
} from "./edits.ts";
import {
  asText,
  Check,
  CheckList,
  Choice,
  type EditorProps,
  Issues,
  ParsedField,
} from "./fields.tsx";

/** Field-map keys with a field of their own (their issues show there). */
const MAP_KEYS = ["fields", "outlet_country", "columns", "constants", "filename", "dedupe"];

/**
 * The media section beyond the corpus: the field map (columns for header-less CSV, the column of
 * each field, constants, fields from file names, outlets' countries, de-duplication), targets,
 * period, bootstrap, skipping bad records, and the bias comparisons.
 */
export function MediaEditor(p: EditorProps & { media: Obj }) {
  const media = p.media;
  const setMedia = (patch: Obj) => {
    const next = { ...media, ...patch };
    for (const k of Object.keys(next)) if (next[k] === undefined) delete next[k];
    p.setSection("media", next);
  };
  const fields = p.spec("media.fields");
  const setFields = (next: Obj) => {
    if (typeof media.fields === "string") p.setSpec("media.fields", next);
    else setMedia({ fields: Object.keys(next).length ? next : undefined });
  };
  const map = fields ?? {};
  const dedupe = Array.isArray(map.dedupe) ? (map.dedupe as string[]) : [];
  // Issues of a field-map key: at media.fields.<sub> when the map is inline, at <sub> in the
  // map's own file when study.yaml names one.
  const specFile = p.model.specs
    .find((s) => s.key === "media.fields")
    ?.path.split("/")
    .pop();
  const mapIssues = (sub: string) =>
    p.issues.filter(
      (i) =>
        i.key === `media.fields.${sub}` ||
        i.key.startsWith(`media.fields.${sub}.`) ||
        (specFile !== undefined &&
          i.file === specFile &&
          (i.key === sub || i.key.startsWith(`${sub}.`))),
    );
  const fieldIssues = (k: string) => mapIssues(`fields.${k}`);
  const [rows, setRows] = useState<BiasRow[]>(() => biasRows(media.bias));
  const setBias = (next: BiasRow[]) => {
    setRows(next);
    setMedia({ bias: next.length ? biasOf(next) : undefined });
  };
  const setRow = (k: number, patch: Partial<BiasRow>) =>
    setBias(rows.map((r, j) => (j === k ? { ...r, ...patch } : r)));
  return (
    <>
      <fieldset>
        <legend>Field map: the corpus column holding each field (empty: the default name)</legend>
        {FIELD_KEYS.map((k) => (
          <ParsedField
            key={k}
            id={`field-media.fields.${k}`}
            label={k}
            text={String(asObj(map.fields)[k] ?? "")}
            parse={asText}
            onChange={(v) => setFields(withField(map, k, v.trim()))}
            issues={fieldIssues(k)}
          />
        ))}
        <ParsedField
          id="field-media.fields.outlet_country_map"
          label="Outlets' countries (one per line: outlet = ISO3)"
          text={formatPairs(map.outlet_country)}
          parse={parsePairs}
          onChange={(v) => setFields(compact({ ...map, outlet_country: v }))}
          issues={mapIssues("outlet_country")}
          multiline
        />
        <ParsedField
          id="field-media.fields.columns"
          label="Column names, for CSV files without a header row (comma-separated)"
          text={formatList(map.columns)}
          parse={(t) => ({ value: parseList(t) })}
          onChange={(v) => setFields(compact({ ...map, columns: v }))}
          issues={mapIssues("columns")}
        />
        <ParsedField
          id="field-media.fields.constants"
          label="Values for every article (one per line: field = value)"
          hint="e.g. outlet = New York Times, outlet_country = USA for a one-outlet corpus"
          text={formatPairs(map.constants)}
          parse={parsePairs}
          onChange={(v) => setFields(compact({ ...map, constants: v }))}
          issues={mapIssues("constants")}
          multiline
        />
        <ParsedField
          id="field-media.fields.filename"
          label="Fields from each file's name (a regular expression with named groups)"
          hint="e.g. ^(?<outlet>[^_]+)_(?<date>\d{4}-\d{2}-\d{2})"
          text={String(map.filename ?? "")}
          parse={parseFilenamePattern}
          onChange={(v) => setFields(compact({ ...map, filename: v }))}
          issues={mapIssues("filename")}
        />
        <CheckList
          legend="Skip repeated articles: fields that identify an article (none: keep all)"
          options={DEDUPE_KEYS}
          isChecked={(k) => dedupe.includes(k)}
          onToggle={(k, on) =>
            setFields(
              compact({
                ...map,
                dedupe: on
                  ? DEDUPE_KEYS.filter((x) => x === k || dedupe.includes(x))
                  : dedupe.filter((x) => x !== k),
              }),
            )
          }
        >
          <Issues id="media-fields-dedupe-issues" issues={mapIssues("dedupe")} />
        </CheckList>
        <Issues
          id="media-fields-issues"
          issues={p
            .issuesAt("media.fields")
            .filter((i) => !MAP_KEYS.some((sub) => mapIssues(sub).includes(i)))}
        />
      </fieldset>
      <ParsedField
        id="field-media.targets"
        label="Targets to report (ISO3, comma-separated; empty: the study's targets)"
        text={formatList(media.targets)}
        parse={(t) => ({ value: parseList(t) })}
        onChange={(v) => setMedia({ targets: v.length ? v : undefined })}
        issues={p.issuesAt("media.targets")}
      />
      <Choice
        id="field-media.period"
        label="Period"
        value={String(media.period ?? "month")}
        options={["day", "week", "month", "year"]}
        onChange={(v) => setMedia({ period: v === "month" ? undefined : v })}
      />
      <ParsedField
        id="field-media.bootstrap"
        label="Article-bootstrap replicates for the intervals (default 500; 0: none)"
        text={media.bootstrap === undefined ? "" : String(media.bootstrap)}
        parse={asText}
        onChange={(v) => setMedia({ bootstrap: numberOf(v) })}
        issues={p.issuesAt("media.bootstrap")}
      />
      <Check
        id="field-media.skip_bad"
        label="Skip malformed records (counted in the run) instead of stopping the build"
        checked={media.skip_bad === true}
        onChange={(on) => setMedia({ skip_bad: on || undefined })}
      />
      <fieldset>
        <legend>Bias comparisons: tone toward a target against a comparison set</legend>
        {rows.length > 0 && (
          <table>
            <thead>
              <tr>
                <th scope="col">Outlet group</th>
                <th scope="col">Target</th>
                <th scope="col">Compared with</th>
                <th scope="col">
                  <span class="sr-only">Remove</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r, k) => (
                <tr key={k}>
                  <td>
                    <input
                      id={`field-media.bias.${k}`}
                      aria-label={`Bias ${k + 1} outlet group (outlet=NAME or outlet_country=ISO3)`}
                      value={r.group}
                      onInput={(e) =>
                        setRow(k, { group: (e.currentTarget as HTMLInputElement).value })
                      }
                    />
                  </td>
                  <td>
                    <input
                      aria-label={`Bias ${k + 1} target (ISO3)`}
                      value={r.target}
                      onInput={(e) =>
                        setRow(k, { target: (e.currentTarget as HTMLInputElement).value })
                      }
                    />
                  </td>
                  <td>
                    <input
                      aria-label={`Bias ${k + 1} comparison countries (ISO3, comma-separated)`}
                      value={r.compare}
                      onInput={(e) =>
                        setRow(k, { compare: (e.currentTarget as HTMLInputElement).value })
                      }
                    />
                  </td>
                  <td>
                    <button
                      type="button"
                      aria-label={`Remove bias comparison ${k + 1}`}
                      onClick={() => setBias(rows.filter((_, j) => j !== k))}
                    >
                      ×
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        <button
          type="button"
          onClick={() => setBias([...rows, { group: "outlet_country=", target: "", compare: "" }])}
        >
          Add a bias comparison
        </button>
        <Issues id="media-bias-issues" issues={p.issuesAt("media.bias")} />
      </fieldset>
    </>
  );
}
