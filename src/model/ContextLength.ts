/** ContextLength: reading "the prompt is too long" provider texts (both Responses-style and Chat-style). */

/** True when a provider text says the prompt does not fit the model's context window. */
export const isContextLengthText = (text: string): boolean => /context_length_exceeded|maximum context length/i.test(text)

const count = (digits: string): number => Number(digits.replace(/,/g, ""))

/** The usage a context-length text reports: keys `total_tokens`, `input_tokens`, then `output_tokens`. */
export type ContextLengthUsage = {
  readonly total_tokens: number
  readonly input_tokens: number
  readonly output_tokens?: number
}

/**
 * The token usage a context-length error names ("requested 264,568 tokens (264568 in the
 * messages, 0 in the completion)"), or undefined when the text is not such an error or names no
 * size.
 */
export const contextLengthUsage = (text: string): ContextLengthUsage | undefined => {
  if (!isContextLengthText(text)) return undefined
  const requested = /requested\s+([0-9,]+)\s+tokens/i.exec(text)
  if (requested === null) return undefined
  const total = count(requested[1]!)
  const split = /\(([0-9,]+)\s+in\s+the\s+messages,\s+([0-9,]+)\s+in\s+the\s+completion\)/i.exec(text)
  return split === null
    ? { total_tokens: total, input_tokens: total }
    : { total_tokens: total, input_tokens: count(split[1]!), output_tokens: count(split[2]!) }
}

/** The model's limit from "maximum context length is N tokens", or undefined. */
export const contextLimit = (text: string): number | undefined => {
  const match = /maximum\s+context\s+length\s+is\s+([0-9,]+)\s+tokens/i.exec(text)
  return match === null ? undefined : count(match[1]!)
}
