import { access, mkdir } from "node:fs/promises";
import { basename, join, relative, resolve } from "node:path";
import type { Command } from "commander";
import { InputError } from "../core/errors.ts";
import { writeFileAtomic } from "../io/write.ts";
import { buildStudy } from "../study/build.ts";
import { loadStudy, STUDY_FILE } from "../study/load.ts";
import { studyJsonSchema } from "../study/schema.ts";

/** `softpower init` and `softpower build`: a study folder from scaffold to stored run. */
export function registerStudyCommands(program: Command): void {
  program
    .command("init")
    .description("Create a study folder: a commented study.yaml and a data folder")
    .argument("<dir>", "folder to create (must not hold a study.yaml yet)")
    .option("--name <name>", "study name", "")
    .action(async (dir: string, o: { name: string }) => runInit(dir, o.name));
  program
    .command("build")
    .description(
      "Validate a study, run every engine it configures, store the run in DIR/.softpower/study.duckdb and export DIR/out",
    )
    .argument("[dir]", "study folder", ".")
    .option("--threads <n>", 'worker threads, or "auto" (overrides study.yaml)')
    .option("--check", "only validate study.yaml and its files")
    .option("--json", "print a machine-readable summary")
    .option(
      "--progress-json",
      "print one JSON line per stage start and end, then the run id (for the workbench)",
    )
    .addHelpText("after", "\nExample:\n  softpower build examples/demo")
    .action(
      async (
        dir: string,
        o: { threads?: string; check?: boolean; json?: boolean; progressJson?: boolean },
      ) => runBuild(dir, o),
    );
  program
    .command("schema")
    .description("Print the JSON Schema of study.yaml (for editors)")
    .action(() => {
      process.stdout.write(`${JSON.stringify(studyJsonSchema(), null, 2)}\n`);
    });
}

async function runBuild(
  dir: string,
  o: { threads?: string; check?: boolean; json?: boolean; progressJson?: boolean },
): Promise<void> {
  if (o.progressJson) o.json = true;
  const progress = (e: object) => {
    if (o.progressJson) process.stdout.write(`${JSON.stringify({ ...e, at: Date.now() })}\n`);
  };
  let threads: number | "auto" | undefined;
  if (o.threads !== undefined) {
    threads = o.threads === "auto" ? "auto" : Number(o.threads);
    if (threads !== "auto" && !(Number.isInteger(threads) && threads >= 1))
      throw new InputError(`--threads must be a positive integer or "auto", got "${o.threads}"`);
  }
  const study = await loadStudy(dir);
  if (o.check) {
    process.stdout.write(
      `${STUDY_FILE} is valid: ${study.config.name} (${study.files.length} files)\n`,
    );
    return;
  }
  const log = (s: string) => {
    if (!o.json) process.stdout.write(s);
  };
  log(
    `Building "${study.config.name}"${study.config.synthetic ? " (SYNTHETIC DATA)" : ""} in ${dir}\n`,
  );
  progress({ event: "loaded", files: study.files.length });
  const r = await buildStudy(study, {
    threads,
    onStage: (e) => {
      progress({ event: "stage", ...e });
      if (e.status === "done")
        log(
          `  [${e.index}/${e.total}] ${e.stage.padEnd(9)} ${String(e.ms).padStart(6)} ms${e.detail ? `  ${e.detail}` : ""}\n`,
        );
    },
  });
  const tables = Object.keys(r.run.tables);
  if (o.progressJson) {
    progress({ event: "done", run: r.run.id, tables: tables.length });
    return;
  }
  if (o.json) {
    process.stdout.write(
      `${JSON.stringify({ run: r.run.id, db: r.dbPath, out: r.outDir, tables, timings: r.run.timings })}\n`,
    );
    return;
  }
  const findings = r.run.tables.findings?.rows ?? [];
  log(
    `  store ${r.storeMs} ms, export ${r.exportMs} ms\nRun ${r.run.id}: ${tables.length} tables in ${relative(process.cwd(), r.dbPath) || r.dbPath}; exported to ${relative(process.cwd(), r.outDir) || r.outDir}\n`,
  );
  const scores = r.run.tables.index_scores;
  if (scores?.rows.length) {
    const col = (c: string) => scores.columns.indexOf(c);
    const [u, n, sc, rk, lo, hi] = ["uCode", "uName", "score", "rank", "rank_q05", "rank_q95"].map(
      col,
    );
    log(
      `\nIndex (top 10 of ${scores.rows.length}${lo! >= 0 && scores.rows[0]![lo!] !== null ? "; 5-95% rank interval" : ""}):\n`,
    );
    for (const row of scores.rows.slice(0, 10)) {
      const interval =
        row[lo!] !== null && row[lo!] !== undefined ? `  [${row[lo!]}-${row[hi!]}]` : "";
      log(
        `  ${String(row[rk!]).padStart(3)}  ${String(row[u!]).padEnd(4)} ${String(row[n!] ?? "")
          .padEnd(22)
          .slice(0, 22)} ${Number(row[sc!]).toFixed(1).padStart(6)}${interval}\n`,
      );
    }
  }
  if (findings.length) {
    log("\nFindings:\n");
    for (const f of findings.slice(0, 12)) log(`  - ${f[2]}\n`);
    if (findings.length > 12) log(`  ... ${findings.length - 12} more in out/findings.csv\n`);
  }
}

async function runInit(dir: string, name: string): Promise<void> {
  const root = resolve(dir);
  const file = join(root, STUDY_FILE);
  try {
    await access(file);
    throw new InputError(`${file} exists; init does not overwrite a study`);
  } catch (e) {
    if (e instanceof InputError) throw e;
  }
  await mkdir(join(root, "data"), { recursive: true });
  await writeFileAtomic(file, studyTemplate(name || basename(root)));
  await writeFileAtomic(
    join(root, "data", "README.md"),
    "# Data\n\nPut the study's data files here (CSV, XLSX, SPSS .sav, JSONL corpora) and point study.yaml at them.\nFiles are read in place and never modified; each run records their SHA-256.\n",
  );
  await writeFileAtomic(join(root, ".gitignore"), ".softpower/\nout\n");
  process.stdout.write(
    `Created ${relative(process.cwd(), file) || file}\nNext: put your data in ${join(dir, "data")}, uncomment the sections you need, then run:\n  softpower build ${dir}\n`,
  );
}

/** A commented study.yaml that validates as it is (only name and targets are required). */
export function studyTemplate(name: string): string {
  return `# yaml-language-server: $schema=https://softpower.dev/schema/study.json
# A soft power study. Paths are relative to this folder. Run: softpower build <this folder>
name: ${JSON.stringify(name)}
# description: What this study measures and for whom.
# synthetic: false          # true labels every output as synthetic data

# ISO3 codes of the countries whose soft power is measured, and of the surveyed publics.
targets: [USA, CHN]
audiences: []
seed: 1

# --- Composite index (COINr conventions) ---------------------------------------------
# index:
#   meta: data/iMeta.csv            # Level, iCode, iName, Direction, Weight, Parent, Type...
#   data: data/iData.csv            # uCode, uName, one column per indicator
#   # or: sources: sources.yaml     # long/wide indicator tables read in place
#   # year: 2013
#   pipeline: pipeline.json         # impute/screen/treat/normalise/aggregate (default: COINr's)
#   uncertainty:                    # Monte Carlo ranks (or type: sobol)
#     type: uncertainty
#     runs: 500
#     factors:
#       - { name: Weights, noise: { levels: [2], factor: 0.25 } }
#       - { name: Aggregation, step: aggregate, param: method, values: [a_amean, a_gmean] }

# --- Survey perceptions (R survey conventions) ----------------------------------------
# survey:
#   data: data/survey.csv           # or .sav
#   design: { ids: [psu], strata: stratum, weights: weight, nest: true }
#   ratings: data/ratings.json      # audience variable, rating items, segments
#   # wave: wave                    # estimate per wave

# --- Key drivers ----------------------------------------------------------------------
# drivers:
#   - name: fav_chn
#     target: CHN
#     outcome: chn_fav
#     predictors: [chn_economy, chn_science, chn_technology, chn_culture]
#     methods: [lmg]
#     bootstrap: 200
#     # by: wave                    # compare waves

# --- News tone ------------------------------------------------------------------------
# media:
#   corpus: data/news.jsonl         # CSV, JSONL or a folder of them
#   period: month
#   bias:
#     - { group: outlet_country=GBR, target: CHN, compare: [USA] }

# --- Pillars built from the study ------------------------------------------------------
# polling:                          # survey perceptions as an index pillar
#   pillar: Polling
#   attributes: [favourability]
#   audience_weights: equal
# tech:                             # company signals in the technology pillar
#   pillar: Tech
`;
}
