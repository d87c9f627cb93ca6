/**
 * Sections beyond the survey, index, drivers and media: the polling pillar (survey perceptions
 * as index indicators), the technology pillar (company signals, company favourability, the
 * drivers attribution), the findings' level and length, and the study's seed and threads.
 * Each field writes one key of study.yaml; empty fields leave the CLI's defaults.
 */
import {
  asObj,
  formatList,
  formatPairs,
  numberOf,
  type Obj,
  parseList,
  parsePairs,
} from "./edits.ts";
import {
  asText,
  Check,
  CheckList,
  Choice,
  type EditorProps,
  Issues,
  Panel,
  ParsedField,
} from "./fields.tsx";

/** The section with `patch` applied; keys set to undefined removed; undefined when `off`. */
function patched(section: unknown, patch: Obj): Obj {
  const next: Obj = { ...asObj(section), ...patch };
  for (const k of Object.keys(next)) if (next[k] === undefined) delete next[k];
  return next;
}

function SectionToggle(p: EditorProps & { name: string; label: string }) {
  const on = p.model.study[p.name] !== undefined;
  return (
    <Check
      id={`field-${p.name}`}
      label={p.label}
      checked={on}
      onChange={(checked) => p.setSection(p.name, checked ? {} : undefined)}
    />
  );
}

/** Common pillar keys: iCode, name, parent, weight. */
function PillarFields(p: EditorProps & { name: string; section: Obj; set: (x: Obj) => void }) {
  const s = p.section;
  const key = (k: string) => `${p.name}.${k}`;
  return (
    <>
      <ParsedField
        id={`field-${key("pillar")}`}
        label={`Pillar code (iCode; default ${p.name === "tech" ? "Tech" : "Polling"})`}
        text={String(s.pillar ?? "")}
        parse={asText}
        onChange={(v) => p.set({ pillar: v.trim() || undefined })}
        issues={p.issuesAt(key("pillar"))}
      />
      <ParsedField
        id={`field-${key("name")}`}
        label="Pillar name"
        text={String(s.name ?? "")}
        parse={asText}
        onChange={(v) => p.set({ name: v.trim() || undefined })}
        issues={p.issuesAt(key("name"))}
      />
      <ParsedField
        id={`field-${key("parent")}`}
        label="Joins the aggregate (iCode; default the index's top)"
        text={String(s.parent ?? "")}
        parse={asText}
        onChange={(v) => p.set({ parent: v.trim() || undefined })}
        issues={p.issuesAt(key("parent"))}
      />
      <ParsedField
        id={`field-${key("weight")}`}
        label="Weight in that aggregate (default 1)"
        text={s.weight === undefined ? "" : String(s.weight)}
        parse={asText}
        onChange={(v) => p.set({ weight: numberOf(v) })}
        issues={p.issuesAt(key("weight"))}
      />
    </>
  );
}

export function PollingPanel(p: EditorProps) {
  const s = asObj(p.model.study.polling);
  const on = p.model.study.polling !== undefined;
  const set = (x: Obj) => p.setSection("polling", patched(s, x));
  const population = typeof s.population === "string" ? "" : formatPairs(s.population);
  return (
    <Panel title="Polling pillar">
      <SectionToggle
        {...p}
        name="polling"
        label="Survey perceptions enter the index as a pillar (one indicator per attribute)"
      />
      {on && (
        <>
          <PillarFields {...p} name="polling" section={s} set={set} />
          <ParsedField
            id="field-polling.attributes"
            label="Attributes that become indicators (comma-separated; empty: every rated attribute)"
            text={formatList(s.attributes)}
            parse={(t) => ({ value: parseList(t) })}
            onChange={(v) => set({ attributes: v.length ? v : undefined })}
            issues={p.issuesAt("polling.attributes")}
          />
          <Choice
            id="field-polling.audience_weights"
            label="Audiences averaged"
            value={String(s.audience_weights ?? "equal")}
            options={["equal", "population"]}
            onChange={(v) => set({ audience_weights: v === "equal" ? undefined : v })}
          />
          {s.audience_weights === "population" && (
            <>
              <Choice
                id="field-polling.population.file"
                label="Populations from a file (ISO3, population)"
                value={typeof s.population === "string" ? s.population : ""}
                options={p.files.filter((f) => /\.(csv|tsv|json|ya?ml)$/i.test(f))}
                none="(typed below)"
                onChange={(v) => set({ population: v || undefined })}
              />
              {typeof s.population !== "string" && (
                <ParsedField
                  id="field-polling.population"
                  label="Populations (one per line: ISO3 = population)"
                  text={population}
                  parse={(t) => {
                    const r = parsePairs(t);
                    if (r.error !== undefined) return r;
                    const out: Record<string, number> = {};
                    for (const [k, v] of Object.entries(r.value)) {
                      const x = Number(v);
                      if (v === "" || !Number.isFinite(x))
                        return { error: `${k}: "${v}" is not a number` };
                      out[k] = x;
                    }
                    return { value: out };
                  }}
                  onChange={(v) => set({ population: Object.keys(v).length ? v : undefined })}
                  multiline
                />
              )}
            </>
          )}
          <ParsedField
            id="field-polling.wave"
            label="Wave whose perceptions enter the index (default: the last)"
            text={s.wave === undefined ? "" : String(s.wave)}
            parse={asText}
            onChange={(v) => set({ wave: v.trim() || undefined })}
            issues={p.issuesAt("polling.wave")}
          />
          <Issues
            id="polling-issues"
            issues={p
              .issuesAt("polling")
              .filter(
                (i) => !/^polling\.(pillar|name|parent|weight|attributes|wave)\b/.test(i.key),
              )}
          />
        </>
      )}
    </Panel>
  );
}

const SIGNALS = ["companies", "company_tone", "company_favourability"];

export function TechPanel(p: EditorProps) {
  const s = asObj(p.model.study.tech);
  const on = p.model.study.tech !== undefined;
  const set = (x: Obj) => p.setSection("tech", patched(s, x));
  const signals = Array.isArray(s.signals) ? (s.signals as string[]) : SIGNALS;
  const attribution = (Array.isArray(s.attribution) ? s.attribution : []) as Obj[];
  return (
    <Panel title="Technology pillar">
      <SectionToggle
        {...p}
        name="tech"
        label="Technology companies enter the index as a pillar (registry, tone, favourability)"
      />
      {on && (
        <>
          <PillarFields {...p} name="tech" section={s} set={set} />
          <CheckList
            legend="Company signals added as indicators"
            options={SIGNALS}
            isChecked={(x) => signals.includes(x)}
            onToggle={(x, on) => {
              const next = on
                ? SIGNALS.filter((y) => y === x || signals.includes(y))
                : signals.filter((y) => y !== x);
              set({ signals: next.length === SIGNALS.length ? undefined : next });
            }}
          >
            <Issues id="tech-signals-issues" issues={p.issuesAt("tech.signals")} />
          </CheckList>
          <ParsedField
            id="field-tech.favourability"
            label="Companies rated in the survey (targets of the ratings map, comma-separated, e.g. Huawei, TikTok)"
            text={formatList(s.favourability)}
            parse={(t) => ({
              value: t
                .split(",")
                .map((x) => x.trim())
                .filter(Boolean),
            })}
            onChange={(v) => set({ favourability: v.length ? v : undefined })}
            issues={p.issuesAt("tech.favourability")}
          />
          <ParsedField
            id="field-tech.favourability_attribute"
            label="Attribute of those ratings (default favourability)"
            text={String(s.favourability_attribute ?? "")}
            parse={asText}
            onChange={(v) => set({ favourability_attribute: v.trim() || undefined })}
            issues={p.issuesAt("tech.favourability_attribute")}
          />
          <ParsedField
            id="field-tech.attribution"
            label="Attribution: drivers analysis = its predictor group of company items (one per line)"
            hint="e.g. fav_chn = Tech companies"
            text={attribution.map((a) => `${String(a.drivers)} = ${String(a.group)}`).join("\n")}
            parse={(t) => {
              const r = parsePairs(t);
              if (r.error !== undefined)
                return { error: r.error.replace("NAME = VALUE", "ANALYSIS = GROUP") };
              return {
                value: Object.entries(r.value).map(([drivers, group]) => ({ drivers, group })),
              };
            }}
            onChange={(v) => set({ attribution: v.length ? v : undefined })}
            issues={p.issuesAt("tech.attribution")}
            multiline
          />
          <Issues
            id="tech-issues"
            issues={p
              .issuesAt("tech")
              .filter(
                (i) =>
                  !/^tech\.(pillar|name|parent|weight|signals|favourability|favourability_attribute|attribution)\b/.test(
                    i.key,
                  ),
              )}
          />
        </>
      )}
    </Panel>
  );
}

/** Findings (level, top) and the study's seed and threads, on the Study page. */
export function SettingsPanel(p: EditorProps) {
  const study = p.model.study;
  const findings = asObj(study.findings);
  const setFindings = (x: Obj) => {
    const next = patched(findings, x);
    p.setSection("findings", Object.keys(next).length ? next : undefined);
  };
  return (
    <Panel title="Settings">
      <ParsedField
        id="field-seed"
        label="Seed of every random draw (bootstraps, Monte Carlo; default 1)"
        text={study.seed === undefined ? "" : String(study.seed)}
        parse={asText}
        onChange={(v) => p.setSection("seed", numberOf(v))}
        issues={p.issuesAt("seed")}
      />
      <ParsedField
        id="field-threads"
        label="Worker threads (a number, or auto)"
        text={study.threads === undefined ? "" : String(study.threads)}
        parse={asText}
        onChange={(v) =>
          p.setSection(
            "threads",
            v.trim() === "" ? undefined : v.trim() === "auto" ? "auto" : Number(v),
          )
        }
        issues={p.issuesAt("threads")}
      />
      <ParsedField
        id="field-findings.level"
        label="Confidence level of the findings (default 0.95)"
        text={findings.level === undefined ? "" : String(findings.level)}
        parse={asText}
        onChange={(v) => setFindings({ level: numberOf(v) })}
        issues={p.issuesAt("findings.level")}
      />
      <ParsedField
        id="field-findings.top"
        label="Top units named by the index findings (default 5)"
        text={findings.top === undefined ? "" : String(findings.top)}
        parse={asText}
        onChange={(v) => setFindings({ top: numberOf(v) })}
        issues={p.issuesAt("findings.top")}
      />
    </Panel>
  );
}
