/**
 * The world map: one shape per country with data (a path from world-atlas' 110m countries, or a
 * dot at the country's centre for the few too small for that scale), coloured by value; the
 * other countries in grey.
 */
import * as Plot from "@observablehq/plot";
import { geoEqualEarth, geoPath } from "d3-geo";
import type { Feature, FeatureCollection, Geometry } from "geojson";
import { useEffect, useMemo, useRef } from "preact/hooks";
import { feature } from "topojson-client";
import type { Topology } from "topojson-specification";
import atlas from "world-atlas/countries-110m.json";
import { countryCentre, countryName, iso3OfNumeric } from "./countries.ts";
import { NO_DATA, SEQUENTIAL } from "./palette.ts";

type Country = Feature<Geometry, { name: string }> & { iso3?: string };

let countries: Country[] | undefined;

/** The atlas' countries (without Antarctica) with their ISO3 codes, parsed once. */
function atlasCountries(): Country[] {
  if (!countries) {
    const topo = atlas as unknown as Topology;
    const fc = feature(topo, topo.objects.countries!) as unknown as FeatureCollection<
      Geometry,
      { name: string }
    >;
    countries = fc.features
      .filter((f) => f.id !== "010")
      .map((f) => ({ ...f, iso3: iso3OfNumeric(f.id as string | undefined) }));
  }
  return countries;
}

export interface MapProps {
  /** Value per ISO3 code (countries with data). */
  values: ReadonlyMap<string, number>;
  /** Extra text per country for its label (e.g. "rank 3"). */
  detail?: (iso3: string) => string;
  label: string;
  selected?: string;
  onSelect?: (iso3: string) => void;
  width: number;
}

/** The choropleth as an SVG element tree (Preact), with a colour legend drawn by Plot. */
export function WorldMap(props: MapProps) {
  const { values, width } = props;
  const height = Math.round(width * 0.49);
  const legendRef = useRef<HTMLDivElement>(null);
  const vals = [...values.values()].filter(Number.isFinite);
  const domain: [number, number] = vals.length ? [Math.min(...vals), Math.max(...vals)] : [0, 1];
  const colour = useMemo(
    () => Plot.scale({ color: { type: "linear", scheme: SEQUENTIAL, domain } }),
    [domain[0], domain[1]],
  );
  useEffect(() => {
    legendRef.current?.replaceChildren(
      Plot.legend({
        color: { type: "linear", scheme: SEQUENTIAL, domain, label: props.label },
        width: Math.min(320, width),
      }),
    );
  }, [domain[0], domain[1], props.label, width]);
  const projection = useMemo(() => {
    const p = geoEqualEarth();
    p.fitSize([width - 2, height - 2], { type: "Sphere" });
    p.translate([width / 2, height / 2]);
    return p;
  }, [width, height]);
  const path = geoPath(projection);
  const shown = new Set<string>();
  const label = (iso3: string) => {
    const v = values.get(iso3);
    const extra = props.detail?.(iso3);
    return `${countryName(iso3)}: ${v === undefined || !Number.isFinite(v) ? "no data" : v.toFixed(1)}${extra ? `, ${extra}` : ""}`;
  };
  // Shapes with data are buttons: focusable, labelled, Enter or Space selects.
  const interactive = (iso3: string) => ({
    role: "button" as const,
    tabIndex: 0,
    "aria-label": label(iso3),
    "aria-pressed": props.selected === iso3,
    onClick: () => props.onSelect?.(iso3),
    onKeyDown: (e: KeyboardEvent) => {
      if (e.key === "Enter" || e.key === " ") {
        e.preventDefault();
        props.onSelect?.(iso3);
      }
    },
  });
  const shapes = atlasCountries().map((f, i) => {
    const iso3 = f.iso3;
    const d = path(f) ?? undefined;
    const v = iso3 === undefined ? undefined : values.get(iso3);
    if (iso3 !== undefined && v !== undefined && !shown.has(iso3)) {
      shown.add(iso3);
      return (
        <path
          key={iso3}
          d={d}
          class={`country has-data${props.selected === iso3 ? " selected" : ""}`}
          data-iso3={iso3}
          fill={Number.isFinite(v) ? String(colour.apply(v)) : NO_DATA}
          {...interactive(iso3)}
        >
          <title>{label(iso3)}</title>
        </path>
      );
    }
    return (
      <path key={`n${i}`} d={d} class="country no-data" fill={NO_DATA}>
        <title>{`${f.properties?.name ?? iso3 ?? ""}: no data`}</title>
      </path>
    );
  });
  // Countries with data that the 110m atlas does not draw (small states): a dot at their centre.
  const dots = [...values.keys()]
    .filter((iso3) => !shown.has(iso3))
    .map((iso3) => {
      const c = countryCentre(iso3);
      const xy = c ? projection(c) : null;
      if (!xy) return null;
      const v = values.get(iso3)!;
      return (
        <circle
          key={iso3}
          cx={xy[0]}
          cy={xy[1]}
          r={4}
          class={`country has-data dot${props.selected === iso3 ? " selected" : ""}`}
          data-iso3={iso3}
          fill={Number.isFinite(v) ? String(colour.apply(v)) : NO_DATA}
          {...interactive(iso3)}
        >
          <title>{label(iso3)}</title>
        </circle>
      );
    });
  return (
    <div class="map">
      <div class="legend" ref={legendRef} />
      <svg
        class="world"
        width={width}
        height={height}
        viewBox={`0 0 ${width} ${height}`}
        role="img"
        aria-label={`World map of ${props.label}; countries without data in grey`}
      >
        <path
          class="sphere"
          d={path({ type: "Sphere" }) ?? undefined}
          fill="#f4f8fb"
          stroke="#c8d3dc"
        />
        <g stroke="#ffffff" stroke-width={0.5}>
          {shapes}
          {dots}
        </g>
      </svg>
    </div>
  );
}

/** Countries with data the map cannot place at all (no shape and no known centre). */
export function unplaced(values: ReadonlyMap<string, number>): string[] {
  const drawn = new Set(atlasCountries().map((f) => f.iso3));
  return [...values.keys()].filter((k) => !drawn.has(k) && !countryCentre(k));
}
