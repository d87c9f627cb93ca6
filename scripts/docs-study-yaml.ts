/**
 * The study.yaml reference (docs/guide/reference/study-yaml.md), generated from the zod schema:
 * `studyJsonSchema()` (src/study/schema.ts) gives every key with its type, constraints and
 * default; the description of a key is its doc comment in the source (`/** ... *\/` above the key
 * inside a `z.object({...})`), read with the TypeScript parser. An object of the JSON Schema is
 * matched to its `z.object` literal by its set of keys.
 *
 * Run: `node --import tsx scripts/docs-study-yaml.ts` (part of `npm run docs`).
 */
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { studyJsonSchema } from "../src/study/schema.ts";
import { ROOT, writeGenerated } from "./docs-write.ts";

/** Where the generated page goes, relative to the repository root. */
export const STUDY_YAML_REFERENCE = "docs/guide/reference/study-yaml.md";

type Json = {
  type?: string | string[];
  properties?: Record<string, Json>;
  required?: string[];
  additionalProperties?: boolean | Json;
  items?: Json;
  anyOf?: Json[];
  oneOf?: Json[];
  enum?: unknown[];
  const?: unknown;
  default?: unknown;
  description?: string;
  pattern?: string;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
  prefixItems?: Json[];
  propertyNames?: Json;
};

/** Doc comments of z.object keys in src/: key set ("a,b,c") → key → comment, and the source. */
export function zodObjectDocs(): Map<string, { docs: Record<string, string>; source: string }> {
  const found = new Map<string, { docs: Record<string, string>; source: string }>();
  const files = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
      e.isDirectory()
        ? files(join(dir, e.name))
        : e.name.endsWith(".ts") && !e.name.endsWith(".test.ts")
          ? [join(dir, e.name)]
          : [],
    );
  for (const file of files(join(ROOT, "src"))) {
    const text = readFileSync(file, "utf8");
    if (!text.includes("z.object(") && !text.includes("z.strictObject(")) continue;
    const sf = ts.createSourceFile(file, text, ts.ScriptTarget.ES2022, true);
    const visit = (node: ts.Node): void => {
      if (
        ts.isCallExpression(node) &&
        ts.isPropertyAccessExpression(node.expression) &&
        ["object", "strictObject", "looseObject"].includes(node.expression.name.text) &&
        node.arguments[0] &&
        ts.isObjectLiteralExpression(node.arguments[0])
      ) {
        const docs: Record<string, string> = {};
        const keys: string[] = [];
        for (const p of node.arguments[0].properties) {
          if (!p.name) continue;
          const key = ts.isIdentifier(p.name) || ts.isStringLiteral(p.name) ? p.name.text : "";
          if (!key) continue;
          keys.push(key);
          const jsdoc = ts.getJSDocCommentsAndTags(p).filter(ts.isJSDoc);
          const comment = jsdoc
            .map((d) => ts.getTextOfJSDocComment(d.comment) ?? "")
            .join(" ")
            .trim();
          if (comment) docs[key] = comment.replace(/\s+/g, " ");
        }
        const signature = [...keys].sort().join(",");
        const prev = found.get(signature);
        // Two literals with the same keys: keep every comment either has.
        found.set(signature, {
          docs: { ...prev?.docs, ...docs },
          source: prev?.source ?? relative(ROOT, file),
        });
      }
      ts.forEachChild(node, visit);
    };
    visit(sf);
  }
  return found;
}

const code = (v: unknown): string =>
  `\`${(typeof v === "string" ? JSON.stringify(v) : JSON.stringify(v)).replace(/`/g, "'")}\``;
const cell = (s: string): string => s.replace(/\|/g, "\\|").replace(/\n/g, " ");

const MAX_SAFE = Number.MAX_SAFE_INTEGER;

function constraints(s: Json): string[] {
  const c: string[] = [];
  if (s.pattern !== undefined) c.push(`matching \`${s.pattern}\``);
  if (s.minLength === 1) c.push("non-empty");
  if (s.minLength !== undefined && s.minLength > 1) c.push(`at least ${s.minLength} characters`);
  if (s.maxLength !== undefined)
    c.push(`at most ${s.maxLength} character${s.maxLength > 1 ? "s" : ""}`);
  if (s.minimum !== undefined && s.minimum > -MAX_SAFE) c.push(`≥ ${s.minimum}`);
  if (s.exclusiveMinimum !== undefined) c.push(`> ${s.exclusiveMinimum}`);
  if (s.maximum !== undefined && s.maximum < MAX_SAFE) c.push(`≤ ${s.maximum}`);
  if (s.exclusiveMaximum !== undefined) c.push(`< ${s.exclusiveMaximum}`);
  if (s.minItems !== undefined && s.maxItems === s.minItems) c.push(`exactly ${s.minItems} items`);
  else {
    if (s.minItems !== undefined && s.minItems > 0)
      c.push(`at least ${s.minItems} item${s.minItems > 1 ? "s" : ""}`);
    if (s.maxItems !== undefined) c.push(`at most ${s.maxItems} items`);
  }
  return c;
}

/** Object nodes to document in their own section, in order of first appearance. */
interface Section {
  path: string;
  schema: Json;
}

class Renderer {
  readonly sections: Section[] = [];
  constructor(private readonly docs: ReturnType<typeof zodObjectDocs>) {}

  private isObject(s: Json): boolean {
    return s.properties !== undefined && Object.keys(s.properties).length > 0;
  }

  /** A short type description of `s` at `path`; objects get their own section, linked. */
  type(s: Json, path: string): string {
    const alts = s.anyOf ?? s.oneOf;
    if (alts) {
      // A spec given inline or as the path of a file.
      const isPath = (a: Json) => a.type === "string" && a.minLength === 1 && !a.pattern && !a.enum;
      const rest = alts.filter((a) => !isPath(a));
      const parts = rest.map((a, i) =>
        this.type(a, rest.length > 1 ? `${path} (form ${i + 1})` : path),
      );
      if (rest.length < alts.length) parts.unshift("file path");
      return parts.join(" or ");
    }
    if (s.const !== undefined) return code(s.const);
    if (s.enum) return `one of ${s.enum.map(code).join(", ")}`;
    if (this.isObject(s)) {
      this.sections.push({ path, schema: s });
      return `object ([${path}](#${slug(path)}))`;
    }
    const t = Array.isArray(s.type) ? s.type.join(" or ") : s.type;
    const extra = constraints(s);
    const suffix = extra.length ? ` (${extra.join(", ")})` : "";
    if (t === "array") {
      if (s.prefixItems)
        return `[${s.prefixItems.map((p, i) => this.type(p, `${path}[${i}]`)).join(", ")}]${suffix}`;
      return `list of ${s.items ? this.type(s.items, `${path}[]`) : "any"}${suffix}`;
    }
    if (t === "object") {
      const v = typeof s.additionalProperties === "object" ? s.additionalProperties : undefined;
      const k = s.propertyNames ? this.type(s.propertyNames, `${path}.<key>`) : "string";
      return v ? `map of ${k} → ${this.type(v, `${path}.<key>`)}` : "object";
    }
    return `${t ?? "any"}${suffix}`;
  }

  /**
   * The doc comments of the z.object literal with exactly these keys, else of the literal with
   * the most keys that are all among these (an object extended with more keys).
   */
  private docsFor(keys: string[]): { docs: Record<string, string>; source: string } | undefined {
    const exact = this.docs.get([...keys].sort().join(","));
    if (exact) return exact;
    let best: { docs: Record<string, string>; source: string } | undefined;
    let bestSize = 1;
    for (const [signature, found] of this.docs) {
      const ks = signature.split(",");
      if (ks.length > bestSize && ks.every((k) => keys.includes(k))) {
        best = found;
        bestSize = ks.length;
      }
    }
    return best;
  }

  /** The table of one object's keys. */
  table(section: Section): string[] {
    const props = section.schema.properties ?? {};
    const keys = Object.keys(props);
    const found = this.docsFor(keys);
    const required = new Set(section.schema.required ?? []);
    const rows = ["| Key | Type | Required | Default | Description |", "|---|---|---|---|---|"];
    for (const key of keys) {
      const p = props[key]!;
      const path = section.path ? `${section.path}.${key}` : key;
      const def = p.default !== undefined ? code(p.default) : "";
      const description = p.description ?? found?.docs[key] ?? EXTRA[path] ?? "";
      rows.push(
        `| \`${key}\` | ${cell(this.type(p, path))} | ${required.has(key) ? "yes" : "no"} | ${cell(def)} | ${cell(description)} |`,
      );
    }
    const notes: string[] = [];
    if (section.schema.additionalProperties === false) notes.push("Other keys are errors.");
    if (found) notes.push(`Defined in \`${found.source}\`.`);
    return notes.length ? [...rows, "", notes.join(" ")] : rows;
  }
}

/**
 * Descriptions of the study-level keys that have no doc comment in the schema source (a doc
 * comment there takes precedence). The specs a section names (pipeline, uncertainty, design,
 * calibration, ratings, fields) are described in the guide's tutorials and docs/methods.
 */
const EXTRA: Record<string, string> = {
  name: "The study's title, shown in reports and the dashboard.",
  description: "A longer description of the study.",
  seed: "Seed of every random step (uncertainty analysis, bootstraps): the same seed gives the same numbers.",
  index: "The composite index (COINr conventions).",
  survey:
    "Design-based perceptions of the targets by audience and segment, and the head-to-head table.",
  drivers: "Key-driver analyses, one per entry.",
  media: "News tone toward the targets.",
  tech: "The technology pillar of the index: company counts, tone and favourability by home country.",
  polling: "The polling pillar of the index: survey perceptions averaged over audiences.",
  findings: "Short statements derived from the results, each with its number and interval.",
  "index.pipeline":
    "Steps denominate, impute, screen, treat, normalise, aggregate (COINr names); a step left out is skipped. Default: COINr's default build.",
  "index.uncertainty": "Monte Carlo rank uncertainty or Sobol sensitivity analysis.",
  "survey.data": "Respondent data: CSV or SPSS .sav (value labels become categories).",
  "survey.design": "The survey design, as R's svydesign: ids, strata, weights, fpc, nest.",
  "survey.calibration": "Post-stratification, raking or linear/logit calibration of the weights.",
  "survey.recode": "New numeric variables from labelled answers: name → {from, map | numeric}.",
  "survey.ratings":
    "The ratings map: which column rates which target on which attribute, top box, don't-know codes, segments.",
  "drivers[].name": "The analysis's name (its tables are drivers_<name>...).",
  "drivers[].recode": "New numeric variables from labelled answers: name → {from, map | numeric}.",
  "drivers[].outcome": "The variable explained (e.g. favourability toward the target).",
  "drivers[].predictors": "The variables whose share of R² is estimated.",
  "drivers[].always": "Controls kept in every model; their share is not attributed.",
  "drivers[].family": "gaussian: R²; binomial: McFadden's pseudo-R² (binary outcome).",
  "drivers[].methods": "Importance measures to compute.",
  "drivers[].bootstrap": "Bootstrap replications for the intervals (0: none).",
  "drivers[].level": "Confidence level of the intervals.",
  "media.corpus": "A corpus file (JSONL, CSV, Parquet) or a folder of them.",
  "media.fields":
    "How the corpus's columns map to id, date, outlet, outlet country, title and text.",
  "media.period": "The period tone is summarised by.",
  "media.bootstrap": "Article-bootstrap replications for the intervals.",
  "media.bias":
    "Bias estimates: tone toward `target` minus tone toward `compare` in the outlets of `group`, frame and period fixed effects.",
  "media.skip_bad": "Count and skip records that cannot be read instead of stopping.",
  "tech.name": "The pillar's name.",
  "tech.parent": "The aggregate a new pillar joins (default: the index's top).",
  "tech.weight": "The pillar's weight.",
  "tech.favourability_attribute": "The rated attribute read for `favourability`.",
  "polling.pillar": "The pillar's iCode.",
  "polling.name": "The pillar's name.",
  "polling.weight": "The pillar's weight.",
  "findings.level": "Confidence level of the findings' intervals and significance statements.",
};

const slug = (path: string): string =>
  path
    .toLowerCase()
    .replace(/[^a-z0-9_ -]/g, "")
    .replace(/ /g, "-");

/** The study.yaml reference as Markdown. Deterministic: the same schema gives the same bytes. */
export function studyYamlReference(): string {
  const schema = studyJsonSchema() as Json;
  const r = new Renderer(zodObjectDocs());
  const out: string[] = [
    "<!-- Generated by scripts/docs-study-yaml.ts from StudySchema (src/study/schema.ts). Do not edit: run `npm run docs`. -->",
    "",
    "# study.yaml reference",
    "",
    "A study is a folder holding `study.yaml` and its data. This page lists every key `softpower build`",
    "accepts, with its type, default and meaning, as the zod schema `StudySchema` defines them",
    "(descriptions are the schema's doc comments). Relative paths resolve from the study folder.",
    'A key whose type reads "file path or object" takes the spec inline or the path of a JSON or',
    "YAML file holding it. Unknown keys are errors, reported with the key and the line",
    '(`study.yaml line 5 (survey): unknown key "colour"`, exit code 2).',
    "",
    "`softpower schema` prints the same schema as JSON Schema (a copy is kept in",
    "[docs/study.schema.json](../../study.schema.json)); an editor with the YAML language server",
    "validates and completes study.yaml from it with a first line",
    "`# yaml-language-server: $schema=../docs/study.schema.json` (the path relative to the file).",
    "Back to the [guide](../README.md).",
    "",
    "## Top level",
    "",
  ];
  out.push(...r.table({ path: "", schema }), "");
  const done = new Set<string>();
  const shapes = new Map<string, string>();
  for (let i = 0; i < r.sections.length; i++) {
    const s = r.sections[i]!;
    if (done.has(s.path)) continue;
    done.add(s.path);
    out.push(`## ${s.path}`, "");
    if (s.schema.description) out.push(s.schema.description, "");
    const shape = JSON.stringify(s.schema);
    const same = shapes.get(shape);
    if (same) out.push(`The same keys as [${same}](#${slug(same)}).`, "");
    else {
      shapes.set(shape, s.path);
      out.push(...r.table(s), "");
    }
  }
  return `${out.join("\n").trimEnd()}\n`;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await writeGenerated(STUDY_YAML_REFERENCE, studyYamlReference());
}
