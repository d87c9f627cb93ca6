# R survey's times for bench/survey.ts (R_TIMES), on the inputs bench/survey-r-inputs.ts writes:
#   node --import tsx bench/survey-r-inputs.ts /tmp/softpower-survey-r
#   Rscript bench/survey-r-timing.R /tmp/softpower-survey-r >> /tmp/softpower-survey-r/times.csv
# One run times every configuration once (elapsed seconds); run it 3 times alternated with the
# bench and take medians. Data loading (read.csv) is outside the timings.
suppressMessages(library(survey))
dir <- commandArgs(trailingOnly = TRUE)[1]
configs <- read.csv(file.path(dir, "configs.csv"), stringsAsFactors = FALSE)
el <- function() proc.time()[["elapsed"]]
for (k in seq_len(nrow(configs))) {
  cf <- configs[k, ]
  df <- read.csv(file.path(dir, cf$file))
  df$region <- factor(df$region)
  design_of <- function() {
    if (cf$strata > 1) svydesign(ids = ~psu, strata = ~stratum, weights = ~weight, data = df)
    else svydesign(ids = ~psu, weights = ~weight, data = df)
  }
  if (cf$kind == "replicates") {
    if (cf$type == "supplied") {
      W <- weights(as.svrepdesign(design_of(), type = "JK1", compress = FALSE), "analysis")
      t0 <- el()
      r <- svrepdesign(data = df, repweights = W, weights = ~weight, type = "JK1",
                       combined.weights = TRUE)
    } else {
      t0 <- el()
      d <- design_of()
      r <- if (cf$type == "bootstrap") as.svrepdesign(d, type = "bootstrap", replicates = cf$count)
           else as.svrepdesign(d, type = cf$type)
    }
    t1 <- el()
    m <- svymean(~rating, r)
    tt <- svytotal(~rating, r)
    bm <- svyby(~rating, ~region, r, svymean)
    bt <- svyby(~rating, ~region, r, svytotal)
    t2 <- el()
    cat(sprintf("replicates,%s,%.3f,%.3f,%.10g\n", cf$name, t1 - t0, t2 - t1, SE(m)[[1]]))
  } else {
    t0 <- el()
    d <- design_of()
    q <- svyby(~income, ~region, d, svyquantile, quantiles = c(0.25, 0.5, 0.75), ci = TRUE)
    t1 <- el()
    cat(sprintf("quantiles,%s,%.3f,0,%.10g\n", cf$name, t1 - t0, coef(q)[[1]]))
  }
  rm(df)
  invisible(gc())
}
