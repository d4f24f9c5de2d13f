/** tscodex/session: rollout files (writing, reading, listing) and the SessionRecorder the loop appends to. */
export * as RolloutReader from "./RolloutReader.js"
export * as RolloutStore from "./RolloutStore.js"
export * as SessionList from "./SessionList.js"
export * as SessionRecorder from "./SessionRecorder.js"
