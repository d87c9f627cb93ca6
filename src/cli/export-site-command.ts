import { extname, join } from "node:path";
import type { Command } from "commander";
import { InputError } from "../core/errors.ts";
import { writeDirAtomic, writeFileAtomic } from "../io/write.ts";
import { discoverStudies } from "../server/studies.ts";
import { WEB_ROOT } from "./serve-command.ts";

interface ExportSiteOptions {
  run: string;
  out?: string;
  json?: boolean;
}

const size = (bytes: number) =>
  bytes >= 1024 * 1024
    ? `${(bytes / 1024 / 1024).toFixed(1)} MB`
    : `${Math.max(1, Math.round(bytes / 1024))} kB`;

async function runExportSite(dir: string, o: ExportSiteOptions): Promise<void> {
  if (o.out !== undefined && o.out.trim() === "")
    throw new InputError("--out needs a folder (or a file name ending in .zip)");
  const studies = discoverStudies(dir);
  if (studies.length !== 1)
    throw new InputError(
      `${dir} holds ${studies.length} studies (${studies.map((s) => s.id).join(", ")}): name one study folder`,
    );
  const t0 = performance.now();
  const { staticSite, zipSite } = await import("../server/export-site.ts");
  const site = await staticSite(studies[0]!, o.run, WEB_ROOT);
  const out = o.out ?? join(dir, "reports", `site-${site.run}`);
  const zip = extname(out).toLowerCase() === ".zip";
  let bytes = 0;
  for (const b of site.files.values()) bytes += b.byteLength;
  if (zip) {
    const z = zipSite(site, `${site.study}-${site.run}`);
    bytes = z.byteLength;
    await writeFileAtomic(out, z);
  } else await writeDirAtomic(out, Object.fromEntries(site.files));
  const ms = Math.round(performance.now() - t0);
  if (o.json) {
    process.stdout.write(
      `${JSON.stringify({ study: site.study, run: site.run, out, zip, files: site.files.size, bytes, ms, synthetic: site.synthetic })}\n`,
    );
    return;
  }
  process.stdout.write(
    `Wrote ${out} (${zip ? "zip" : "folder"}, ${site.files.size} files, ${size(bytes)}, ${ms} ms): a read-only dashboard of run ${site.run} of ${site.study}${site.synthetic ? " (SYNTHETIC DATA)" : ""}; put it on any web server\n`,
  );
}

/** `softpower export-site`: a static, read-only dashboard of one run for any web server. */
export function registerExportSiteCommand(program: Command): void {
  program
    .command("export-site")
    .description(
      "Write a static, read-only copy of the dashboard for one run (the run's tables as JSON files), for any web server",
    )
    .argument("[dir]", "study folder", ".")
    .option("--run <id>", 'run id, unique prefix of one, "latest" or "previous"', "latest")
    .option(
      "--out <path>",
      "output folder, or a .zip file (default: DIR/reports/site-<run-id>/; an existing folder is replaced)",
    )
    .option("--json", "print a machine-readable summary")
    .addHelpText(
      "after",
      "\nExamples:\n  softpower export-site examples/demo\n  softpower export-site examples/demo --out demo-site.zip\n\nServe the folder with any static server (browsers do not fetch from file://), e.g.\n  python3 -m http.server --directory examples/demo/reports/site-<run-id>",
    )
    .action((dir: string, o: ExportSiteOptions) => runExportSite(dir, o));
}
