/** What the doctor tests expect of every report: the checks it runs, in the order it prints them. */
export const CHECK_NAMES = [
  "config",
  "dotenv",
  "provider",
  "api_key",
  "sandbox_bwrap",
  "sandbox_namespaces",
  "sandbox_write",
  "proxy",
  "dns",
  "transport",
  "live"
] as const
