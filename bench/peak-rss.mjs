// Preloaded into a benchmarked child process (node --import): at exit, reports the whole
// process's peak resident set (all threads; getrusage ru_maxrss) and CPU time on stderr.
import { writeSync } from "node:fs";

process.on("exit", () => {
  const u = process.resourceUsage();
  writeSync(
    2,
    `\nsoftpower-bench maxrss_kib=${u.maxRSS} cpu_us=${u.userCPUTime + u.systemCPUTime}\n`,
  );
});
