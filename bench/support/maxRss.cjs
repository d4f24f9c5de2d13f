// Preloaded into a benchmarked process: writes its peak RSS (KiB) to the file named by the
// environment variable TSCODEX_BENCH_RSS_FILE when it exits.
const fs = require("node:fs")
const target = process.env.TSCODEX_BENCH_RSS_FILE
if (target) process.on("exit", () => fs.writeFileSync(target, String(process.resourceUsage().maxRSS)))
