/** Runtime: the JavaScript program each code-mode cell runs under Node, passed with `node -e`. */

/**
 * Reads newline-delimited JSON from standard input (`init` once, then `tool_result`s) and writes
 * one JSON message per line to standard output. The cell source runs as the body of an async
 * function with the helpers as parameters; `console` is undefined inside it and `require` is gone.
 * When standard input ends, the process exits.
 */
export const SOURCE = String.raw`
"use strict";
const readline = require("node:readline");
for (const name of ["require", "module", "exports", "__filename", "__dirname"]) {
  try { delete globalThis[name]; } catch {}
}
const send = (message) => process.stdout.write(JSON.stringify(message) + "\n");
const EXIT = Symbol("exit");
const pending = new Map();
let started = false;
const describe = (value) => {
  if (typeof value === "string") return value;
  if (value === undefined) return "undefined";
  try {
    const json = JSON.stringify(value);
    return json === undefined ? String(value) : json;
  } catch {
    return String(value);
  }
};
const randomHex = () => Math.random().toString(16).slice(2, 10).padEnd(8, "0");
const start = (init) => {
  let stored = (init.stored_values && typeof init.stored_values === "object") ? { ...init.stored_values } : {};
  const text = (value) => { send({ type: "output_text", text: describe(value) }); };
  const image = (value) => {
    if (typeof value === "string") return send({ type: "output_image", image_url: value, detail: null });
    if (value && typeof value === "object" && typeof value.image_url === "string") {
      return send({ type: "output_image", image_url: value.image_url, detail: value.detail ?? null });
    }
    throw new Error("image(...) expects an image URL string or { image_url, detail? }");
  };
  const store = (key, value) => { stored[key] = value; };
  const load = (key) => stored[key];
  const exit = () => { throw EXIT; };
  const yield_control = async () => { send({ type: "yield" }); };
  const tools = {};
  const all = [];
  for (const tool of init.tools || []) {
    all.push(Object.freeze({ name: tool.js_name, description: tool.description }));
    tools[tool.js_name] = (args = {}) => new Promise((resolve, reject) => {
      const id = tool.tool_name + "_" + randomHex();
      pending.set(id, { resolve, reject });
      send({ type: "tool_call", id, tool_name: tool.tool_name, arguments: args });
    });
  }
  const ALL_TOOLS = Object.freeze(all);
  const AsyncFunction = Object.getPrototypeOf(async function () {}).constructor;
  let body;
  const finish = (error) => {
    let error_text = null;
    if (error !== undefined && error !== EXIT) error_text = (error && error.stack) ? String(error.stack) : String(error);
    send({ type: "result", stored_values: stored, error_text });
  };
  try {
    body = new AsyncFunction("tools", "text", "image", "store", "load", "exit", "notify", "ALL_TOOLS", "yield_control", "console", init.source);
  } catch (error) {
    return finish(error);
  }
  body(tools, text, image, store, load, exit, text, ALL_TOOLS, yield_control, undefined).then(() => finish(), finish);
};
const lines = readline.createInterface({ input: process.stdin });
lines.on("line", (line) => {
  if (line.trim() === "") return;
  let message;
  try { message = JSON.parse(line); } catch { return; }
  if (message.type === "init") {
    if (started) return;
    started = true;
    start(message);
  } else if (message.type === "tool_result") {
    const waiter = pending.get(message.id);
    if (waiter === undefined) return;
    pending.delete(message.id);
    if (message.ok) waiter.resolve(message.result);
    else waiter.reject(new Error(message.error || "nested tool failed"));
  }
});
lines.on("close", () => process.exit(0));
`
