/**
 * The workbench's client for the studio API (`softpower studio`): the launch token taken from
 * the URL once (then kept in sessionStorage and removed from the address bar) and sent as the
 * X-Softpower-Token header on every request; GET links (downloads, the event stream) carry it
 * in the query.
 */

const KEY = "softpower-studio-token";

/** The launch token: from `?token=` on first load (then removed from the URL), else stored. */
export function studioToken(): string | null {
  const q = new URLSearchParams(location.search);
  const t = q.get("token");
  if (t) {
    sessionStorage.setItem(KEY, t);
    q.delete("token");
    const s = q.toString();
    history.replaceState(
      history.state,
      "",
      `${location.pathname}${s ? `?${s}` : ""}${location.hash}`,
    );
    return t;
  }
  return sessionStorage.getItem(KEY);
}

/** One validation problem as the CLI words it. */
export interface Issue {
  file: string;
  key: string;
  line?: number;
  message: string;
}

export interface SpecFile {
  key: string;
  path: string;
  content: unknown;
}

export interface StudyModel {
  study: Record<string, unknown>;
  specs: SpecFile[];
}

export interface PreviewColumn {
  name: string;
  type: "number" | "text";
  label?: string;
  labels?: [string | number, string][];
  missing: number;
}

export interface Preview {
  file: string;
  rows: number;
  columns: PreviewColumn[];
  head: (string | number | null)[][];
  ms: number;
}

export interface EstimateRow {
  audience: string;
  estimate: number;
  se: number;
  deff: number | null;
  n: number;
}

export type BuildEvent =
  | {
      type: "stage";
      ms: number;
      stage: string;
      index: number;
      total: number;
      status: string;
      stageMs?: number;
    }
  | { type: "done"; ms: number; run: string }
  | { type: "error"; ms: number; message: string; issues: Issue[] };

/** An API error: status and the server's message (and issues for 422). */
export class StudioError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly issues: Issue[] = [],
  ) {
    super(message);
  }
}

const token = () => studioToken() ?? "";

async function call<T>(path: string, init: RequestInit = {}): Promise<T> {
  const headers = new Headers(init.headers);
  headers.set("X-Softpower-Token", token());
  const res = await fetch(path, { ...init, headers });
  const type = res.headers.get("Content-Type") ?? "";
  const body = type.includes("json") ? await res.json() : await res.text();
  if (!res.ok) {
    const b = body as { error?: string; issues?: Issue[] };
    throw new StudioError(
      res.status,
      b.error ?? b.issues?.map((i) => i.message).join("; ") ?? String(body),
      b.issues ?? [],
    );
  }
  return body as T;
}

const json = (method: string, body: unknown): RequestInit => ({
  method,
  body: JSON.stringify(body),
  headers: { "Content-Type": "application/json" },
});

const S = (id: string) => `/api/studio/studies/${encodeURIComponent(id)}`;

export const studio = {
  studies: () =>
    call<{ studies: { id: string; name: string; issues: number }[]; single: boolean }>(
      "/api/studio/studies",
    ),
  create: (study: Record<string, unknown>) =>
    call<{ id: string }>("/api/studio/studies", json("POST", { study })),
  model: (id: string) => call<{ model: StudyModel; issues: Issue[] }>(`${S(id)}/model`),
  validate: (id: string, model: StudyModel) =>
    call<{ issues: Issue[] }>(`${S(id)}/validate`, json("POST", model)),
  save: (id: string, model: StudyModel) =>
    call<{ written: number }>(`${S(id)}/model`, json("PUT", model)),
  files: (id: string) => call<{ files: { path: string; bytes: number }[] }>(`${S(id)}/files`),
  upload: (id: string, file: File) =>
    call<{ path: string }>(`${S(id)}/files/${encodeURIComponent(file.name)}`, {
      method: "PUT",
      body: file,
      headers: { "Content-Type": "application/octet-stream" },
    }),
  preview: (id: string, path: string, rows = 20) =>
    call<Preview>(`${S(id)}/preview?path=${encodeURIComponent(path)}&rows=${rows}`),
  framework: (id: string, columns: string[], rows: (string | number | null)[][]) =>
    call<{ path: string }>(`${S(id)}/framework`, json("PUT", { columns, rows })),
  estimate: (id: string, body: unknown) =>
    call<{ overall: EstimateRow; audiences: EstimateRow[]; ms: number }>(
      `${S(id)}/estimate`,
      json("POST", body),
    ),
  build: (id: string) => call<{ build: string }>(`${S(id)}/builds`, { method: "POST" }),
  runs: (id: string) =>
    call<{ id: string; startedAt: string }[]>(`/api/studies/${encodeURIComponent(id)}/runs`),
  /** The build's events as they come (server-sent events); returns the close function. */
  events(id: string, on: (e: BuildEvent) => void): () => void {
    const es = new EventSource(
      `${S(id)}/builds/current/events?token=${encodeURIComponent(token())}`,
    );
    es.addEventListener("build", (m) => {
      const e = JSON.parse((m as MessageEvent<string>).data) as BuildEvent;
      on(e);
      if (e.type !== "stage") es.close();
    });
    es.onerror = () => es.close();
    return () => es.close();
  },
  /** A GET link with the token (downloads). */
  link: (id: string, path: string, params: Record<string, string> = {}) => {
    const q = new URLSearchParams({ ...params, token: token() });
    return `${S(id)}/${path}?${q}`;
  },
};
