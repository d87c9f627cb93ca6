/**
 * Page 5, "Drivers and media": every key-driver analysis of study.yaml's `drivers` list (pick
 * one, add, remove), each with all its keys — outcome, predictors, groups, controls kept in
 * every model (`always`), weights, family, methods, bootstrap, confidence level, waves (`by`),
 * a respondent filter, no-answer codes, its own data file — and the media section.
 */
import { useState } from "preact/hooks";
import { formatFilter, newAnalysisName, parseFilter, withAnalysis } from "./drivers-edits.ts";
import {
  asObj,
  formatGroups,
  formatList,
  numberOf,
  type Obj,
  type Parsed,
  parseGroups,
  parseNumbers,
} from "./edits.ts";
import {
  asText,
  CheckList,
  Choice,
  type EditorProps,
  Issues,
  isData,
  Panel,
  ParsedField,
  specIssues,
  TextField,
  useColumns,
} from "./fields.tsx";
import { MediaEditor } from "./media-editor.tsx";
import { RecodeEditor } from "./recode-editor.tsx";

export const DRIVER_METHODS = ["lmg", "dominance", "rw", "first", "last", "betasq", "pratt"];

/** Keys that have their own field (their issues show under it, not in the panel's list). */
const OWN_FIELDS = [
  "name",
  "recode",
  "groups",
  "target",
  "missing_codes",
  "bootstrap",
  "filter",
  "level",
  "always",
  "weights",
  "family",
  "data",
];

const parseLevel = (t: string): Parsed<number | undefined> => {
  if (t.trim() === "") return { value: undefined };
  const x = Number(t);
  return Number.isFinite(x) ? { value: x } : { error: `"${t.trim()}" is not a number` };
};

export function DriversPage(p: EditorProps) {
  const drivers = (Array.isArray(p.model.study.drivers) ? p.model.study.drivers : []) as Obj[];
  const [chosen, setChosen] = useState(0);
  const k = Math.min(chosen, Math.max(0, drivers.length - 1));
  const media = asObj(p.model.study.media);
  const setDrivers = (next: Obj[]) => p.setSection("drivers", next.length ? next : undefined);
  const add = () => {
    setDrivers([
      ...drivers,
      { name: newAnalysisName(drivers), outcome: "", predictors: [] } as Obj,
    ]);
    setChosen(drivers.length);
  };
  return (
    <>
      <Panel title="Key drivers">
        {drivers.length > 1 && (
          <fieldset class="form-row">
            <legend>Analyses</legend>
            {drivers.map((d, j) => (
              <button key={j} type="button" aria-pressed={j === k} onClick={() => setChosen(j)}>
                {String(d.name || `analysis ${j + 1}`)}
              </button>
            ))}
          </fieldset>
        )}
        {drivers.length > 0 ? (
          <AnalysisEditor
            {...p}
            key={k}
            k={k}
            drivers={drivers}
            setDrivers={setDrivers}
            onRemove={() => {
              setDrivers(drivers.filter((_, j) => j !== k));
              setChosen(Math.max(0, k - 1));
            }}
          />
        ) : (
          <p>No key-driver analysis yet.</p>
        )}
        <button type="button" onClick={add}>
          Add an analysis
        </button>
      </Panel>
      <Panel title="Media">
        <Choice
          id="field-media.corpus"
          label="Corpus (JSONL or CSV)"
          value={String(media.corpus ?? "")}
          options={p.files.filter((f) => /\.(jsonl|csv)$/i.test(f))}
          none="(no media)"
          onChange={(v) => p.setSection("media", v ? { ...media, corpus: v } : undefined)}
        />
        {typeof media.corpus === "string" && media.corpus !== "" && (
          <MediaEditor {...p} media={media} />
        )}
        <Issues
          id="media-issues"
          issues={p
            .issuesAt("media")
            .filter(
              (i) => !/^media\.(fields|targets|bias|bootstrap|skip_bad|period)\b/.test(i.key),
            )}
        />
      </Panel>
    </>
  );
}

function AnalysisEditor(
  p: EditorProps & {
    k: number;
    drivers: Obj[];
    setDrivers: (next: Obj[]) => void;
    onRemove: () => void;
  },
) {
  const { k } = p;
  const d = p.drivers[k] ?? {};
  const key = (f: string) => `drivers.${k}.${f}`;
  const id = (f: string) => `field-drivers.${k}.${f}`;
  const survey = asObj(p.model.study.survey);
  const dataPath =
    typeof d.data === "string" && d.data !== ""
      ? d.data
      : typeof survey.data === "string"
        ? survey.data
        : undefined;
  const preview = useColumns(p.id, dataPath);
  const recode =
    typeof d.recode === "string"
      ? asObj(p.model.specs.find((s) => s.key === key("recode"))?.content)
      : d.recode === undefined
        ? undefined
        : asObj(d.recode);
  // The data's columns, then the variables this analysis derives (usable as outcome or predictor).
  const names = (preview?.columns.map((c) => c.name) ?? []).concat(
    Object.keys(recode ?? {}).filter((n) => !preview?.columns.some((c) => c.name === n)),
  );
  const set = (patch: Obj) => p.setDrivers(withAnalysis(p.drivers, k, patch));
  const preds = (d.predictors as string[]) ?? [];
  const always = (d.always as string[]) ?? [];
  const methods = Array.isArray(d.methods) ? (d.methods as string[]) : [];
  const checkList = (
    legend: string,
    options: string[],
    chosen: string[],
    onChange: (v: string[]) => void,
  ) => (
    <CheckList
      legend={legend}
      options={options}
      isChecked={(n) => chosen.includes(n)}
      onToggle={(n, on) => onChange(on ? [...chosen, n] : chosen.filter((x) => x !== n))}
    />
  );
  return (
    <div data-testid={`drivers-analysis-${k}`}>
      <TextField
        id={id("name")}
        label="Name (lower case)"
        value={String(d.name ?? "")}
        onInput={(v) => set({ name: v })}
        issues={p.issuesAt(key("name"))}
      />
      <Choice
        id={id("data")}
        label="Respondent data"
        value={String(d.data ?? "")}
        options={p.files.filter(isData)}
        none="(the survey's data)"
        onChange={(v) => set({ data: v || undefined })}
      />
      <Issues id={`drivers-${k}-data-issues`} issues={p.issuesAt(key("data"))} />
      <Choice
        id={id("outcome")}
        label="Outcome"
        value={String(d.outcome ?? "")}
        options={names}
        none="(choose)"
        onChange={(v) => set({ outcome: v })}
      />
      {checkList(
        "Predictors",
        names.filter((n) => n !== d.outcome),
        preds,
        (v) => set({ predictors: v }),
      )}
      {checkList(
        "Controls in every model (always; not ranked)",
        names.filter((n) => n !== d.outcome && !preds.includes(n)),
        always,
        (v) => set({ always: v.length ? v : undefined }),
      )}
      <Issues id={`drivers-${k}-always-issues`} issues={p.issuesAt(key("always"))} />
      <ParsedField
        id={id("groups")}
        label="Groups of predictors reported together (one per line: name: predictors)"
        hint="e.g. Tech companies: huawei_fav, tiktok_fav"
        text={formatGroups(d.groups)}
        parse={parseGroups}
        onChange={(v) => set({ groups: Object.keys(v).length ? v : undefined })}
        issues={p.issuesAt(key("groups"))}
        multiline
      />
      <Choice
        id={id("weights")}
        label="Weights"
        value={String(d.weights ?? "")}
        options={names}
        none="(the survey design's weights)"
        onChange={(v) => set({ weights: v || undefined })}
      />
      <Issues id={`drivers-${k}-weights-issues`} issues={p.issuesAt(key("weights"))} />
      <Choice
        id={id("family")}
        label="Model (family)"
        value={String(d.family ?? "gaussian")}
        options={["gaussian", "binomial"]}
        onChange={(v) => set({ family: v === "gaussian" ? undefined : v })}
      />
      <Choice
        id={id("by")}
        label="Waves (compare by)"
        value={String(d.by ?? "")}
        options={names}
        none="(none)"
        onChange={(v) => set({ by: v || undefined })}
      />
      <ParsedField
        id={id("filter")}
        label="Keep only respondents with these values (one per line: variable: values)"
        hint='e.g. country: GBR, DEU — a number in double quotes ("2019") stays text'
        text={formatFilter(d.filter)}
        parse={parseFilter}
        onChange={(v) => set({ filter: Object.keys(v).length ? v : undefined })}
        issues={p.issuesAt(key("filter"))}
        multiline
      />
      <ParsedField
        id={id("target")}
        label="Target whose image this explains (ISO3, optional)"
        text={String(d.target ?? "")}
        parse={asText}
        onChange={(v) => set({ target: v.trim() || undefined })}
        issues={p.issuesAt(key("target"))}
      />
      <ParsedField
        id={id("missing_codes")}
        label="No-answer codes (missing in outcome and predictors)"
        text={formatList(d.missing_codes)}
        parse={parseNumbers}
        onChange={(v) => set({ missing_codes: v.length ? v : undefined })}
        issues={p.issuesAt(key("missing_codes"))}
      />
      {checkList("Methods (default lmg)", DRIVER_METHODS, methods, (v) =>
        set({ methods: v.length ? v : undefined }),
      )}
      <ParsedField
        id={id("bootstrap")}
        label="Bootstrap replications (default 200; 0: none)"
        text={d.bootstrap === undefined ? "" : String(d.bootstrap)}
        parse={asText}
        onChange={(v) => set({ bootstrap: numberOf(v) })}
        issues={p.issuesAt(key("bootstrap"))}
      />
      <ParsedField
        id={id("level")}
        label="Confidence level of the intervals (default 0.95)"
        text={d.level === undefined ? "" : String(d.level)}
        parse={parseLevel}
        onChange={(v) => set({ level: v })}
        issues={p.issuesAt(key("level"))}
      />
      <RecodeEditor
        idPrefix={`field-drivers.${k}.recode`}
        spec={recode}
        names={preview?.columns.map((c) => c.name) ?? []}
        onChange={(next) => {
          if (typeof d.recode === "string" && next) p.setSpec(key("recode"), next);
          else set({ recode: next });
        }}
        issuesAt={(sub) => specIssues(p, key("recode"), sub)}
      />
      <Issues
        id={`drivers-${k}-issues`}
        issues={p
          .issuesAt("drivers")
          .filter(
            (i) =>
              !OWN_FIELDS.some((f) => i.key === key(f) || i.key.startsWith(`${key(f)}.`)) &&
              (i.key === "drivers" ||
                i.key === `drivers.${k}` ||
                i.key.startsWith(`drivers.${k}.`) ||
                !/^drivers\.\d+/.test(i.key)),
          )}
      />
      <button type="button" onClick={p.onRemove}>
        Remove this analysis
      </button>
    </div>
  );
}
