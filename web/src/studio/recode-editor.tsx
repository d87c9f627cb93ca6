/**
 * New variables derived from existing ones (survey.recode, drivers[].recode; RecodeSchema):
 * each a name, its source column, the value map (labels or codes to numbers, blank for
 * missing), whether other text is read as a number, and the valid range of numeric codes.
 */
import type { Issue } from "./client.ts";
import { asObj, type Obj } from "./edits.ts";
import { Check, Choice, Issues, ParsedField } from "./fields.tsx";
import { formatCodeMap, formatPair, parseCodeMap, parsePair, withRecode } from "./survey-edits.ts";

export function RecodeEditor(props: {
  /** Field ids start with this, e.g. field-survey.recode. */
  idPrefix: string;
  spec: Obj | undefined;
  names: string[];
  onChange: (next: Obj | undefined) => void;
  /** Issues of one variable's key ("" = the whole spec). */
  issuesAt: (sub: string) => Issue[];
}) {
  const spec = props.spec ?? {};
  const entries = Object.entries(spec);
  const set = (next: Obj) => props.onChange(Object.keys(next).length ? next : undefined);
  const fresh = () => {
    let n = entries.length + 1;
    while (`new_${n}` in spec) n++;
    return `new_${n}`;
  };
  return (
    <fieldset>
      <legend>Derived variables (recode)</legend>
      {entries.map(([name, raw], k) => {
        const r = asObj(raw);
        const id = (f: string) => `${props.idPrefix}.${k}.${f}`;
        return (
          <fieldset key={k} data-testid={`${props.idPrefix}-${k + 1}`}>
            <legend>Variable {k + 1}</legend>
            <ParsedField
              id={id("name")}
              label="New variable's name"
              text={name}
              parse={(t) =>
                t.trim() === ""
                  ? { error: "give the new variable a name" }
                  : t.trim() !== name && t.trim() in spec
                    ? { error: `"${t.trim()}" is already a derived variable` }
                    : { value: t.trim() }
              }
              onChange={(v) => set(withRecode(spec, name, {}, v))}
              issues={props.issuesAt(name)}
            />
            <Choice
              id={id("from")}
              label="From the column"
              value={String(r.from ?? "")}
              options={props.names.concat(
                r.from && !props.names.includes(String(r.from)) ? [String(r.from)] : [],
              )}
              none="(choose)"
              onChange={(v) => set(withRecode(spec, name, { from: v }))}
            />
            <ParsedField
              id={id("map")}
              label="Values (one per line: label or code = number; nothing after = for missing)"
              hint="e.g. Very favorable = 4, Don't know ="
              text={formatCodeMap(r.map)}
              parse={parseCodeMap}
              onChange={(v) =>
                set(withRecode(spec, name, { map: Object.keys(v).length ? v : undefined }))
              }
              issues={props.issuesAt(`${name}.map`)}
              multiline
            />
            <Check
              id={id("numeric")}
              label="Read other values as numbers"
              checked={r.numeric === true}
              onChange={(on) =>
                set(
                  withRecode(spec, name, {
                    numeric: on || undefined,
                  }),
                )
              }
            />
            <ParsedField
              id={id("valid")}
              label="Valid numeric codes (low, high; others missing, e.g. 1, 4)"
              text={formatPair(r.valid)}
              parse={parsePair}
              onChange={(v) => set(withRecode(spec, name, { valid: v }))}
              issues={props.issuesAt(`${name}.valid`)}
            />
            <button type="button" onClick={() => set(withRecode(spec, name, undefined))}>
              Remove variable {k + 1}
            </button>
          </fieldset>
        );
      })}
      <button type="button" onClick={() => set({ ...spec, [fresh()]: { from: "" } })}>
        Add a derived variable
      </button>
      <Issues id={`${props.idPrefix}-issues`} issues={props.issuesAt("")} />
    </fieldset>
  );
}
