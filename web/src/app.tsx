/** The dashboard shell: study and run pickers, page navigation, the synthetic-data banner. */
import { useEffect } from "preact/hooks";
import { api, isStatic, type RunSummary, type StudySummary } from "./api.ts";
import { Await, ErrorBox, Loading, type PageContext, Select } from "./components.tsx";
import { useAsync } from "./hooks.ts";
import { DriversPage } from "./pages/drivers.tsx";
import { HeadToHeadPage } from "./pages/head-to-head.tsx";
import { MediaPage } from "./pages/media.tsx";
import { MethodologyPage } from "./pages/methodology.tsx";
import { OverviewPage } from "./pages/overview.tsx";
import { ProfilePage } from "./pages/profile.tsx";
import { WeightsPage } from "./pages/weights.tsx";
import { formatHash, PAGES, type PageId, pageHref, type Route, useRoute } from "./route.ts";
import { isStudioHash, Studio } from "./studio/studio.tsx";

const PAGE_COMPONENTS: Record<PageId, (p: { ctx: PageContext }) => preact.JSX.Element> = {
  overview: OverviewPage,
  weights: WeightsPage,
  profile: ProfilePage,
  "head-to-head": HeadToHeadPage,
  drivers: DriversPage,
  media: MediaPage,
  methodology: MethodologyPage,
};

export function App() {
  const route = useRoute();
  if (isStudioHash(location.hash) && !isStatic()) return <Studio />;
  return <Dashboard route={route} />;
}

function Dashboard(props: { route: Route }) {
  const { route } = props;
  const studies = useAsync(() => api.studies(), []);
  return (
    <Await state={studies} what="studies">
      {(list) => {
        const study = list.find((s) => s.id === route.params.study) ?? list[0];
        if (!study)
          return (
            <main id="main" class="empty">
              <h1>Soft Power Observatory</h1>
              <p>No studies to show. Build one with `softpower build DIR` and serve it.</p>
              {!isStatic() && (
                <p>
                  <a href="#/studio">New study / Edit study</a>
                </p>
              )}
            </main>
          );
        return <StudyView studies={list} study={study} route={route} />;
      }}
    </Await>
  );
}

function StudyView(props: { studies: StudySummary[]; study: StudySummary; route: Route }) {
  const { study, route } = props;
  const runRef = route.params.run ?? "latest";
  const run = useAsync(() => api.run(study.id, runRef), [study.id, runRef]);
  const runs = useAsync(() => api.runs(study.id), [study.id]);
  const synthetic = study.synthetic || (run.status === "ready" && run.value.synthetic);
  const page = PAGES.find((p) => p.id === route.page)!;
  useEffect(() => {
    document.title = `${page.label} · ${study.name} · Soft Power Observatory`;
  }, [page.label, study.name]);
  const Page = PAGE_COMPONENTS[route.page];
  const go = (params: Record<string, string | undefined>) => {
    location.hash = formatHash(route.page, { ...route.params, ...params });
  };
  const runOptions = (list: RunSummary[]) => [
    { value: "latest", label: `latest (${list[0]?.id ?? "?"})` },
    ...list.map((r) => ({ value: r.id, label: `${r.id}${r.synthetic ? " · synthetic" : ""}` })),
  ];
  return (
    <>
      <header class="top">
        <div class="brand">
          <h1>Soft Power Observatory</h1>
          <p class="study-name">{study.name}</p>
        </div>
        <div class="pickers">
          {props.studies.length > 1 && (
            <Select
              label="Study"
              value={study.id}
              options={props.studies.map((s) => ({ value: s.id, label: s.name }))}
              onChange={(v) => go({ study: v, run: undefined })}
            />
          )}
          {runs.status === "ready" && (
            <Select
              label="Run"
              value={runRef}
              options={runOptions(runs.value)}
              onChange={(v) => go({ run: v === "latest" ? undefined : v })}
            />
          )}
        </div>
        <nav aria-label="Pages">
          <ul>
            {PAGES.map((p) => (
              <li key={p.id}>
                <a
                  href={pageHref(route, p.id)}
                  aria-current={p.id === route.page ? "page" : undefined}
                >
                  {p.label}
                </a>
              </li>
            ))}
            {!isStatic() && (
              <li>
                <a href="#/studio">New study / Edit study</a>
              </li>
            )}
          </ul>
        </nav>
      </header>
      {synthetic && (
        <div class="synthetic-banner" role="note" data-testid="synthetic-banner">
          <strong>Synthetic data.</strong> This study was made by the project's seeded generator to
          exercise every engine: no number here describes real countries, publics or news.
        </div>
      )}
      <main id="main" tabIndex={-1} data-page={route.page}>
        <h2 class="page-title">{page.label}</h2>
        {run.status === "loading" && <Loading what="the run" />}
        {run.status === "error" && <ErrorBox error={run.error} />}
        {run.status === "ready" && (
          <Page key={`${study.id}/${run.value.id}`} ctx={{ study, run: run.value, route }} />
        )}
      </main>
      <footer>
        {run.status === "ready" && (
          <p>
            Run {run.value.id} · built {run.value.finishedAt} · softpower {run.value.version}
            {isStatic() && " · a static, read-only copy (softpower export-site)"}
          </p>
        )}
      </footer>
    </>
  );
}
