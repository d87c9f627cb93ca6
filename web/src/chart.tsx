/**
 * A chart with its title, description and exports (PNG, SVG, CSV). `render` draws it (usually
 * with Observable Plot) at the width of its container.
 */
import type { ComponentChildren } from "preact";
import { useEffect, useRef, useState } from "preact/hooks";
import { toCsv } from "./format.ts";

export interface ChartProps {
  /** Stable id: the figure's test id and the export file names. */
  id: string;
  title: string;
  description?: string;
  /** Draws the chart for a width in pixels. */
  render: (width: number) => Element;
  /** The numbers behind the chart, exported as CSV. */
  data: { columns: readonly string[]; rows: readonly object[] };
  /** Redraw when any of these change. */
  deps: readonly unknown[];
  children?: ComponentChildren;
}

/** Saves `blob` as `filename` through a temporary link. */
export function download(blob: Blob, filename: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement("a");
  a.href = url;
  a.download = filename;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/** The chart's main SVG (the largest one: legends are smaller), self-contained, as text. */
export function svgText(container: Element): { text: string; width: number; height: number } {
  const svgs = [...container.querySelectorAll("svg")];
  const area = (s: SVGSVGElement) => s.width.baseVal.value * s.height.baseVal.value;
  const svg = svgs.sort((a, b) => area(b) - area(a))[0];
  if (!svg) throw new Error("no chart to export");
  const clone = svg.cloneNode(true) as SVGSVGElement;
  const width = svg.width.baseVal.value || svg.getBoundingClientRect().width;
  const height = svg.height.baseVal.value || svg.getBoundingClientRect().height;
  clone.setAttribute("xmlns", "http://www.w3.org/2000/svg");
  clone.setAttribute("width", String(width));
  clone.setAttribute("height", String(height));
  const bg = document.createElementNS("http://www.w3.org/2000/svg", "rect");
  bg.setAttribute("width", "100%");
  bg.setAttribute("height", "100%");
  bg.setAttribute("fill", "white");
  clone.insertBefore(bg, clone.firstChild);
  return { text: new XMLSerializer().serializeToString(clone), width, height };
}

/** The SVG rasterised at twice its size, as a PNG blob. */
export async function pngBlob(container: Element): Promise<Blob> {
  const { text, width, height } = svgText(container);
  const url = URL.createObjectURL(new Blob([text], { type: "image/svg+xml" }));
  try {
    const img = new Image();
    await new Promise<void>((resolve, reject) => {
      img.onload = () => resolve();
      img.onerror = () => reject(new Error("the browser could not draw the SVG"));
      img.src = url;
    });
    const canvas = document.createElement("canvas");
    canvas.width = Math.ceil(width * 2);
    canvas.height = Math.ceil(height * 2);
    const ctx = canvas.getContext("2d");
    if (!ctx) throw new Error("no canvas");
    ctx.scale(2, 2);
    ctx.drawImage(img, 0, 0, width, height);
    return await new Promise<Blob>((resolve, reject) =>
      canvas.toBlob(
        (b) => (b ? resolve(b) : reject(new Error("PNG encoding failed"))),
        "image/png",
      ),
    );
  } finally {
    URL.revokeObjectURL(url);
  }
}

/** Export buttons for a chart container and its data. */
export function ExportButtons(props: {
  id: string;
  title: string;
  target: () => Element | null;
  data: { columns: readonly string[]; rows: readonly object[] };
  /** Which exports to offer (default all three; a plain table offers CSV only). */
  formats?: readonly ("png" | "svg" | "csv")[];
}) {
  const formats = props.formats ?? ["png", "svg", "csv"];
  const [error, setError] = useState<string | null>(null);
  const run = (f: () => Promise<void> | void) => async () => {
    setError(null);
    try {
      await f();
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    }
  };
  const el = () => {
    const t = props.target();
    if (!t) throw new Error("the chart is not drawn yet");
    return t;
  };
  return (
    <fieldset class="exports">
      <legend class="sr-only">Export {props.title}</legend>
      {formats.includes("png") && (
        <button
          type="button"
          aria-label={`Download ${props.title} as PNG`}
          onClick={run(async () => download(await pngBlob(el()), `${props.id}.png`))}
        >
          PNG
        </button>
      )}
      {formats.includes("svg") && (
        <button
          type="button"
          aria-label={`Download ${props.title} as SVG`}
          onClick={run(() =>
            download(new Blob([svgText(el()).text], { type: "image/svg+xml" }), `${props.id}.svg`),
          )}
        >
          SVG
        </button>
      )}
      {formats.includes("csv") && (
        <button
          type="button"
          aria-label={`Download the data of ${props.title} as CSV`}
          onClick={run(() =>
            download(
              new Blob([toCsv(props.data.columns, props.data.rows)], { type: "text/csv" }),
              `${props.id}.csv`,
            ),
          )}
        >
          CSV
        </button>
      )}
      {error && (
        <span class="error" role="alert">
          {error}
        </span>
      )}
    </fieldset>
  );
}

/** A titled figure drawn by `render`, with PNG, SVG and CSV exports. */
export function Chart(props: ChartProps) {
  const ref = useRef<HTMLDivElement>(null);
  const [width, setWidth] = useState(0);
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const measure = () => setWidth(Math.max(320, Math.floor(el.clientWidth)));
    measure();
    const ro = new ResizeObserver(measure);
    ro.observe(el);
    return () => ro.disconnect();
  }, []);
  useEffect(() => {
    const el = ref.current;
    if (!el || width === 0) return;
    el.replaceChildren(props.render(width));
  }, [width, ...props.deps]);
  const titleId = `${props.id}-title`;
  return (
    <figure class="chart" data-testid={`chart-${props.id}`} aria-labelledby={titleId}>
      <figcaption>
        <h3 id={titleId}>{props.title}</h3>
        {props.description && <p class="description">{props.description}</p>}
      </figcaption>
      {props.children}
      <div class="plot" ref={ref} />
      <ExportButtons
        id={props.id}
        title={props.title}
        target={() => ref.current}
        data={props.data}
      />
    </figure>
  );
}
