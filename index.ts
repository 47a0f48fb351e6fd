/**
 * The public surface of NanoFlux for plug-in authors and library users. Everything else is internal.
 */
export { type AgentSpec, defineAgent } from "./agents/define-agent.ts";
export type { AgentContext, AgentDefinition, AgentInstance, StageHandler } from "./agents/definition.ts";
export {
  AnswerSubmitted,
  DeadLetter,
  Heartbeat,
  QuestionProposed,
  QuestionScreened,
  RoundClosed,
  RoundOpened,
  RunCompleted,
  RunEvent,
  RunStarted,
  VerdictIssued,
} from "./bus/messages.ts";
export {
  heartbeatSubject,
  parseRunSubject,
  runEventsSubject,
  runStageSubject,
  STAGES,
} from "./bus/subjects.ts";
export { loadTopology, parseTopology } from "./config/load.ts";
export { Topology } from "./config/topology.ts";
export { ConfigError, ModelError, NanofluxError, SystemError } from "./core/errors.ts";
export { Answer, NoveltyReport, Question, RoundSpec, Sample, TokenUsage, Verdict } from "./core/schemas.ts";
export type { ChatModel, StructuredRequest, StructuredResult } from "./llm/chat-model.ts";
export { closeRound, type Emission, type StageInput, type StageOutput } from "./machines/emission.ts";
