import { z } from "zod";

/**
 * The field map of a corpus (`--fields map.json`): which column (CSV header, JSONL key) holds
 * each field, constants, fields taken from file names, and the country of each outlet.
 *
 * @example {"fields": {"date": "Date Published", "title": "Title", "text": "Article", "outlet": "Source"},
 *           "outlet_country": {"BBC": "GBR", "Daily Mail": "GBR"}}
 */
export const FieldMapSchema = z
  .object({
    /** Column names for header-less CSV files. */
    columns: z.array(z.string()).optional(),
    fields: z
      .object({
        id: z.string().optional(),
        date: z.string().optional(),
        outlet: z.string().optional(),
        outlet_country: z.string().optional(),
        title: z.string().optional(),
        text: z.string().optional(),
      })
      .strict()
      .default({}),
    /** Values for every article, e.g. {"outlet": "New York Times", "outlet_country": "USA"}. */
    constants: z.record(z.string(), z.string()).default({}),
    /** A regular expression with named groups (outlet, section, ...) applied to each file name. */
    filename: z.string().optional(),
    /** Outlet → ISO3 country of the outlet. */
    outlet_country: z.record(z.string(), z.string().regex(/^[A-Z]{3}$/)).default({}),
    /**
     * Fields that identify an article: repeats (e.g. the same headline in several scrapes) are
     * skipped and counted. Keeps one key per distinct article in memory.
     */
    dedupe: z.array(z.enum(["id", "date", "outlet", "title", "text"])).optional(),
  })
  .strict();

export type FieldMap = z.infer<typeof FieldMapSchema>;

/** One article as the scorer sees it. */
export interface Article {
  id: string;
  date: string;
  outlet: string;
  outlet_country: string;
  title: string;
  text: string;
  /** Where it came from, for messages: file and line. */
  source: string;
}
