/**
 * Hash routing: `#/page?key=value&…`, so the server needs no SPA fallback and every view can be
 * shared as a link. `study` and `run` are carried from page to page.
 */
import { useEffect, useState } from "preact/hooks";

export const PAGES = [
  { id: "overview", label: "Overview" },
  { id: "weights", label: "Weightings" },
  { id: "profile", label: "Country profile" },
  { id: "head-to-head", label: "Head-to-head" },
  { id: "drivers", label: "Drivers" },
  { id: "media", label: "Media" },
  { id: "methodology", label: "Methodology" },
] as const;

export type PageId = (typeof PAGES)[number]["id"];

export interface Route {
  page: PageId;
  params: Record<string, string>;
}

const GLOBAL = ["study", "run"];

/** The route a hash names (unknown pages fall back to the overview). */
export function parseHash(hash: string): Route {
  const h = hash.replace(/^#\/?/, "");
  const q = h.indexOf("?");
  const path = q < 0 ? h : h.slice(0, q);
  const page = (PAGES.find((p) => p.id === path)?.id ?? "overview") as PageId;
  const params: Record<string, string> = {};
  for (const [k, v] of new URLSearchParams(q < 0 ? "" : h.slice(q + 1))) params[k] = v;
  return { page, params };
}

/** The hash for a page and its parameters (empty values left out). */
export function formatHash(page: PageId, params: Record<string, string | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== "") q.set(k, v);
  const s = q.toString();
  return `#/${page}${s ? `?${s}` : ""}`;
}

/** A link to `page` keeping the current study and run. */
export function pageHref(
  route: Route,
  page: PageId,
  params: Record<string, string | undefined> = {},
): string {
  const keep: Record<string, string | undefined> = {};
  for (const k of GLOBAL) keep[k] = route.params[k];
  return formatHash(page, { ...keep, ...params });
}

/** The current route, following hash changes. */
export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseHash(location.hash));
  useEffect(() => {
    const on = () => setRoute(parseHash(location.hash));
    addEventListener("hashchange", on);
    return () => removeEventListener("hashchange", on);
  }, []);
  return route;
}

/** Navigates to `page` with `params` (a new history entry). */
export function navigate(page: PageId, params: Record<string, string | undefined>): void {
  location.hash = formatHash(page, params);
}

/**
 * Sets some of the current page's parameters. With `replace` (the default) the history entry is
 * rewritten in place, for state that changes continuously like a slider; listeners are told
 * as for any hash change.
 */
export function updateParams(
  route: Route,
  params: Record<string, string | undefined>,
  replace = true,
): void {
  const next = formatHash(route.page, { ...route.params, ...params });
  if (next === location.hash) return;
  if (!replace) {
    location.hash = next;
    return;
  }
  history.replaceState(history.state, "", next);
  dispatchEvent(new HashChangeEvent("hashchange"));
}
