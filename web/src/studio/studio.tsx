/**
 * The workbench (`softpower studio`): studies created, edited, built and shared from the
 * browser. Every edit goes to the server's validator (the CLI's schemas and messages) as the
 * user types; Save writes a plain study.yaml and its spec files. Routes: `#/studio` (studies,
 * new study) and `#/studio/<study>/<page>`.
 */

import countryRows from "virtual:countries";
import { useEffect, useMemo, useRef, useState } from "preact/hooks";
import {
  type BuildEvent,
  type EstimateRow,
  type Issue,
  type Preview,
  StudioError,
  type StudyModel,
  studio,
  studioToken,
} from "./client.ts";
import { DriversPage } from "./drivers-page.tsx";
import {
  asObj,
  formatJson,
  type Obj,
  parseJson,
  type SegmentRow,
  segmentRows,
  segmentsOf,
  stepParams,
  withStepParams,
} from "./edits.ts";
import {
  Check,
  CheckList,
  Choice,
  codes,
  type EditorProps,
  ErrorText,
  Issues,
  isData,
  Panel,
  ParsedField,
  specIssues,
  TextField,
  useColumns,
} from "./fields.tsx";
import { PollingPanel, SettingsPanel, TechPanel } from "./pillars-panel.tsx";
import { RecodeEditor } from "./recode-editor.tsx";
import { SourcesPanel } from "./sources-panel.tsx";
import { StepParamsFields } from "./step-params-fields.tsx";
import { UncertaintyPanel } from "./uncertainty-panel.tsx";
import "./studio.css";
import { AudiencesPanel, CalibrationPanel, ReplicatesPanel } from "./survey-weighting.tsx";

export const STUDIO_PAGES = [
  { id: "study", label: "1. Study" },
  { id: "data", label: "2. Data" },
  { id: "survey", label: "3. Survey" },
  { id: "index", label: "4. Index" },
  { id: "drivers", label: "5. Drivers and media" },
  { id: "build", label: "6. Build" },
  { id: "share", label: "7. Share" },
] as const;
type StudioPage = (typeof STUDIO_PAGES)[number]["id"];

/** Whether a hash is a workbench route. */
export const isStudioHash = (h: string) => /^#\/studio(\/|\?|$)/.test(h);

const COUNTRIES = countryRows
  .map(([, iso3, name]) => ({ iso3, name }))
  .sort((a, b) => a.name.localeCompare(b.name));
const NAME = new Map(COUNTRIES.map((c) => [c.iso3, c.name]));

const NORMALISE = [
  "n_minmax",
  "n_zscore",
  "n_scaled",
  "n_rank",
  "n_borda",
  "n_prank",
  "n_dist2max",
  "n_fracmax",
  "n_goalposts",
];
const AGGREGATE = ["a_amean", "a_gmean", "a_hmean", "a_genmean", "a_copeland"];
const IMPUTE = ["", "i_mean", "i_median", "i_mean_grp", "i_median_grp", "i_panel"];

function useHash(): string {
  const [h, setH] = useState(location.hash);
  useEffect(() => {
    const on = () => setH(location.hash);
    addEventListener("hashchange", on);
    return () => removeEventListener("hashchange", on);
  }, []);
  return h;
}

/** The workbench root. */
export function Studio() {
  const hash = useHash();
  const token = useMemo(() => studioToken(), []);
  const [path, query] = hash.replace(/^#\/studio\/?/, "").split("?");
  const [id, page] = (path ?? "").split("/");
  const focus = new URLSearchParams(query ?? "").get("focus") ?? undefined;
  useEffect(() => {
    document.title = `Workbench · Soft Power Observatory`;
  }, []);
  return (
    <>
      <header class="top">
        <div class="brand">
          <h1>Soft Power Observatory</h1>
          <p class="study-name">Workbench</p>
        </div>
        <nav aria-label="Workbench">
          <ul>
            <li>
              <a href="#/studio" aria-current={!id ? "page" : undefined}>
                Studies
              </a>
            </li>
            <li>
              <a href="#/overview">Dashboard</a>
            </li>
          </ul>
        </nav>
      </header>
      <main id="main" tabIndex={-1} data-page="studio" class="studio">
        {!token ? (
          <section class="panel">
            <h2 class="page-title">Workbench</h2>
            <p>
              This server is read-only. To create and edit studies, start the workbench with{" "}
              <code>softpower studio DIR</code> and open the URL it prints (it carries the token
              that every change needs).
            </p>
          </section>
        ) : !id ? (
          <StudyList />
        ) : (
          <Editor
            key={id}
            id={decodeURIComponent(id)}
            page={(STUDIO_PAGES.find((p) => p.id === page)?.id ?? "study") as StudioPage}
            focus={focus}
          />
        )}
      </main>
    </>
  );
}

/** Countries picked by name (datalist) with their ISO3 codes; each chip removable. */
function CountryPicker(props: {
  id: string;
  label: string;
  value: string[];
  onChange: (v: string[]) => void;
  issues: Issue[];
}) {
  const [text, setText] = useState("");
  const [error, setError] = useState("");
  const add = () => {
    const t = text.trim();
    const m = /\(([A-Za-z]{3})\)\s*$/.exec(t);
    const code =
      m?.[1]?.toUpperCase() ??
      (NAME.has(t.toUpperCase())
        ? t.toUpperCase()
        : COUNTRIES.find((c) => c.name.toLowerCase() === t.toLowerCase())?.iso3);
    if (!code) {
      setError(`"${t}" is not a country name or ISO3 code`);
      return;
    }
    setError("");
    if (!props.value.includes(code)) props.onChange([...props.value, code]);
    setText("");
  };
  return (
    <fieldset class="form-row countries">
      <legend>{props.label}</legend>
      <ul class="chips">
        {props.value.map((c) => (
          <li key={c}>
            {NAME.get(c) ?? c} ({c}){" "}
            <button
              type="button"
              aria-label={`Remove ${NAME.get(c) ?? c} (${c}) from ${props.label}`}
              onClick={() => props.onChange(props.value.filter((x) => x !== c))}
            >
              ×
            </button>
          </li>
        ))}
      </ul>
      <label for={props.id}>Add a country to {props.label.toLowerCase()} (name or ISO3)</label>
      <input
        id={props.id}
        list="studio-countries"
        value={text}
        onInput={(e) => setText((e.currentTarget as HTMLInputElement).value)}
        onKeyDown={(e) => {
          if (e.key === "Enter") {
            e.preventDefault();
            add();
          }
        }}
      />
      <button type="button" onClick={add}>
        Add
      </button>
      {error && <p class="error">{error}</p>}
      <Issues id={`${props.id}-issues`} issues={props.issues} />
    </fieldset>
  );
}

function CountryList() {
  return (
    <datalist id="studio-countries">
      {COUNTRIES.map((c) => (
        <option key={c.iso3} value={`${c.name} (${c.iso3})`} />
      ))}
    </datalist>
  );
}

function StudyList() {
  const [list, setList] = useState<{ id: string; name: string; issues: number }[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [name, setName] = useState("");
  const [targets, setTargets] = useState<string[]>([]);
  const [issues, setIssues] = useState<Issue[]>([]);
  useEffect(() => {
    studio.studies().then((r) => setList(r.studies), setError);
  }, []);
  const create = async (e: Event) => {
    e.preventDefault();
    try {
      const r = await studio.create({ name, targets });
      location.hash = `#/studio/${encodeURIComponent(r.id)}/data`;
    } catch (err) {
      if (err instanceof StudioError && err.issues.length) setIssues(err.issues);
      else setError(err);
    }
  };
  return (
    <>
      <h2 class="page-title">Studies</h2>
      {error !== null && <ErrorText error={error} />}
      <section class="panel" aria-labelledby="existing">
        <h3 id="existing">Edit a study</h3>
        {list === null ? (
          <p>Loading…</p>
        ) : list.length === 0 ? (
          <p>No study yet.</p>
        ) : (
          <ul>
            {list.map((s) => (
              <li key={s.id}>
                <a href={`#/studio/${encodeURIComponent(s.id)}/study`}>{s.name}</a> ({s.id})
                {s.issues > 0 ? ` · ${s.issues} problems` : ""}
              </li>
            ))}
          </ul>
        )}
      </section>
      <section class="panel" aria-labelledby="new">
        <h3 id="new">New study</h3>
        <form onSubmit={create}>
          <TextField
            id="new-name"
            label="Name"
            value={name}
            onInput={setName}
            issues={issues.filter((i) => i.key === "name")}
          />
          <CountryPicker
            id="new-targets"
            label="Targets"
            value={targets}
            onChange={setTargets}
            issues={issues.filter((i) => i.key.startsWith("targets"))}
          />
          <Issues
            id="new-issues"
            issues={issues.filter((i) => i.key !== "name" && !i.key.startsWith("targets"))}
          />
          <button type="submit">Create study</button>
        </form>
        <CountryList />
      </section>
    </>
  );
}

/** The page a study.yaml key is edited on, for links from build errors. */
export function pageOfKey(key: string): StudioPage {
  if (key.startsWith("survey")) return "survey";
  if (key.startsWith("index")) return "index";
  if (key.startsWith("drivers") || key.startsWith("media")) return "drivers";
  return "study";
}

function Editor(props: { id: string; page: StudioPage; focus?: string }) {
  const [model, setModel] = useState<StudyModel | null>(null);
  const [issues, setIssues] = useState<Issue[]>([]);
  const [error, setError] = useState<unknown>(null);
  const [files, setFiles] = useState<string[]>([]);
  const [saved, setSaved] = useState<"saved" | "unsaved" | "saving">("saved");
  const timer = useRef<number | undefined>(undefined);
  const reloadFiles = () =>
    studio.files(props.id).then((r) => setFiles(r.files.map((f) => f.path)), setError);
  useEffect(() => {
    studio.model(props.id).then((r) => {
      setModel(r.model);
      setIssues(r.issues);
    }, setError);
    reloadFiles();
  }, [props.id]);
  useEffect(() => {
    if (!props.focus) return;
    const el =
      document.getElementById(`field-${props.focus.replace(/\.\d+$/, "")}`) ??
      document.getElementById(`field-${props.focus}`);
    el?.focus();
  }, [props.focus, model !== null, props.page]);
  const update = (m: StudyModel) => {
    setModel(m);
    setSaved("unsaved");
    clearTimeout(timer.current);
    timer.current = setTimeout(() => {
      studio.validate(props.id, m).then((r) => setIssues(r.issues), setError);
    }, 250) as unknown as number;
  };
  const save = async () => {
    if (!model) return;
    setSaved("saving");
    try {
      await studio.save(props.id, model);
      setIssues([]);
      setSaved("saved");
    } catch (e) {
      if (e instanceof StudioError && e.issues.length) setIssues(e.issues);
      else setError(e);
      setSaved("unsaved");
    }
  };
  if (error !== null && !model) return <ErrorText error={error} />;
  if (!model) return <p>Loading the study…</p>;
  const getPath = (key: string): unknown => {
    let v: unknown = model.study;
    for (const p of key.split(".")) v = Array.isArray(v) ? v[Number(p)] : asObj(v)[p];
    return v;
  };
  const ctx: EditorProps = {
    id: props.id,
    model,
    issues,
    files,
    spec: (key) => {
      const v = getPath(key);
      if (typeof v === "string") return asObj(model.specs.find((s) => s.key === key)?.content);
      return v === undefined ? undefined : asObj(v);
    },
    setSection: (name, value) => {
      const study = { ...model.study };
      if (value === undefined) delete study[name];
      else study[name] = value;
      update({
        ...model,
        study,
        specs: model.specs.filter((s) => s.key.split(".")[0] !== name || value !== undefined),
      });
    },
    setSpec: (key, value) => {
      const v = getPath(key);
      if (typeof v === "string") {
        update({
          ...model,
          specs: model.specs.map((s) => (s.key === key ? { ...s, content: value } : s)),
        });
        return;
      }
      const [section, field] = key.split(".") as [string, string];
      const study = {
        ...model.study,
        [section]: { ...asObj(model.study[section]), [field]: value },
      };
      update({ ...model, study });
    },
    issuesAt: (prefix) =>
      issues.filter(
        (i) =>
          i.key === prefix ||
          i.key.startsWith(`${prefix}.`) ||
          model.specs.some((s) => s.key === prefix && i.file === s.path.split("/").pop()),
      ),
  };
  const page = STUDIO_PAGES.find((p) => p.id === props.page)!;
  return (
    <>
      <h2 class="page-title">
        {String(model.study.name ?? props.id)}: {page.label.replace(/^\d\. /, "")}
      </h2>
      <nav aria-label="Study pages" class="studio-pages">
        <ul>
          {STUDIO_PAGES.map((p) => (
            <li key={p.id}>
              <a
                href={`#/studio/${encodeURIComponent(props.id)}/${p.id}`}
                aria-current={p.id === props.page ? "page" : undefined}
              >
                {p.label}
              </a>
            </li>
          ))}
        </ul>
      </nav>
      <div class="studio-bar">
        <button type="button" onClick={save} disabled={saved === "saving"}>
          Save study.yaml
        </button>
        <span role="status" data-testid="save-status">
          {saved === "saved" ? "Saved" : saved === "saving" ? "Saving…" : "Unsaved changes"}
          {issues.length > 0 ? ` · ${issues.length} problem${issues.length > 1 ? "s" : ""}` : ""}
        </span>
      </div>
      {error !== null && <ErrorText error={error} />}
      {props.page === "study" && <StudyPage {...ctx} />}
      {props.page === "data" && <DataPage {...ctx} onUploaded={reloadFiles} />}
      {props.page === "survey" && <SurveyPage {...ctx} />}
      {props.page === "index" && <IndexPage {...ctx} />}
      {props.page === "drivers" && <DriversPage {...ctx} />}
      {props.page === "build" && <BuildPage {...ctx} beforeBuild={save} />}
      {props.page === "share" && <SharePage {...ctx} />}
      <CountryList />
    </>
  );
}

function StudyFields(p: EditorProps) {
  const s = p.model.study;
  const set = (k: string, v: unknown) => p.setSection(k, v);
  return (
    <Panel title="Study">
      <TextField
        id="field-name"
        label="Name"
        value={String(s.name ?? "")}
        onInput={(v) => set("name", v)}
        issues={p.issuesAt("name")}
      />
      <TextField
        id="field-description"
        label="Description"
        multiline
        value={String(s.description ?? "")}
        onInput={(v) => set("description", v === "" ? undefined : v)}
        issues={p.issuesAt("description")}
      />
      <CountryPicker
        id="field-targets"
        label="Targets"
        value={(s.targets as string[]) ?? []}
        onChange={(v) => set("targets", v)}
        issues={p.issuesAt("targets")}
      />
      <CountryPicker
        id="field-audiences"
        label="Audiences"
        value={(s.audiences as string[]) ?? []}
        onChange={(v) => set("audiences", v)}
        issues={p.issuesAt("audiences")}
      />
      <Issues
        id="study-other"
        issues={p.issues.filter((i) => i.key === "" && i.file === "study.yaml")}
      />
    </Panel>
  );
}

function StudyPage(p: EditorProps) {
  return (
    <>
      <StudyFields {...p} />
      <SettingsPanel {...p} />
    </>
  );
}

function PreviewTable(props: { preview: Preview }) {
  const pv = props.preview;
  return (
    <div>
      <p data-testid="preview-summary">
        {pv.file}: {pv.rows.toLocaleString("en")} rows, {pv.columns.length} columns (read in {pv.ms}{" "}
        ms)
      </p>
      <section class="table-scroll" aria-label={`First rows of ${pv.file}`}>
        <table>
          <caption>
            First {pv.head.length} rows of {pv.file}, with each column's detected type
          </caption>
          <thead>
            <tr>
              {pv.columns.map((c) => (
                <th
                  key={c.name}
                  scope="col"
                  title={c.labels?.map(([k, l]) => `${k} = ${l}`).join("\n")}
                >
                  {c.name}
                  <br />
                  <small>
                    {c.type}
                    {c.labels && c.type === "number" ? `, ${c.labels.length} value labels` : ""}
                    {c.missing ? `, ${c.missing} missing` : ""}
                  </small>
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {pv.head.map((r, i) => (
              <tr key={i}>
                {r.map((v, j) => (
                  <td key={j}>{v === null ? "" : String(v)}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </section>
      {pv.columns.some((c) => c.type === "number" && c.labels?.length) && (
        <details>
          <summary>Value labels</summary>
          <dl>
            {pv.columns
              .filter((c) => c.type === "number" && c.labels?.length)
              .slice(0, 40)
              .map((c) => (
                <div key={c.name}>
                  <dt>
                    {c.name}
                    {c.label ? `: ${c.label}` : ""}
                  </dt>
                  <dd>{c.labels!.map(([k, l]) => `${k} = ${l}`).join("; ")}</dd>
                </div>
              ))}
          </dl>
        </details>
      )}
    </div>
  );
}

function DataPage(p: EditorProps & { onUploaded: () => void }) {
  const [preview, setPreview] = useState<Preview | null>(null);
  const [status, setStatus] = useState("");
  const [error, setError] = useState<unknown>(null);
  const show = (path: string) => {
    setError(null);
    studio.preview(p.id, path).then(setPreview, setError);
  };
  const upload = async (input: HTMLInputElement) => {
    const list = [...(input.files ?? [])];
    for (const f of list) {
      setStatus(`Uploading ${f.name}…`);
      try {
        const r = await studio.upload(p.id, f);
        setStatus(`Uploaded ${r.path}`);
        p.onUploaded();
        show(r.path);
      } catch (e) {
        setError(e);
        setStatus("");
      }
    }
    input.value = "";
  };
  return (
    <>
      <Panel title="Add data">
        <div class="form-row">
          <label for="upload">Upload data files (CSV, XLSX, SAV, Parquet, JSONL) into data/</label>
          <input
            id="upload"
            type="file"
            multiple
            accept=".csv,.tsv,.xlsx,.sav,.parquet,.jsonl,.json"
            onChange={(e) => upload(e.currentTarget as HTMLInputElement)}
          />
        </div>
        <p role="status">{status}</p>
        {error !== null && <ErrorText error={error} />}
        <p class="note">
          Inputs are never modified: an upload never replaces a file of the same name.
        </p>
      </Panel>
      <Panel title="Files of the study folder">
        <ul>
          {p.files.map((f) => (
            <li key={f}>
              {f}{" "}
              <button type="button" onClick={() => show(f)} aria-label={`Preview ${f}`}>
                Preview
              </button>
            </li>
          ))}
        </ul>
      </Panel>
      {preview && (
        <Panel title="Preview">
          <PreviewTable preview={preview} />
        </Panel>
      )}
    </>
  );
}

/**
 * The ratings map's segments (age band, gender, education…): name, variable, numeric bands and
 * labels; and which of them the study breaks the ratings down by (survey.segments).
 */
function SegmentsPanel(
  p: EditorProps & {
    names: string[];
    segments: unknown;
    chosen: unknown;
    setSegments: (v: Obj) => void;
    setChosen: (v: string[]) => void;
  },
) {
  const [rows, setRows] = useState<SegmentRow[]>(() => segmentRows(p.segments));
  const [error, setError] = useState("");
  const chosen = Array.isArray(p.chosen) ? (p.chosen as string[]) : [];
  const commit = (next: SegmentRow[]) => {
    setRows(next);
    const r = segmentsOf(next);
    if (r.error !== undefined) setError(r.error);
    else {
      setError("");
      p.setSegments(r.value);
    }
  };
  const set = (k: number, patch: Partial<SegmentRow>) =>
    commit(rows.map((r, j) => (j === k ? { ...r, ...patch } : r)));
  const names = rows.map((r) => r.name).filter((n) => n !== "");
  return (
    <Panel title="Segments">
      <p class="hint">
        Breakdowns of every rating: a variable's categories, or numeric bands such as 18-29, 30-49,
        50-120 (inclusive) with their labels.
      </p>
      {rows.length > 0 && (
        <table class="segments">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Variable</th>
              <th scope="col">Bands (low-high)</th>
              <th scope="col">Labels</th>
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
                    id={`field-survey.ratings.segments.${k}.name`}
                    aria-label={`Segment ${k + 1} name`}
                    value={r.name}
                    onInput={(e) => set(k, { name: (e.currentTarget as HTMLInputElement).value })}
                  />
                </td>
                <td>
                  <select
                    aria-label={`Segment ${k + 1} variable`}
                    value={r.variable}
                    onChange={(e) =>
                      set(k, { variable: (e.currentTarget as HTMLSelectElement).value })
                    }
                  >
                    <option value="">(choose)</option>
                    {p.names
                      .concat(r.variable && !p.names.includes(r.variable) ? [r.variable] : [])
                      .map((n) => (
                        <option key={n} value={n}>
                          {n}
                        </option>
                      ))}
                  </select>
                </td>
                <td>
                  <input
                    aria-label={`Segment ${k + 1} bands`}
                    value={r.bands}
                    placeholder="none: categories"
                    onInput={(e) => set(k, { bands: (e.currentTarget as HTMLInputElement).value })}
                  />
                </td>
                <td>
                  <input
                    aria-label={`Segment ${k + 1} labels`}
                    value={r.labels}
                    onInput={(e) => set(k, { labels: (e.currentTarget as HTMLInputElement).value })}
                  />
                </td>
                <td>
                  <button
                    type="button"
                    aria-label={`Remove segment ${r.name || k + 1}`}
                    onClick={() => commit(rows.filter((_, j) => j !== k))}
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
        onClick={() =>
          commit([
            ...rows,
            { name: `segment${rows.length + 1}`, variable: "", bands: "", labels: "" },
          ])
        }
      >
        Add a segment
      </button>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      {names.length > 0 && (
        <CheckList
          legend="Break the ratings down by (none ticked: all segments)"
          options={names}
          isChecked={(n) => chosen.includes(n)}
          onToggle={(n, on) => p.setChosen(on ? [...chosen, n] : chosen.filter((x) => x !== n))}
        />
      )}
      <Issues
        id="survey-segments-issues"
        issues={p.issuesAt("survey.segments").concat(
          p.issuesAt("survey.ratings.segments"),
          p.issues.filter((i) => /^segments\b/.test(i.key)),
        )}
      />
    </Panel>
  );
}

function SurveyPage(p: EditorProps) {
  const survey = asObj(p.model.study.survey);
  const data = typeof survey.data === "string" ? survey.data : "";
  const design = p.spec("survey.design") ?? { ids: [] };
  const ratings = p.spec("survey.ratings") ?? { ratings: [] };
  const items = (Array.isArray(ratings.ratings) ? ratings.ratings : []) as Obj[];
  const preview = useColumns(p.id, data || undefined);
  const names = preview?.columns.map((c) => c.name) ?? [];
  const [est, setEst] = useState<{
    overall: EstimateRow;
    audiences: EstimateRow[];
    ms: number;
  } | null>(null);
  const [estError, setEstError] = useState("");
  const [which, setWhich] = useState(0);
  const setSurvey = (patch: Obj) => p.setSection("survey", { ...survey, ...patch });
  const setDesign = (patch: Obj) => {
    const next = { ...design, ...patch };
    for (const k of Object.keys(next))
      if (next[k] === null || next[k] === undefined) delete next[k];
    if (!survey.design)
      setSurvey({ design: { ids: [], ...next }, ratings: survey.ratings ?? { ratings: [] } });
    else p.setSpec("survey.design", next);
  };
  const setRatings = (patch: Obj) => {
    const next = { ...ratings, ...patch };
    if (!survey.ratings) setSurvey({ ratings: next, design: survey.design ?? { ids: [] } });
    else p.setSpec("survey.ratings", next);
  };
  const topBox = ((ratings.top_box as number[]) ?? []).join(", ");
  const dk = ((ratings.dont_know_codes as number[]) ?? []).join(", ");
  const item = items[which] ?? items[0];
  const req = JSON.stringify({
    data,
    design,
    item,
    top: ratings.top_box,
    dk: ratings.dont_know_codes,
    aud: ratings.audience,
    keep: ratings.dont_know,
  });
  useEffect(() => {
    if (!data || !item?.column) return;
    const t = setTimeout(() => {
      const top =
        (item.top_box as number[] | undefined) ?? (ratings.top_box as number[] | undefined) ?? [];
      studio
        .estimate(p.id, {
          data,
          design: { ids: [], ...design },
          column: item.column,
          top_box: top,
          dont_know_codes:
            (item.dont_know as number[] | undefined) ??
            (ratings.dont_know_codes as number[] | undefined) ??
            [],
          dont_know: ratings.dont_know === "drop" ? "drop" : "keep",
          ...(typeof ratings.audience === "string" ? { audience: ratings.audience } : {}),
        })
        .then(
          (r) => {
            setEst(r);
            setEstError("");
          },
          (e) => {
            setEst(null);
            setEstError((e as Error).message);
          },
        );
    }, 200);
    return () => clearTimeout(t);
  }, [req]);
  const one = (v: unknown) =>
    Array.isArray(v) ? String(v[0] ?? "") : typeof v === "string" ? v : "";
  const setItem = (k: number, patch: Obj) =>
    setRatings({ ratings: items.map((it, j) => (j === k ? { ...it, ...patch } : it)) });
  return (
    <>
      <Panel title="Survey data and design">
        <Choice
          id="field-survey.data"
          label="Survey data file"
          value={data}
          options={p.files.filter(isData).concat(data && !p.files.includes(data) ? [data] : [])}
          none="(choose a file)"
          onChange={(v) =>
            setSurvey({
              data: v || undefined,
              design: survey.design ?? { ids: [] },
              ratings: survey.ratings ?? { ratings: [] },
            })
          }
        />
        <Issues id="survey-data-issues" issues={p.issuesAt("survey.data")} />
        {preview && (
          <p data-testid="survey-rows">
            {preview.rows.toLocaleString("en")} respondents, {preview.columns.length} variables
          </p>
        )}
        <Choice
          id="field-survey.design.weights"
          label="Weight"
          value={String(design.weights ?? "")}
          options={names}
          none="(no weights)"
          onChange={(v) => setDesign({ weights: v || null })}
        />
        <Choice
          id="field-survey.design.strata"
          label="Strata"
          value={one(design.strata)}
          options={names}
          none="(no strata)"
          onChange={(v) => setDesign({ strata: v || null })}
        />
        <Choice
          id="field-survey.design.ids"
          label="Cluster (PSU)"
          value={one(design.ids)}
          options={names}
          none="(no clusters)"
          onChange={(v) => setDesign({ ids: v ? [v] : [] })}
        />
        <Check
          id="field-survey.design.nest"
          label="Cluster ids are numbered within each stratum (nest)"
          checked={design.nest === true}
          onChange={(on) => setDesign({ nest: on || undefined })}
        />
        <Choice
          id="field-survey.design.fpc"
          label="Finite population correction (fpc)"
          value={one(design.fpc)}
          options={names}
          none="(none)"
          onChange={(v) => setDesign({ fpc: v || null })}
        />
        <Issues id="survey-design-issues" issues={p.issuesAt("survey.design")} />
      </Panel>
      <Panel title="Ratings map">
        <Choice
          id="field-survey.ratings.audience"
          label="Audience variable"
          value={String(ratings.audience ?? "")}
          options={names}
          none="(one audience)"
          onChange={(v) => setRatings({ audience: v || undefined })}
        />
        <TextField
          id="field-survey.ratings.top_box"
          label="Top-box codes (e.g. 1, 2)"
          value={topBox}
          onInput={(v) => setRatings({ top_box: codes(v) })}
        />
        <TextField
          id="field-survey.ratings.dont_know_codes"
          label="Don't-know codes (e.g. 8, 9)"
          value={dk}
          onInput={(v) => setRatings({ dont_know_codes: codes(v) })}
        />
        <table>
          <caption>Rating columns and the target × attribute each one rates</caption>
          <thead>
            <tr>
              <th scope="col">Column</th>
              <th scope="col">Target (ISO3)</th>
              <th scope="col">Attribute</th>
              <th scope="col">Preview</th>
              <th scope="col">Remove</th>
            </tr>
          </thead>
          <tbody>
            {items.map((it, k) => (
              <tr key={k}>
                <td>
                  <select
                    aria-label={`Rating ${k + 1} column`}
                    value={String(it.column ?? "")}
                    onChange={(e) =>
                      setItem(k, { column: (e.currentTarget as HTMLSelectElement).value })
                    }
                  >
                    <option value="">(choose)</option>
                    {names
                      .concat(
                        it.column && !names.includes(String(it.column)) ? [String(it.column)] : [],
                      )
                      .map((n) => (
                        <option key={n} value={n}>
                          {n}
                        </option>
                      ))}
                  </select>
                </td>
                <td>
                  <input
                    aria-label={`Rating ${k + 1} target`}
                    list="studio-countries"
                    value={String(it.target ?? "")}
                    onInput={(e) =>
                      setItem(k, {
                        target: (e.currentTarget as HTMLInputElement).value.replace(
                          /^.*\(([A-Z]{3})\)$/,
                          "$1",
                        ),
                      })
                    }
                  />
                </td>
                <td>
                  <input
                    aria-label={`Rating ${k + 1} attribute`}
                    value={String(it.attribute ?? "")}
                    onInput={(e) =>
                      setItem(k, { attribute: (e.currentTarget as HTMLInputElement).value })
                    }
                  />
                </td>
                <td>
                  <input
                    type="radio"
                    name="preview-rating"
                    aria-label={`Preview rating ${k + 1}`}
                    checked={which === k}
                    onChange={() => setWhich(k)}
                  />
                </td>
                <td>
                  <button
                    type="button"
                    aria-label={`Remove rating ${k + 1}`}
                    onClick={() => setRatings({ ratings: items.filter((_, j) => j !== k) })}
                  >
                    ×
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        <button
          type="button"
          onClick={() =>
            setRatings({
              ratings: [...items, { target: "", attribute: "favourability", column: "" }],
            })
          }
        >
          Add a rating
        </button>
        <Issues
          id="survey-ratings-issues"
          issues={p.issuesAt("survey.ratings").filter((i) => !/(^|\.)segments\b/.test(i.key))}
        />
      </Panel>
      <AudiencesPanel {...p} names={names} survey={survey} setSurvey={setSurvey} />
      <Panel title="Derived variables">
        <RecodeEditor
          idPrefix="field-survey.recode"
          spec={p.spec("survey.recode")}
          names={names}
          onChange={(next) => {
            if (typeof survey.recode === "string" && next) p.setSpec("survey.recode", next);
            else setSurvey({ recode: next });
          }}
          issuesAt={(sub) => specIssues(p, "survey.recode", sub)}
        />
      </Panel>
      <CalibrationPanel {...p} names={names} survey={survey} setSurvey={setSurvey} />
      <ReplicatesPanel {...p} names={names} survey={survey} setSurvey={setSurvey} />
      <SegmentsPanel
        {...p}
        names={names}
        segments={ratings.segments}
        chosen={survey.segments}
        setSegments={(v) => setRatings({ segments: v })}
        setChosen={(v) => setSurvey({ segments: v.length ? v : undefined })}
      />
      <Panel title="Live estimate">
        <div role="status" aria-live="polite" data-testid="estimate">
          {est && item ? (
            <p>
              {String(item.target)} {String(item.attribute)}:{" "}
              {(100 * est.overall.estimate).toFixed(1)}% in the top box (SE{" "}
              {(100 * est.overall.se).toFixed(2)} points, design effect{" "}
              {est.overall.deff === null ? "n/a" : est.overall.deff.toFixed(2)}, n = {est.overall.n}
              ) · {est.ms} ms
            </p>
          ) : estError ? (
            <p class="error">{estError}</p>
          ) : (
            <p>Pick a data file, a rating column and its top-box codes to see one estimate.</p>
          )}
        </div>
        {est && est.audiences.length > 0 && (
          <table>
            <caption>By audience</caption>
            <thead>
              <tr>
                <th scope="col">Audience</th>
                <th scope="col">Top box %</th>
                <th scope="col">SE</th>
                <th scope="col">n</th>
              </tr>
            </thead>
            <tbody>
              {est.audiences.map((a) => (
                <tr key={a.audience}>
                  <th scope="row">{a.audience}</th>
                  <td class="num">{(100 * a.estimate).toFixed(1)}</td>
                  <td class="num">{(100 * a.se).toFixed(2)}</td>
                  <td class="num">{a.n}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Panel>
    </>
  );
}

function IndexPage(p: EditorProps) {
  const index = asObj(p.model.study.index);
  const pipeline = p.spec("index.pipeline") ?? {};
  const setIndex = (patch: Obj) => {
    const next = { ...index, ...patch };
    for (const k of Object.keys(next)) if (next[k] === undefined || next[k] === "") delete next[k];
    p.setSection("index", Object.keys(next).length ? next : undefined);
  };
  const setStep = (step: string, value: Obj | undefined) => {
    const next = { ...pipeline, [step]: value };
    if (value === undefined) delete next[step];
    if (typeof index.pipeline === "string") p.setSpec("index.pipeline", next);
    else setIndex({ pipeline: next });
  };
  const norm = asObj(pipeline.normalise);
  const agg = asObj(pipeline.aggregate);
  const imp = asObj(pipeline.impute);
  return (
    <>
      <Panel title="Framework and data">
        <Choice
          id="field-index.meta"
          label="Framework (iMeta file)"
          value={String(index.meta ?? "")}
          options={p.files.filter(isData)}
          none="(no index)"
          onChange={(v) => setIndex({ meta: v || undefined })}
        />
        <Choice
          id="field-index.data"
          label="Indicators (iData file)"
          value={String(index.data ?? "")}
          options={p.files.filter(isData)}
          none="(none)"
          onChange={(v) => setIndex({ data: v || undefined })}
        />
        <Issues
          id="index-issues"
          issues={p
            .issuesAt("index")
            .filter(
              (i) =>
                !/^index\.(pipeline|uncertainty|sources|compare|year|years|units)\b/.test(i.key),
            )}
        />
        {typeof index.meta === "string" && index.meta !== "" && (
          <FrameworkEditor
            id={p.id}
            meta={index.meta}
            onSaved={(path) => setIndex({ meta: path })}
          />
        )}
      </Panel>
      <Panel title="Pipeline (COINr method names)">
        <Choice
          id="field-index.pipeline.impute"
          label="Impute"
          value={String(imp.method ?? "")}
          options={IMPUTE.slice(1)}
          none="(skip)"
          onChange={(v) => setStep("impute", v ? { ...imp, method: v } : undefined)}
        />
        <Choice
          id="field-index.pipeline.normalise"
          label="Normalise"
          value={String(norm.method ?? "n_minmax")}
          options={NORMALISE}
          onChange={(v) =>
            setStep("normalise", {
              ...norm,
              method: v,
              ...(v === "n_minmax" ? {} : { params: undefined }),
            })
          }
        />
        <Choice
          id="field-index.pipeline.aggregate"
          label="Aggregate"
          value={String(agg.method ?? "a_amean")}
          options={AGGREGATE}
          onChange={(v) => setStep("aggregate", { ...agg, method: v })}
        />
        <CheckList
          legend="Optional steps"
          options={OPTIONAL_STEPS}
          isChecked={(step) => pipeline[step] !== undefined}
          onToggle={(step, on) => setStep(step, on ? {} : undefined)}
          label={(step) => OPTIONAL_STEP_LABELS[step as (typeof OPTIONAL_STEPS)[number]]}
        />
        {STEPS.filter(
          (s) => pipeline[s] !== undefined || s === "normalise" || s === "aggregate",
        ).map((step) => (
          <StepParamsFields
            key={step}
            step={step}
            value={asObj(pipeline[step])}
            onChange={(next) => setStep(step, next)}
            issues={p.issuesAt("index.pipeline")}
          />
        ))}
        <details>
          <summary>Each step as JSON (all parameters, per-indicator overrides in indiv)</summary>
          <fieldset>
            <legend>Step parameters (COINr names, JSON; checked as you type)</legend>
            {STEPS.map((step) => (
              <ParsedField
                key={step}
                id={`field-index.pipeline.${step}.params`}
                label={`${step} parameters`}
                text={pipeline[step] === undefined ? "" : formatJson(stepParams(pipeline[step]))}
                parse={parseJson}
                onChange={(v) =>
                  setStep(
                    step,
                    v === undefined &&
                      (step === "denominate" || step === "screen" || step === "treat")
                      ? undefined
                      : withStepParams(pipeline[step], v),
                  )
                }
                hint={STEP_HINTS[step]}
                multiline
              />
            ))}
          </fieldset>
        </details>
        <Issues id="pipeline-issues" issues={p.issuesAt("index.pipeline")} />
      </Panel>
      <SourcesPanel {...p} />
      <PollingPanel {...p} />
      <TechPanel {...p} />
      <UncertaintyPanel
        spec={p.spec("index.uncertainty")}
        issues={p.issuesAt("index.uncertainty")}
        set={(next) => {
          if (next === undefined) setIndex({ uncertainty: undefined });
          else if (typeof index.uncertainty === "string") p.setSpec("index.uncertainty", next);
          else setIndex({ uncertainty: next });
        }}
      />
    </>
  );
}

const STEPS = ["denominate", "impute", "screen", "treat", "normalise", "aggregate"] as const;
const OPTIONAL_STEPS = ["denominate", "screen", "treat"] as const;
const OPTIONAL_STEP_LABELS = {
  denominate: "Denominate (divide indicators by e.g. population or GDP)",
  screen: "Screen units by data availability",
  treat: "Treat outliers (Winsorise, then log-transform)",
};
const STEP_HINTS: Record<(typeof STEPS)[number], string> = {
  denominate: 'e.g. {"map": {"gdp": "population"}}; empty: no step',
  impute: 'e.g. {"group": "income_group"} (with i_mean_grp)',
  screen: 'e.g. {"by": "byNA", "dat_thresh": 0.5}; empty: no step',
  treat: 'e.g. {"winmax": 5, "skew_thresh": 2, "kurt_thresh": 3.5}; empty: no step',
  normalise: 'e.g. {"params": {"l_u": [0, 100]}}',
  aggregate: 'e.g. {"p": 2} (a_genmean), {"dat_thresh": 0.5}',
};

function BuildPage(p: EditorProps & { beforeBuild: () => Promise<void> }) {
  const [events, setEvents] = useState<BuildEvent[]>([]);
  const [error, setError] = useState<unknown>(null);
  const [runs, setRuns] = useState<{ id: string; startedAt: string }[]>([]);
  const loadRuns = () => studio.runs(p.id).then(setRuns, () => setRuns([]));
  useEffect(() => {
    loadRuns();
  }, [p.id]);
  const start = async () => {
    setError(null);
    setEvents([]);
    try {
      await p.beforeBuild();
      await studio.build(p.id);
      studio.events(p.id, (e) => {
        setEvents((x) => [...x, e]);
        if (e.type === "done") loadRuns();
      });
    } catch (e) {
      setError(e);
    }
  };
  const last = events.at(-1);
  const stages = events.filter(
    (e): e is Extract<BuildEvent, { type: "stage" }> => e.type === "stage" && e.status === "done",
  );
  const running = events.length > 0 && last?.type === "stage";
  return (
    <>
      <Panel title="Build">
        <button type="button" onClick={start} disabled={running}>
          Save and build
        </button>
        {error !== null && <ErrorText error={error} />}
        <ol aria-label="Build progress" data-testid="build-progress">
          {stages.map((s) => (
            <li key={s.stage}>
              {s.index}/{s.total} {s.stage}: {s.stageMs} ms
            </li>
          ))}
          {running && last?.type === "stage" && last.status === "start" && <li>{last.stage}…</li>}
        </ol>
        <div role="status" aria-live="polite" data-testid="build-status">
          {last?.type === "done" && (
            <p>
              Built run {last.run} in {(last.ms / 1000).toFixed(1)} s.{" "}
              <a
                href={`#/overview?study=${encodeURIComponent(p.id)}&run=${encodeURIComponent(last.run)}`}
              >
                Open the run's pages
              </a>
            </p>
          )}
          {last?.type === "error" && (
            <div class="error" role="alert">
              <p>The build failed:</p>
              <ul>
                {last.issues.map((i) => (
                  <li key={i.message}>
                    {i.file}
                    {i.line ? ` line ${i.line}` : ""}
                    {i.key ? ` (${i.key})` : ""}: {i.message}{" "}
                    {i.key && (
                      <a
                        href={`#/studio/${encodeURIComponent(p.id)}/${pageOfKey(i.key)}?focus=${encodeURIComponent(i.key)}`}
                      >
                        Go to the field
                      </a>
                    )}
                  </li>
                ))}
              </ul>
            </div>
          )}
        </div>
      </Panel>
      <Panel title="Runs">
        {runs.length === 0 ? (
          <p>No runs yet.</p>
        ) : (
          <ul>
            {runs.map((r, k) => (
              <li key={r.id}>
                <a
                  href={`#/overview?study=${encodeURIComponent(p.id)}&run=${encodeURIComponent(r.id)}`}
                >
                  {r.id}
                </a>{" "}
                ({r.startedAt})
                {k + 1 < runs.length && (
                  <>
                    {" · "}
                    <a
                      href={`#/methodology?study=${encodeURIComponent(p.id)}&run=${encodeURIComponent(r.id)}&diff=${encodeURIComponent(runs[k + 1]!.id)}`}
                    >
                      diff with the previous run
                    </a>
                  </>
                )}
              </li>
            ))}
          </ul>
        )}
      </Panel>
    </>
  );
}

function SharePage(p: EditorProps) {
  return (
    <Panel title="Share">
      <ul>
        <li>
          <a href={studio.link(p.id, "report", { format: "html" })} download>
            Report (HTML)
          </a>
        </li>
        <li>
          <a href={studio.link(p.id, "report", { format: "pdf" })} download>
            Report (PDF)
          </a>
        </li>
        <li>
          <a href={studio.link(p.id, "report", { format: "xlsx" })} download>
            Report tables (XLSX)
          </a>
        </li>
        <li>
          <a href={studio.link(p.id, "export.zip")} download>
            Study folder as a zip (study.yaml and specs, no data)
          </a>
        </li>
        <li>
          <a href={studio.link(p.id, "export.zip", { data: "1" })} download>
            Study folder as a zip, with the data
          </a>
        </li>
        <li>
          <a href={studio.link(p.id, "site.zip", { run: "latest" })} download>
            Read-only dashboard of the latest run, for any web server (zip)
          </a>{" "}
          (unzip it onto a web server; the CLI's <code>softpower export-site</code> writes the same)
        </li>
      </ul>
    </Panel>
  );
}

/**
 * The framework (iMeta) as an editable tree: each row's parent (moving it), weight, direction
 * and name; rows added and removed. Saved as framework.csv (checked as the build reads it), which
 * index.meta then names; the input iMeta is never modified.
 */
function FrameworkEditor(props: { id: string; meta: string; onSaved: (path: string) => void }) {
  const [cols, setCols] = useState<string[]>([]);
  const [rows, setRows] = useState<(string | number | null)[][]>([]);
  const [status, setStatus] = useState("");
  const [error, setError] = useState("");
  useEffect(() => {
    studio.preview(props.id, props.meta, 200).then(
      (pv) => {
        setCols(pv.columns.map((c) => c.name));
        setRows(pv.head);
      },
      (e) => setError((e as Error).message),
    );
  }, [props.id, props.meta]);
  const at = (n: string) => cols.indexOf(n);
  if (at("iCode") < 0) return error ? <p class="error">{error}</p> : null;
  const get = (r: (string | number | null)[], n: string) => (at(n) >= 0 ? r[at(n)] : null);
  const set = (k: number, n: string, v: string | number | null) => {
    setRows(rows.map((r, j) => (j === k ? r.map((x, i) => (i === at(n) ? v : x)) : r)));
    setStatus("Framework not saved");
  };
  const aggregates = rows
    .filter((r) => String(get(r, "Type")) === "Aggregate" || Number(get(r, "Level")) > 1)
    .map((r) => String(get(r, "iCode")));
  const depth = (code: string, seen = 0): number => {
    const r = rows.find((x) => String(get(x, "iCode")) === code);
    const parent = r ? get(r, "Parent") : null;
    return parent && seen < 10 ? 1 + depth(String(parent), seen + 1) : 0;
  };
  const save = async () => {
    try {
      const r = await studio.framework(props.id, cols, rows);
      setError("");
      setStatus(`Framework saved to ${r.path}; save study.yaml to use it`);
      props.onSaved(r.path);
    } catch (e) {
      setError((e as Error).message);
    }
  };
  const add = () => {
    const r: (string | number | null)[] = cols.map(() => null);
    const put = (n: string, v: string | number) => {
      if (at(n) >= 0) r[at(n)] = v;
    };
    put("Level", 1);
    put("iCode", `new_${rows.length + 1}`);
    put("iName", "New indicator");
    put("Direction", 1);
    put("Weight", 1);
    put("Type", "Indicator");
    if (aggregates[0]) put("Parent", aggregates[aggregates.length - 1]!);
    setRows([...rows, r]);
  };
  return (
    <div class="framework">
      <table>
        <caption>
          The framework ({props.meta}): indicators and aggregates with their parent, weight and
          direction
        </caption>
        <thead>
          <tr>
            <th scope="col">Code</th>
            <th scope="col">Name</th>
            <th scope="col">Parent</th>
            <th scope="col">Weight</th>
            <th scope="col">Direction</th>
            <th scope="col">Remove</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r, k) => {
            const code = String(get(r, "iCode") ?? "");
            return (
              <tr key={k}>
                <th
                  scope="row"
                  style={{ paddingLeft: `${0.3 + 1.2 * Math.max(0, 3 - depth(code))}rem` }}
                >
                  {String(get(r, "Type")) === "Indicator" && code.startsWith("new_") ? (
                    <input
                      aria-label={`Code of row ${k + 1}`}
                      value={code}
                      onInput={(e) => set(k, "iCode", (e.currentTarget as HTMLInputElement).value)}
                    />
                  ) : (
                    code
                  )}
                </th>
                <td>
                  <input
                    aria-label={`Name of ${code}`}
                    value={String(get(r, "iName") ?? "")}
                    onInput={(e) => set(k, "iName", (e.currentTarget as HTMLInputElement).value)}
                  />
                </td>
                <td>
                  <select
                    aria-label={`Parent of ${code}`}
                    value={String(get(r, "Parent") ?? "")}
                    onChange={(e) =>
                      set(k, "Parent", (e.currentTarget as HTMLSelectElement).value || null)
                    }
                  >
                    <option value="">(top)</option>
                    {aggregates
                      .filter((a) => a !== code)
                      .map((a) => (
                        <option key={a} value={a}>
                          {a}
                        </option>
                      ))}
                  </select>
                </td>
                <td>
                  <input
                    aria-label={`Weight of ${code}`}
                    type="number"
                    step="any"
                    min="0"
                    value={String(get(r, "Weight") ?? "")}
                    onInput={(e) =>
                      set(k, "Weight", Number((e.currentTarget as HTMLInputElement).value))
                    }
                  />
                </td>
                <td>
                  <select
                    aria-label={`Direction of ${code}`}
                    value={String(get(r, "Direction") ?? "1")}
                    onChange={(e) =>
                      set(k, "Direction", Number((e.currentTarget as HTMLSelectElement).value))
                    }
                  >
                    <option value="1">higher is better (1)</option>
                    <option value="-1">lower is better (-1)</option>
                  </select>
                </td>
                <td>
                  <button
                    type="button"
                    aria-label={`Remove ${code}`}
                    onClick={() => setRows(rows.filter((_, j) => j !== k))}
                  >
                    ×
                  </button>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <button type="button" onClick={add}>
        Add an indicator
      </button>{" "}
      <button type="button" onClick={save}>
        Save framework
      </button>
      <p role="status">{status}</p>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}
