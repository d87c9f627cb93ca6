import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";

/**
 * An error the API answers with: its status code and a message for the client, sent as
 * `{ "error": message }`. Messages name the parameter at fault and what would be valid.
 */
export class ApiError extends HTTPException {
  override readonly name = "ApiError";
  constructor(
    status: ContentfulStatusCode,
    message: string,
    /** Extra response headers (e.g. `Allow` on a 405, `Retry-After` on a 503). */
    readonly headers: Record<string, string> = {},
  ) {
    super(status, { message });
  }
}

/** 400: a path or query parameter is not valid. */
export const badRequest = (message: string) => new ApiError(400, message);

/** 404: the study, run, table or file does not exist. */
export const notFound = (message: string) => new ApiError(404, message);
