/**
 * The protocol: what agents, the host, the runner and every reader of a run agree on. Messages and their
 * subjects, the shared data schemas, the role output schemas models answer in, and the typed errors. It imports
 * nothing of the project, so any process (an agent, a dashboard, another language's port) can follow it alone.
 */
export * from "./errors.ts";
export * from "./messages.ts";
export * from "./review.ts";
export * from "./role-outputs.ts";
export * from "./run-report.ts";
export * from "./schemas.ts";
export * from "./subjects.ts";
export * from "./training.ts";
