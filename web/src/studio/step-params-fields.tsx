/**
 * A pipeline step's parameters as labelled fields (numbers, choices, check boxes, lists), from
 * the catalogue in step-params.ts; each change gives the step object with that parameter set,
 * and the server checks it with PipelineSchema (the CLI's messages appear under the field).
 */
import type { Issue } from "./client.ts";
import type { Obj } from "./edits.ts";
import { Check, Choice, Issues, ParsedField } from "./fields.tsx";
import { formatParam, getParam, paramsFor, parseParam, setParam } from "./step-params.ts";

export function StepParamsFields(props: {
  step: string;
  value: Obj | undefined;
  /** The step with one parameter changed. */
  onChange: (next: Obj) => void;
  /** Issues of this step (keys index.pipeline.<step>.… or <step>.… in a pipeline file). */
  issues: Issue[];
}) {
  const method = typeof props.value?.method === "string" ? props.value.method : undefined;
  const fields = paramsFor(props.step, method);
  if (fields.length === 0) return null;
  const at = (key: string) =>
    props.issues.filter((i) =>
      new RegExp(`(^|\\.)${props.step}\\.${key.replace(/\./g, "\\.")}(\\.|$)`).test(i.key),
    );
  return (
    <fieldset>
      <legend>
        {props.step}
        {method ? ` (${method})` : ""}: parameters
      </legend>
      {fields.map((f) => {
        const id = `field-index.pipeline.${props.step}.${f.key}`;
        const v = getParam(props.value, f.key);
        const set = (x: unknown) => props.onChange(setParam(props.value, f.key, x));
        if (f.kind === "boolean")
          return (
            <div key={f.key}>
              <Check
                id={id}
                label={f.label}
                checked={v === true}
                onChange={(on) => set(on ? true : undefined)}
              />
              <Issues id={`${id}-issues`} issues={at(f.key)} />
            </div>
          );
        if (f.kind === "choice")
          return (
            <div key={f.key}>
              <Choice
                id={id}
                label={f.label}
                value={v === undefined ? "" : String(v)}
                options={(f.options ?? []).filter((o) => o !== "")}
                none="(default)"
                onChange={(t) => set(parseParam(f, t).value)}
              />
              <Issues id={`${id}-issues`} issues={at(f.key)} />
            </div>
          );
        return (
          <ParsedField
            key={f.key}
            id={id}
            label={f.label}
            text={formatParam(f, v)}
            parse={(t) => parseParam(f, t)}
            onChange={set}
            issues={at(f.key)}
            multiline={f.kind === "pairs"}
          />
        );
      })}
    </fieldset>
  );
}
