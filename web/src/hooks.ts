import { useEffect, useState } from "preact/hooks";

/** The state of a promise a component waits on. */
export type Async<T> =
  | { status: "loading" }
  | { status: "error"; error: Error }
  | { status: "ready"; value: T };

/**
 * Runs `load` whenever `deps` change and follows its promise. A result belongs to the deps it was
 * loaded for: after a change the state is "loading" at once (never the previous value), and
 * results that arrive late are dropped.
 */
export function useAsync<T>(load: () => Promise<T>, deps: readonly unknown[]): Async<T> {
  const key = JSON.stringify(deps);
  const [state, setState] = useState<{ key: string; state: Async<T> }>({
    key: "",
    state: { status: "loading" },
  });
  useEffect(() => {
    let live = true;
    load().then(
      (value) => live && setState({ key, state: { status: "ready", value } }),
      (e: unknown) =>
        live &&
        setState({
          key,
          state: { status: "error", error: e instanceof Error ? e : new Error(String(e)) },
        }),
    );
    return () => {
      live = false;
    };
  }, [key]);
  return state.key === key ? state.state : { status: "loading" };
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
