/** Tests of portable mode's specs: base58, storage-server resolution, put and call addresses. */
import { expect, it } from "@effect/vitest"
import { Effect } from "effect"
import * as Environment from "../../src/config/Environment.js"
import * as Base58 from "../../src/portable/Base58.js"
import * as Crypto from "../../src/portable/Crypto.js"
import { parseCallSpec, parsePutSpec, resolveServer } from "../../src/portable/Specs.js"
import * as Zip from "../../src/portable/Zip.js"

const env = (vars: Record<string, string> = {}) => Environment.fromRecord(vars)

it("base58 keeps leading zero bytes and maps zero to 1", () => {
  expect(Base58.encode(new Uint8Array([]))).toBe("1")
  expect(Base58.encode(new Uint8Array([0, 0, 1]))).toBe("112")
  expect(Base58.encode(new Uint8Array([0x00, 0x01, 0x09, 0x66, 0x77]))).toBe("12Y9Qz")
  expect(Base58.encode(new TextEncoder().encode("hello world"))).toBe("StV1DL6CwTryKyV")
  expect(Base58.isBase58("../x")).toBe(false)
})

it.effect("storage servers resolve from the input, the environment, or the default", () =>
  Effect.gen(function* () {
    expect(yield* resolveServer("", env())).toEqual({
      address: "127.0.0.1:5577", origin: "http://127.0.0.1:5577", base: "http://127.0.0.1:5577/v1/storage"
    })
    expect((yield* resolveServer("", env({ PYCODEX_STORAGE_SERVER: " 10.0.0.1:80 " }))).address).toBe("10.0.0.1:80")
    expect((yield* resolveServer("", env({ TSCODEX_STORAGE_SERVER: "a:1", PYCODEX_STORAGE_SERVER: "b:2" }))).address).toBe("a:1")
    expect(yield* resolveServer("https://store.example.com:8443/ignored/path", env())).toEqual({
      address: "store.example.com:8443",
      origin: "https://store.example.com:8443",
      base: "https://store.example.com:8443/v1/storage"
    })
    expect((yield* Effect.flip(resolveServer("host/path", env()))).message).toBe("invalid storage server: host/path")
    expect((yield* Effect.flip(resolveServer("http://", env()))).message).toBe("invalid storage server: http://")
  }))

it.effect("put and call specs split at the last @ with exact messages", () =>
  Effect.gen(function* () {
    expect(yield* parsePutSpec("")).toEqual({ source: "", server: "" })
    expect(yield* parsePutSpec("@127.0.0.1:5577")).toEqual({ source: "", server: "127.0.0.1:5577" })
    expect(yield* parsePutSpec("/data/a@b/.codex/@h:1")).toEqual({ source: "/data/a@b/.codex/", server: "h:1" })
    expect(yield* parsePutSpec("/data/.codex")).toEqual({ source: "/data/.codex", server: "" })
    expect((yield* Effect.flip(parsePutSpec("@ "))).message).toBe("put spec is missing server after @")
    expect((yield* Effect.flip(parsePutSpec("/x@"))).message).toBe("put spec is missing server after @")
    expect(yield* parseCallSpec(" s-e-cret-ID@h:1 ")).toEqual({ secret: "s-e-cret", callId: "ID", server: "h:1" })
    expect(yield* parseCallSpec("s-ID@")).toEqual({ secret: "s", callId: "ID", server: "" })
    expect((yield* Effect.flip(parseCallSpec("s-@h"))).message).toBe("call spec is missing secret or call_id")
  }))

it.effect("zip entries and encrypted payloads round-trip; tampering is detected", () =>
  Effect.gen(function* () {
    const entries = [
      { name: "config.toml", data: new TextEncoder().encode("model = \"m\"\n") },
      { name: "skills/中文/SKILL.md", data: new TextEncoder().encode("≤ — 你好") }
    ]
    const zip = yield* Zip.write(entries)
    expect(Buffer.from(zip.subarray(0, 2)).toString("latin1")).toBe("PK")
    expect(yield* Zip.read(zip)).toEqual(entries)
    expect((yield* Effect.flip(Zip.read(new Uint8Array([1, 2, 3])))).message).toBe("decrypted bundle is not a valid zip archive")
    const payload = yield* Crypto.encrypt(zip, "secret")
    expect(payload.length).toBe(4 + 12 + zip.length + 16)
    expect(yield* Crypto.decrypt(payload, "secret")).toEqual(zip)
    const tampered = Uint8Array.from(payload)
    tampered[20] = tampered[20]! ^ 1
    expect((yield* Effect.flip(Crypto.decrypt(tampered, "secret"))).message).toBe("call secret is invalid or bundle is corrupted")
    expect((yield* Effect.flip(Crypto.decrypt(zip, "secret"))).message).toBe("stored bundle is not a recognized encrypted payload")
  }))
