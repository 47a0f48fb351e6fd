/**
 * The public surface of NanoFlux for plug-in authors and library users. Everything else is internal. Importing it
 * starts nothing: no logger, server or run exists until a function is called.
 */

export {
  DEMO_TOPOLOGY,
  type GenerateOptions,
  generate,
  type RunHandle,
  type RunOutcome,
  type RunTopologyOptions,
  runTopology,
} from "./api/run-topology.ts";
export { loadTopology, parseTopology, TopologyError } from "./config/load.ts";
export { Topology } from "./config/topology.ts";
export { type AgentSpec, defineAgent, stage } from "./host/define-agent.ts";
export type {
  AgentContext,
  AgentDefinition,
  AgentEntry,
  AgentParts,
  ConsumedStage,
  Consumes,
  Produces,
  Routes,
  RunEvents,
  RunSettings,
  RunState,
  SharedDocument,
  StageFunction,
  StageHandling,
  StageMachine,
  StageSettings,
  StateKey,
  Stop,
} from "./host/definition.ts";
export type { ChatModel, StructuredRequest, StructuredResult } from "./llm/chat-model.ts";
export { createLogger, type Logger, type LoggerOptions, silentLogger } from "./log/logger.ts";
export { closeRound, type Emission, type StageInput, type StageOutput } from "./machines/emission.ts";
export {
  BudgetExceededError,
  ConfigError,
  ERROR_CODE_HEADER,
  ERROR_CODES,
  type ErrorCode,
  type ErrorKind,
  errorInfo,
  ModelError,
  NanofluxError,
  SystemError,
} from "./protocol/errors.ts";
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
  UsageRecorded,
  VerdictIssued,
} from "./protocol/messages.ts";
export { RunReport } from "./protocol/run-report.ts";
export {
  Answer,
  NoveltyReport,
  Question,
  RoundSpec,
  Sample,
  TokenUsage,
  Verdict,
} from "./protocol/schemas.ts";
export {
  heartbeatSubject,
  parseRunSubject,
  runEventsSubject,
  runStageSubject,
  STAGES,
} from "./protocol/subjects.ts";
