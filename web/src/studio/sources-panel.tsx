/**
 * The index page's indicator sources (index.sources: long or wide tables such as WDI downloads,
 * read in place, countries resolved to ISO3) and comparison rankings (index.compare, e.g. the
 * Soft Power 30), inline in study.yaml or in their own list file; plus the index year, the
 * panel years, the units kept and the named weight sets.
 */
import type { Issue } from "./client.ts";
import { asObj, formatList, numberOf, type Obj, parseList } from "./edits.ts";
import {
  asText,
  Check,
  Choice,
  type EditorProps,
  Issues,
  isData,
  Panel,
  ParsedField,
} from "./fields.tsx";
import {
  formatCells,
  formatColumns,
  formatYears,
  parseCells,
  parseColumns,
  parseYears,
  REDUCERS,
  UNIT_TYPES,
  withSourceField,
  withYearLayout,
  yearLayout,
} from "./sources-edits.ts";

type ListKey = "index.sources" | "index.compare";

/** The list at `key`: from its file when study.yaml names one, else inline. */
function listAt(p: EditorProps, key: ListKey): { list: Obj[]; file?: string } {
  const v = asObj(p.model.study.index)[key.split(".")[1]!];
  if (typeof v === "string") {
    const spec = p.model.specs.find((s) => s.key === key);
    return { list: (Array.isArray(spec?.content) ? spec.content : []) as Obj[], file: spec?.path };
  }
  return { list: (Array.isArray(v) ? v : []) as Obj[] };
}

function SourceEditor(props: {
  idPrefix: string;
  k: number;
  source: Obj;
  files: string[];
  compare: boolean;
  issuesAt: (sub: string) => Issue[];
  onChange: (next: Obj) => void;
  onRemove: () => void;
}) {
  const s = props.source;
  const id = (f: string) => `${props.idPrefix}.${props.k}.${f}`;
  const set = (patch: Obj) => props.onChange(withSourceField(s, patch));
  const text = (f: string, label: string, opts: { number?: boolean; hint?: string } = {}) => (
    <ParsedField
      id={id(f)}
      label={label}
      hint={opts.hint}
      text={s[f] === undefined ? "" : String(s[f])}
      parse={asText}
      onChange={(v) => set({ [f]: opts.number ? numberOf(v) : v.trim() || undefined })}
      issues={props.issuesAt(f)}
    />
  );
  const layout = yearLayout(s);
  const file = String(s.file ?? "");
  return (
    <fieldset data-testid={`${props.idPrefix}-${props.k + 1}`}>
      <legend>
        {props.compare ? "Ranking" : "Source"} {props.k + 1}
        {s.code ? `: ${String(s.code)}` : s.name ? `: ${String(s.name)}` : ""}
      </legend>
      {props.compare && text("name", "Name of the ranking (e.g. Soft Power 30 2015)")}
      <Choice
        id={id("file")}
        label="File (CSV or XLSX)"
        value={file}
        options={props.files.concat(file && !props.files.includes(file) ? [file] : [])}
        none="(choose)"
        onChange={(v) => set({ file: v })}
      />
      <Issues id={`${id("file")}-issues`} issues={props.issuesAt("file")} />
      {/\.xlsx$/i.test(file) && text("sheet", "Sheet (default: the first)")}
      {!/\.xlsx$/i.test(file) &&
        text("delimiter", "Field delimiter (default , or ; as the header has it)")}
      {text("skip", "Lines before the header (4 in a raw WDI download)", { number: true })}
      {text("unit", "Column holding the country")}
      <Choice
        id={id("unit_type")}
        label="How that column writes countries"
        value={String(s.unit_type ?? "iso3")}
        options={[...UNIT_TYPES]}
        onChange={(v) => set({ unit_type: v === "iso3" ? undefined : v })}
      />
      <Choice
        id={id("layout")}
        label="Years"
        value={layout}
        options={["columns", "column", "none"]}
        onChange={(v) => props.onChange(withYearLayout(s, v as "columns" | "column" | "none"))}
      />
      <p class="hint">
        columns: one column per year, headed by the year (WDI); column: a column holding the year
        (long files); none: one value per country
      </p>
      {layout === "column" && text("year", "Column holding the year (a year or an ISO date)")}
      {text("indicator", "Column naming each row's indicator (long files with several; optional)")}
      {layout !== "columns" && text("value", "Column holding the values")}
      {!props.compare && text("code", "iCode of the one indicator this file gives")}
      <ParsedField
        id={id("columns")}
        label={
          s.indicator
            ? "Indicators: iCode = the indicator's name in the indicator column (one per line)"
            : "Several indicators: iCode = column (one per line; instead of value and code)"
        }
        text={formatColumns(s.columns)}
        parse={parseColumns}
        onChange={(v) => set({ columns: Object.keys(v).length ? v : undefined })}
        issues={props.issuesAt("columns")}
        multiline
      />
      <ParsedField
        id={id("filter")}
        label="Keep only rows where (one per line: column = value)"
        hint='numbers compare as numbers; "2015" in double quotes stays text'
        text={formatCells(s.filter)}
        parse={parseCells}
        onChange={(v) => set({ filter: Object.keys(v).length ? v : undefined })}
        issues={props.issuesAt("filter")}
        multiline
      />
      <Choice
        id={id("reduce")}
        label="Values of one country within the year window become"
        value={String(s.reduce ?? "value")}
        options={[...REDUCERS]}
        onChange={(v) => set({ reduce: v === "value" ? undefined : v })}
      />
      {text("max_lag", "Year window: the index year and this many years before (default 0)", {
        number: true,
      })}
      {text("scale", "Multiply the values by (e.g. 1e-6 for millions)", { number: true })}
      <ParsedField
        id={id("na")}
        label='Further cell values meaning missing (comma-separated, e.g. "..")'
        text={formatList(s.na)}
        parse={(t) => ({ value: parseList(t) })}
        onChange={(v) => set({ na: v.length ? v : undefined })}
        issues={props.issuesAt("na")}
      />
      <Issues
        id={`${id("other")}-issues`}
        issues={props.issuesAt("").filter((i) => /(^|\.)\d+$/.test(i.key))}
      />
      <button type="button" onClick={props.onRemove}>
        Remove {props.compare ? "ranking" : "source"} {props.k + 1}
      </button>
    </fieldset>
  );
}

function ListEditor(p: EditorProps & { listKey: ListKey; compare: boolean }) {
  const { list, file } = listAt(p, p.listKey);
  const field = p.listKey.split(".")[1]!;
  const index = asObj(p.model.study.index);
  const setList = (next: Obj[]) => {
    if (file !== undefined) p.setSpec(p.listKey, next as unknown as Obj);
    else {
      const patch: Obj = { ...index, [field]: next.length ? next : undefined };
      for (const k of Object.keys(patch)) if (patch[k] === undefined) delete patch[k];
      p.setSection("index", patch);
    }
  };
  const fileName = file?.split("/").pop();
  // Issues of source k's field `sub` ("" = the whole source): inline at index.sources.k.sub,
  // or at k.sub in the list's own file.
  const issuesAt = (k: number) => (sub: string) => {
    const under = (key: string, base: string) => key === base || key.startsWith(`${base}.`);
    const rel = `${k}${sub ? `.${sub}` : ""}`;
    return p.issues.filter(
      (i) =>
        under(i.key, `${p.listKey}.${rel}`) ||
        (fileName !== undefined && i.file === fileName && under(i.key, rel)),
    );
  };
  const files = p.files.filter(isData);
  return (
    <>
      {file && <p class="hint">Kept in {file}; edits are written there.</p>}
      {list.map((s, k) => (
        <SourceEditor
          key={k}
          idPrefix={`field-${p.listKey}`}
          k={k}
          source={s}
          files={files}
          compare={p.compare}
          issuesAt={issuesAt(k)}
          onChange={(next) => setList(list.map((x, j) => (j === k ? next : x)))}
          onRemove={() => setList(list.filter((_, j) => j !== k))}
        />
      ))}
      <button
        type="button"
        onClick={() =>
          setList([
            ...list,
            p.compare
              ? { name: "", file: "", unit: "" }
              : { file: "", unit: "", year_columns: true, code: "" },
          ])
        }
      >
        {p.compare ? "Add a ranking" : "Add a source"}
      </button>
    </>
  );
}

/** Indicator sources, comparisons, year(s), units and weight sets of the index. */
export function SourcesPanel(p: EditorProps) {
  const index = asObj(p.model.study.index);
  const setIndex = (patch: Obj) => {
    const next = { ...index, ...patch };
    for (const k of Object.keys(next)) if (next[k] === undefined || next[k] === "") delete next[k];
    p.setSection("index", Object.keys(next).length ? next : undefined);
  };
  const usesSources = index.sources !== undefined;
  return (
    <Panel title="Indicator sources and comparisons">
      <Check
        id="field-index.sources"
        label="Read the indicators from source tables (e.g. WDI downloads) instead of one iData file"
        checked={usesSources}
        onChange={(on) =>
          setIndex(
            on
              ? {
                  sources: [{ file: "", unit: "", year_columns: true, code: "" }],
                  data: undefined,
                }
              : { sources: undefined },
          )
        }
      />
      {usesSources && (
        <>
          <ParsedField
            id="field-index.year"
            label="Index year (when the sources hold several)"
            text={index.year === undefined ? "" : String(index.year)}
            parse={asText}
            onChange={(v) => setIndex({ year: numberOf(v) })}
            issues={p.issuesAt("index.year")}
          />
          <ParsedField
            id="field-index.years"
            label="Or a panel: several years (e.g. 2010-2019, or 2013, 2015)"
            text={formatYears(index.years)}
            parse={parseYears}
            onChange={(v) => setIndex({ years: v })}
            issues={p.issuesAt("index.years")}
          />
          <ListEditor {...p} listKey="index.sources" compare={false} />
        </>
      )}
      <ParsedField
        id="field-index.units"
        label="Keep only these units (uCodes, comma-separated; empty: all)"
        text={formatList(index.units)}
        parse={(t) => ({ value: parseList(t) })}
        onChange={(v) => setIndex({ units: v.length ? v : undefined })}
        issues={p.issuesAt("index.units")}
      />
      <Choice
        id="field-index.weights"
        label="Named weight sets (a file: iCode and one column per set)"
        value={String(index.weights ?? "")}
        options={p.files.filter(isData)}
        none="(none)"
        onChange={(v) => setIndex({ weights: v || undefined })}
      />
      <h4>Rankings to compare with (Spearman and Kendall)</h4>
      <ListEditor {...p} listKey="index.compare" compare />
      <Issues
        id="index-sources-issues"
        issues={p.issuesAt("index").filter((i) => i.key === "index")}
      />
    </Panel>
  );
}
