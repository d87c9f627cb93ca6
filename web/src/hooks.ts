import { useEffect, useState } from "preact/hooks";

/** The state of a promise a component waits on. */
export type Async<T> =
  | { status: "loading" }
  | { status: "error"; error: Error }
  | { status: "ready"; value: T };

/** Runs `load` whenever `deps` change and follows its promise (stale results are dropped). */
export function useAsync<T>(load: () => Promise<T>, deps: readonly unknown[]): Async<T> {
  const [state, setState] = useState<Async<T>>({ status: "loading" });
  useEffect(() => {
    let live = true;
    setState({ status: "loading" });
    load().then(
      (value) => live && setState({ status: "ready", value }),
      (e: unknown) =>
        live && setState({ status: "error", error: e instanceof Error ? e : new Error(String(e)) }),
    );
    return () => {
      live = false;
    };
  }, deps);
  return state;
}

/** The width of an element in pixels (0 until measured), following resizes. */
export function useWidth(ref: { current: Element | null }, min = 280): number {
  const [width, setWidth] = useState(0);
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const measure = () => setWidth(Math.max(min, Math.floor(el.clientWidth)));
    measure();
    const ro = new ResizeObserver(measure);
    ro.observe(el);
    return () => ro.disconnect();
  }, [ref.current, min]);
  return width;
}
