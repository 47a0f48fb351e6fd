import { Command } from "commander";
import { reportFatal } from "./errors.ts";
import { runCommand, upCommand } from "./run-command.ts";
import { agentCommand } from "./agent-command.ts";
import { validateCommand } from "./validate-command.ts";
import { tapCommand } from "./tap-command.ts";
import { standingsCommand } from "./standings-command.ts";
import { simCommand } from "../sim/command.ts";
import { exportCommand } from "../curation/export/command.ts";

const program = new Command("nanoflux")
  .description("Adversarial generation of small, high-precision reasoning datasets")
  .version("0.1.0")
  .showHelpAfterError()
  .addCommand(runCommand())
  .addCommand(upCommand())
  .addCommand(agentCommand())
  .addCommand(validateCommand())
  .addCommand(tapCommand())
  .addCommand(standingsCommand())
  .addCommand(simCommand())
  .addCommand(exportCommand());

try {
  await program.parseAsync(process.argv);
} catch (err) {
  process.exitCode = reportFatal(err);
}
