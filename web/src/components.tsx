/** Small shared pieces: loading and error states, notices, selects, table fetching. */
import type { ComponentChildren } from "preact";
import { api, type RunInfo, type StudySummary, type Table } from "./api.ts";
import { type Async, useAsync } from "./hooks.ts";
import type { Route } from "./route.ts";

/** What every page gets: the study, the run (resolved) and the route. */
export interface PageContext {
  study: StudySummary;
  run: RunInfo;
  route: Route;
}

/** Fetches the named tables of the page's run, in parallel. */
export function useTables(
  ctx: PageContext,
  names: readonly string[],
): Async<Record<string, Table>> {
  return useAsync(async () => {
    const tables = await Promise.all(names.map((n) => api.table(ctx.study.id, ctx.run.id, n)));
    return Object.fromEntries(names.map((n, i) => [n, tables[i]!]));
  }, [ctx.study.id, ctx.run.id, names.join(",")]);
}

/** Which of `names` the run lacks. */
export function missingTables(run: RunInfo, names: readonly string[]): string[] {
  return names.filter((n) => !run.tables.includes(n));
}

export function Loading(props: { what?: string }) {
  return (
    <p class="loading" role="status" aria-live="polite">
      Loading {props.what ?? "data"}…
    </p>
  );
}

export function ErrorBox(props: { error: Error }) {
  return (
    <div class="error-box" role="alert">
      <strong>Could not load the data.</strong> {props.error.message}
    </div>
  );
}

/** The notice a page shows instead of failing when the run lacks its tables. */
export function Missing(props: {
  what: string;
  tables: readonly string[];
  children?: ComponentChildren;
}) {
  return (
    <section class="missing" role="status" data-testid="missing">
      <h2>No {props.what} in this run</h2>
      <p>
        This run has no {props.tables.join(", ")} table{props.tables.length > 1 ? "s" : ""}: the
        study does not configure {props.what}. {props.children}
      </p>
    </section>
  );
}

/** A labelled select. */
export function Select(props: {
  label: string;
  value: string;
  options: readonly (string | { value: string; label: string })[];
  onChange: (v: string) => void;
  id?: string;
}) {
  const id = props.id ?? `sel-${props.label.toLowerCase().replace(/[^a-z0-9]+/g, "-")}`;
  return (
    <label class="field" for={id}>
      <span>{props.label}</span>
      <select
        id={id}
        value={props.value}
        onChange={(e) => props.onChange((e.currentTarget as HTMLSelectElement).value)}
      >
        {props.options.map((o) => {
          const v = typeof o === "string" ? o : o.value;
          return (
            <option key={v} value={v}>
              {typeof o === "string" ? o : o.label}
            </option>
          );
        })}
      </select>
    </label>
  );
}

/** Renders the async state: loading, error, or `children(value)`. */
export function Await<T>(props: {
  state: Async<T>;
  what?: string;
  children: (v: T) => ComponentChildren;
}) {
  const s = props.state;
  if (s.status === "loading") return <Loading what={props.what} />;
  if (s.status === "error") return <ErrorBox error={s.error} />;
  return <>{props.children(s.value)}</>;
}

/**
 * A page built on run tables: says which required tables the run lacks (and which study.yaml
 * section makes them) instead of failing, else loads the required tables and the optional ones
 * the run has, then renders `body` with them by name.
 */
export function TablesPage(props: {
  ctx: PageContext;
  required: readonly string[];
  optional?: readonly string[];
  /** What the page shows, for the "missing" and "loading" messages. */
  what: string;
  loading: string;
  body: (tables: Record<string, Table>) => ComponentChildren;
}) {
  const missing = missingTables(props.ctx.run, props.required);
  if (missing.length) return <Missing what={props.what} tables={missing} />;
  return <LoadTables {...props} />;
}

function LoadTables(props: {
  ctx: PageContext;
  required: readonly string[];
  optional?: readonly string[];
  loading: string;
  body: (tables: Record<string, Table>) => ComponentChildren;
}) {
  const { ctx } = props;
  const names = [
    ...props.required,
    ...(props.optional ?? []).filter((t) => ctx.run.tables.includes(t)),
  ];
  const state = useAsync(async () => {
    const ts = await Promise.all(names.map((n) => api.table(ctx.study.id, ctx.run.id, n)));
    return Object.fromEntries(names.map((n, i) => [n, ts[i]!])) as Record<string, Table>;
  }, [ctx.study.id, ctx.run.id]);
  return (
    <Await state={state} what={props.loading}>
      {props.body}
    </Await>
  );
}
