/**
 * The PDF report: the HTML document printed by headless Chromium (playwright-core driving the
 * system's Chromium), A4, page numbers and the run id in the footer ("Synthetic data" too when the
 * run is synthetic), charts and table rows kept whole (`break-inside: avoid` in the HTML's CSS).
 * Every network request is refused, so the PDF can only show what the HTML holds.
 */
import { existsSync } from "node:fs";
import { InputError } from "../core/errors.ts";
import { esc } from "./format.ts";

/** Where Chromium is looked for when CHROMIUM_PATH is not set. */
const CANDIDATES = [
  "/usr/bin/chromium",
  "/usr/bin/chromium-browser",
  "/usr/bin/google-chrome",
  "/usr/bin/google-chrome-stable",
];

/** The Chromium executable: $CHROMIUM_PATH, else the first of the usual system paths found. */
export function chromiumPath(): string {
  const env = process.env.CHROMIUM_PATH;
  if (env) {
    if (!existsSync(env)) throw new InputError(`CHROMIUM_PATH=${env}: no such file`);
    return env;
  }
  const found = CANDIDATES.find((p) => existsSync(p));
  if (!found)
    throw new InputError(
      `PDF output needs Chromium: none found at ${CANDIDATES.join(", ")}; install it (Debian: apt-get install chromium) or set CHROMIUM_PATH`,
    );
  return found;
}

export interface PdfOptions {
  /** Footer text left of the page number (e.g. the study and run id). */
  footer: string;
  /** Adds "Synthetic data" to every page's footer. */
  synthetic?: boolean;
}

/**
 * Prints `html` to an A4 PDF with Chromium. Takes about a second (mostly Chromium's start).
 *
 * @throws InputError when no Chromium is installed.
 */
export async function renderPdf(html: string, o: PdfOptions): Promise<Buffer> {
  const { chromium } = await import("playwright-core");
  const browser = await chromium.launch({
    executablePath: chromiumPath(),
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
    ],
  });
  try {
    const page = await browser.newPage({ javaScriptEnabled: false });
    // The document is self-contained: anything it would fetch is a bug, so refuse it.
    await page.route("**/*", (route) => route.abort());
    await page.setContent(html, { waitUntil: "load" });
    await page.emulateMedia({ media: "print" });
    const flag = o.synthetic
      ? '<span style="color:#D55E00;font-weight:bold">Synthetic data</span> · '
      : "";
    return await page.pdf({
      format: "A4",
      printBackground: true,
      preferCSSPageSize: true,
      displayHeaderFooter: true,
      headerTemplate: "<span></span>",
      footerTemplate: `<div style="font-size:8px;font-family:'Liberation Sans',Arial,sans-serif;color:#555;width:100%;padding:0 14mm;display:flex;justify-content:space-between"><span>${flag}${esc(o.footer)}</span><span>Page <span class="pageNumber"></span> of <span class="totalPages"></span></span></div>`,
      margin: { top: "16mm", bottom: "18mm", left: "14mm", right: "14mm" },
      tagged: true,
      outline: true,
    });
  } finally {
    // Playwright gives the browser a fresh temporary profile and removes it on close.
    await browser.close();
  }
}
