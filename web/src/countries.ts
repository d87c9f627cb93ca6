/** Country codes and names (world-countries, reduced at build time to what the map needs). */
import rows from "virtual:countries";

const byCcn3 = new Map<string, string>();
const names = new Map<string, string>();
const centres = new Map<string, [number, number]>();
for (const [ccn3, cca3, name, lon, lat] of rows) {
  if (ccn3) byCcn3.set(ccn3, cca3);
  names.set(cca3, name);
  centres.set(cca3, [lon, lat]);
}

/** ISO 3166 alpha-3 code of a numeric code (world-atlas feature ids), if known. */
export function iso3OfNumeric(ccn3: string | number | undefined): string | undefined {
  if (ccn3 === undefined) return undefined;
  return byCcn3.get(String(ccn3).padStart(3, "0"));
}

/** A country's common name, or the code itself when unknown (e.g. a company or a region). */
export function countryName(code: string): string {
  return names.get(code) ?? code;
}

/** A country's centre as [longitude, latitude], if known. */
export function countryCentre(iso3: string): [number, number] | undefined {
  return centres.get(iso3);
}
