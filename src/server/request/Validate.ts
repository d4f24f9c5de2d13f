/** Validate: the checks an inbound `/responses` body passes before anything is translated. */
import { Either } from "effect"
import { InvalidRequest, UnsupportedFeature } from "./RequestErrors.js"
import { isRecord, text } from "./Values.js"

/** Parse the raw body text; the message keeps the parser's own explanation. */
export const parseRequestBody = (body: string): Either.Either<unknown, InvalidRequest> => {
  try {
    return Either.right(JSON.parse(body) as unknown)
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error)
    return Either.left(new InvalidRequest({ message: `invalid JSON body: ${reason}` }))
  }
}

/** The body must be a JSON object. */
export const requireObject = (value: unknown): Either.Either<Record<string, unknown>, InvalidRequest> =>
  isRecord(value)
    ? Either.right(value)
    : Either.left(new InvalidRequest({ message: "request body must be a JSON object" }))

/** The model id of a request: its text, trimmed (a null model counts as missing). */
export const requestModel = (body: Readonly<Record<string, unknown>>): string => text(body.model).trim()

/** A model must be named, and only streaming requests are served (an absent `stream` means streaming). */
export const checkHeader = (body: Readonly<Record<string, unknown>>): Either.Either<string, UnsupportedFeature> => {
  const model = requestModel(body)
  if (model === "") return Either.left(new UnsupportedFeature({ message: "incomming request is missing `model`" }))
  if (Object.prototype.hasOwnProperty.call(body, "stream") && body.stream !== true) {
    return Either.left(new UnsupportedFeature({ message: "only streaming incomming `/responses` requests are supported" }))
  }
  return Either.right(model)
}
