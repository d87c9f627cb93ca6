/** [ccn3, cca3, common name, longitude, latitude] per country (see web/vite.config.ts). */
declare module "virtual:countries" {
  const rows: [string, string, string, number, number][];
  export default rows;
}

/** src/core/errors.ts names this Node type; the browser build only needs its shape. */
declare namespace NodeJS {
  interface ErrnoException extends Error {
    code?: string;
  }
}
