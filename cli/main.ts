import { Command } from "commander";
import { exportCommand } from "../curation/export/command.ts";
import { dashboardCommand } from "../dashboard/command.ts";
import { compareCommand, evalCommand } from "../eval/command.ts";
import { simCommand } from "../sim/command.ts";
import { trainCommand, trainerHostCommand } from "../trainer/command.ts";
import { agentCommand } from "./agent-command.ts";
import { reportFatal } from "./errors.ts";
import { runCommand, upCommand } from "./run-command.ts";
import { standingsCommand } from "./standings-command.ts";
import { tapCommand } from "./tap-command.ts";
import { validateCommand } from "./validate-command.ts";

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
  .addCommand(exportCommand())
  .addCommand(dashboardCommand())
  .addCommand(evalCommand())
  .addCommand(compareCommand())
  .addCommand(trainCommand())
  .addCommand(trainerHostCommand());

try {
  await program.parseAsync(process.argv);
} catch (err) {
  process.exitCode = reportFatal(err);
}
