// Preloaded into a child node process: records every module it requires into $TSCODEX_TEST_REQUIRES_OUT at exit.
const Module = require("node:module")
const requested = new Set()
const load = Module._load
Module._load = function (request, ...rest) {
  requested.add(request)
  return load.call(this, request, ...rest)
}
process.on("exit", () => require("node:fs").writeFileSync(process.env.TSCODEX_TEST_REQUIRES_OUT, [...requested].join("\n")))
