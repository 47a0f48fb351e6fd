import { Command, CommanderError, Option } from "commander";
import { chooseOutput, LOG_FORMATS, type OutputChoice, outputSettings } from "../terminal/output.ts";
import { ablateCommand } from "./ablate-command.ts";
import { agentCommand } from "./agent-command.ts";
import { dashboardCommand } from "./dashboard-command.ts";
import { reportFatal } from "./errors.ts";
import { compareCommand, evalCommand } from "./eval-command.ts";
import { exportCommand } from "./export-command.ts";
import { addHelpExamples } from "./help-examples.ts";
import { runCommand, upCommand } from "./run-command.ts";
import { simCommand } from "./sim-command.ts";
import { standingsCommand } from "./standings-command.ts";
import { tapCommand } from "./tap-command.ts";
import { trainCommand, trainerHostCommand } from "./train-command.ts";
import { validateCommand } from "./validate-command.ts";

/** After a command has finished, anything still holding the event loop (a socket, a child) gets this long. */
const EXIT_GRACE_MS = 2000;

const program = new Command("nanoflux")
  .description("Adversarial generation of small, high-precision reasoning datasets")
  .version("0.1.0")
  .addOption(
    new Option("-q, --quiet", "warnings, errors and results only: no progress bars or notes").conflicts(
      "verbose",
    ),
  )
  .addOption(new Option("-v, --verbose", "debug lines too: routine events, model calls, stack traces"))
  .addOption(
    new Option("--log-format <format>", "log lines as concise text or as JSON objects (default: text)")
      .choices(LOG_FORMATS)
      .env("NANOFLUX_LOG_FORMAT"),
  )
  .showHelpAfterError()
  .addCommand(runCommand())
  .addCommand(upCommand())
  .addCommand(agentCommand())
  .addCommand(validateCommand())
  .addCommand(tapCommand())
  .addCommand(standingsCommand())
  .addCommand(simCommand())
  .addCommand(exportCommand())
  .addCommand(dashboardCommand())
  .addCommand(evalCommand())
  .addCommand(compareCommand())
  .addCommand(trainCommand())
  .addCommand(trainerHostCommand())
  .addCommand(ablateCommand())
  // The global flags hold for every logger and progress bar the command creates (terminal/output.ts); a bad
  // NANOFLUX_LOG_LEVEL is the user's input, reported before the command starts.
  .hook("preAction", () => {
    chooseOutput(program.opts<OutputChoice>());
    outputSettings();
  });

addHelpExamples(program);
// Each command's help lists the global flags too: they work after the command's name as well.
for (const command of program.commands) command.configureHelp({ showGlobalOptions: true });

// Commander exits by itself (code 1) on a usage error; a usage error is the user's input: exit code 2.
function throwInsteadOfExiting(command: Command): void {
  command.exitOverride();
  for (const sub of command.commands) throwInsteadOfExiting(sub);
}
throwInsteadOfExiting(program);

/** Commander has already printed its message; help and version are not errors. */
function usageExitCode(err: CommanderError): number {
  return ["commander.helpDisplayed", "commander.version", "commander.help"].includes(err.code) ? 0 : 2;
}

try {
  await program.parseAsync(process.argv);
} catch (err) {
  process.exitCode = err instanceof CommanderError ? usageExitCode(err) : reportFatal(err);
}
// A command that has returned (or reported its error) is done: nothing left behind may keep it running, and a
// stop signal now only hastens the exit, with the command's own exit code.
setTimeout(() => process.exit(), EXIT_GRACE_MS).unref();
for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => process.exit());
