/**
 * The workbench's form pieces shared by its pages: labelled fields that show the CLI's messages
 * (with key and line) under them, choices, panels, and the props every editor page receives.
 */
import type { ComponentChildren } from "preact";
import { useEffect, useRef, useState } from "preact/hooks";
import { type Issue, type Preview, StudioError, type StudyModel, studio } from "./client.ts";
import type { Obj, Parsed } from "./edits.ts";

export function ErrorText(props: { error: unknown }) {
  const e = props.error as Error;
  return (
    <p class="error" role="alert">
      {e instanceof StudioError ? e.message : String(e?.message ?? e)}
    </p>
  );
}

/** Issues under a field (the CLI's words), linked to it by aria-describedby. */
export function Issues(props: { id: string; issues: Issue[] }) {
  if (props.issues.length === 0) return null;
  return (
    <ul class="issues" id={props.id} aria-live="polite">
      {props.issues.map((i) => (
        <li key={`${i.file}${i.key}${i.message}`}>
          {i.file}
          {i.line ? ` line ${i.line}` : ""}
          {i.key ? ` (${i.key})` : ""}: {i.message}
        </li>
      ))}
    </ul>
  );
}

export function TextField(props: {
  id: string;
  label: string;
  value: string;
  onInput: (v: string) => void;
  issues?: Issue[];
  type?: "text" | "number";
  multiline?: boolean;
}) {
  const issues = props.issues ?? [];
  const describedBy = issues.length ? `${props.id}-issues` : undefined;
  return (
    <div class="form-row">
      <label for={props.id}>{props.label}</label>
      {props.multiline ? (
        <textarea
          id={props.id}
          value={props.value}
          aria-invalid={issues.length > 0}
          aria-describedby={describedBy}
          onInput={(e) => props.onInput((e.currentTarget as HTMLTextAreaElement).value)}
        />
      ) : (
        <input
          id={props.id}
          {...({ type: props.type ?? "text" } as object)}
          value={props.value}
          aria-invalid={issues.length > 0}
          aria-describedby={describedBy}
          onInput={(e) => props.onInput((e.currentTarget as HTMLInputElement).value)}
        />
      )}
      <Issues id={`${props.id}-issues`} issues={issues} />
    </div>
  );
}

/**
 * A text box whose text is read by `parse` as the user types: a reading error shows under it at
 * once; a value that reads goes to `onChange` (then to the server's validator, whose messages
 * come back in `issues`). The text stays as typed while the box has focus.
 */
export function ParsedField<T>(props: {
  id: string;
  label: string;
  text: string;
  parse: (text: string) => Parsed<T>;
  onChange: (v: T) => void;
  issues?: Issue[];
  multiline?: boolean;
  hint?: string;
}) {
  const [text, setText] = useState(props.text);
  const [error, setError] = useState("");
  const focused = useRef(false);
  useEffect(() => {
    if (!focused.current) setText(props.text);
  }, [props.text]);
  const issues = props.issues ?? [];
  const describedBy =
    [props.hint ? `${props.id}-hint` : "", error || issues.length ? `${props.id}-issues` : ""]
      .filter(Boolean)
      .join(" ") || undefined;
  const onInput = (v: string) => {
    setText(v);
    const r = props.parse(v);
    if (r.error !== undefined) setError(r.error);
    else {
      setError("");
      props.onChange(r.value as T);
    }
  };
  const common = {
    id: props.id,
    value: text,
    "aria-invalid": error !== "" || issues.length > 0,
    "aria-describedby": describedBy,
    onFocus: () => {
      focused.current = true;
    },
    onBlur: () => {
      focused.current = false;
    },
  };
  return (
    <div class="form-row">
      <label for={props.id}>{props.label}</label>
      {props.hint && (
        <p class="hint" id={`${props.id}-hint`}>
          {props.hint}
        </p>
      )}
      {props.multiline ? (
        <textarea
          {...common}
          onInput={(e) => onInput((e.currentTarget as HTMLTextAreaElement).value)}
        />
      ) : (
        <input
          {...common}
          type="text"
          onInput={(e) => onInput((e.currentTarget as HTMLInputElement).value)}
        />
      )}
      {error || issues.length ? (
        <ul class="issues" id={`${props.id}-issues`} aria-live="polite">
          {error && <li>{error}</li>}
          {issues.map((i) => (
            <li key={`${i.file}${i.key}${i.message}`}>
              {i.file}
              {i.line ? ` line ${i.line}` : ""}
              {i.key ? ` (${i.key})` : ""}: {i.message}
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}

export const asText = (t: string): Parsed<string> => ({ value: t });

export function Choice(props: {
  id: string;
  label: string;
  value: string;
  options: string[];
  onChange: (v: string) => void;
  none?: string;
}) {
  return (
    <div class="form-row">
      <label for={props.id}>{props.label}</label>
      <select
        id={props.id}
        value={props.value}
        onChange={(e) => props.onChange((e.currentTarget as HTMLSelectElement).value)}
      >
        {props.none !== undefined && <option value="">{props.none}</option>}
        {props.options.map((o) => (
          <option key={o} value={o}>
            {o}
          </option>
        ))}
      </select>
    </div>
  );
}

export const codes = (s: string) =>
  s
    .split(/[\s,]+/)
    .filter((x) => x !== "")
    .map(Number)
    .filter((x) => Number.isFinite(x));

export interface EditorProps {
  id: string;
  model: StudyModel;
  issues: Issue[];
  files: string[];
  /** The spec at `key` (from its file when study.yaml names one, else inline). */
  spec: (key: string) => Obj | undefined;
  /** Sets a section of study.yaml (undefined removes it). */
  setSection: (name: string, value: unknown) => void;
  /** Sets the spec at `key`: into its file when study.yaml names one, else inline. */
  setSpec: (key: string, value: Obj) => void;
  issuesAt: (prefix: string) => Issue[];
}

export function Panel(props: { title: string; children: ComponentChildren }) {
  const id = `panel-${props.title.toLowerCase().replace(/[^a-z0-9]+/g, "-")}`;
  return (
    <section class="panel" aria-labelledby={id}>
      <h3 id={id}>{props.title}</h3>
      {props.children}
    </section>
  );
}

export const isData = (f: string) => /\.(csv|tsv|sav|parquet|xlsx)$/i.test(f);

export function useColumns(id: string, path: string | undefined) {
  const [preview, setPreview] = useState<Preview | null>(null);
  useEffect(() => {
    if (!path) return;
    studio.preview(id, path).then(setPreview, () => setPreview(null));
  }, [id, path]);
  return preview;
}

/**
 * Issues of `sub` inside the spec at `key` (e.g. survey.recode): at `key.sub` when the spec is
 * inline in study.yaml, at `sub` in the spec's own file when study.yaml names one. `sub` ""
 * gives the issues of the spec as a whole.
 */
export function specIssues(p: EditorProps, key: string, sub: string): Issue[] {
  const file = p.model.specs
    .find((s) => s.key === key)
    ?.path.split("/")
    .pop();
  const under = (k: string, base: string) => k === base || k.startsWith(`${base}.`);
  return p.issues.filter((i) =>
    sub === ""
      ? i.key === key || (file !== undefined && i.file === file && i.key === "")
      : under(i.key, `${key}.${sub}`) ||
        (file !== undefined && i.file === file && under(i.key, sub)),
  );
}

/** One labelled check box (`checked` shown; `onChange` gets the new state). */
export function Check(props: {
  id: string;
  label: ComponentChildren;
  checked: boolean;
  onChange: (checked: boolean) => void;
}) {
  return (
    <div class="form-row">
      <label class="check" for={props.id}>
        <input
          id={props.id}
          type="checkbox"
          checked={props.checked}
          onChange={(e) => props.onChange((e.currentTarget as HTMLInputElement).checked)}
        />{" "}
        {props.label}
      </label>
    </div>
  );
}

/**
 * A fieldset of check boxes, one per option; `onToggle` gets the option and its new state (the
 * caller decides the order of what it keeps).
 */
export function CheckList(props: {
  legend: string;
  options: readonly string[];
  isChecked: (option: string) => boolean;
  onToggle: (option: string, checked: boolean) => void;
  label?: (option: string) => ComponentChildren;
  children?: ComponentChildren;
}) {
  return (
    <fieldset>
      <legend>{props.legend}</legend>
      {props.options.map((o) => (
        <label key={o} class="check">
          <input
            type="checkbox"
            checked={props.isChecked(o)}
            onChange={(e) => props.onToggle(o, (e.currentTarget as HTMLInputElement).checked)}
          />{" "}
          {props.label ? props.label(o) : o}
        </label>
      ))}
      {props.children}
    </fieldset>
  );
}
