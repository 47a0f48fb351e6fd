import type { Command } from "commander";

/**
 * Realistic invocations of every command, shown at the end of its --help. Kept here, in one place, so that the
 * command files stay about what a command does; cli/main.ts adds them to the root command and every subcommand
 * (test/cli/terminal-help.int.test.ts checks that each has some).
 */

interface Example {
  /** What the invocation does, as a comment above it. */
  does: string;
  run: string;
}

const RUN_ID = "run-20261207-214738-4j1t";

export const HELP_EXAMPLES: Readonly<Record<string, readonly Example[]>> = {
  nanoflux: [
    {
      does: "the demo: a simulator and an embedded NATS server, no API key",
      run: "nanoflux run --domain math --target 20",
    },
    {
      does: "the same with warnings and the summary only",
      run: "nanoflux --quiet run --domain math --target 20",
    },
    {
      does: "log lines as JSON, for a log collector",
      run: "nanoflux up topologies/multi-host.yaml --log-format json",
    },
  ],
  run: [
    {
      does: "the demo: a simulator and an embedded NATS server, no API key",
      run: "nanoflux run --domain math --target 20",
    },
    {
      does: "what a run of your topology would cost, from a short simulated sample",
      run: "nanoflux run --topology my-topology.yaml --dry-run --sample-rounds 20",
    },
    { does: "resume a run that was stopped", run: `nanoflux run --run-id ${RUN_ID}` },
  ],
  up: [
    {
      does: "every agent of a topology in this process, on a shared NATS server",
      run: "NATS_URL=nats://127.0.0.1:4222 nanoflux up topologies/multi-host.yaml --target 500",
    },
    {
      does: "the coordinator of a run spread over hosts: scheduler and curator only",
      run: "nanoflux up topologies/multi-host.yaml --run-id run-a1 --only scheduler curator",
    },
  ],
  agent: [
    {
      does: "a judge on another host, joining the run its coordinator started",
      run: "NATS_URL=nats://coordinator:4222 nanoflux agent judge --topology topologies/multi-host.yaml --run run-a1",
    },
    {
      does: "a defender serving every run that starts, until stopped",
      run: "nanoflux agent defender --topology topologies/multi-host.yaml --every-run",
    },
  ],
  validate: [
    { does: "check topologies before starting anything", run: "nanoflux validate topologies/*.yaml" },
    {
      does: "also import plug-in modules (this runs their code) to check their agents' options",
      run: "nanoflux validate topologies/with-critic.yaml --load-plugins",
    },
  ],
  tap: [
    { does: "a run's events as they happen, until it completes", run: `nanoflux tap ${RUN_ID}` },
    {
      does: "a finished run's closed rounds, replayed as JSON lines",
      run: `nanoflux tap ${RUN_ID} --from-start --subject round.closed --json`,
    },
  ],
  standings: [
    { does: "attacker and defender ratings of a run", run: `nanoflux standings ${RUN_ID}` },
    { does: "the same rows as JSON", run: `nanoflux standings ${RUN_ID} --json > standings.json` },
  ],
  sim: [
    {
      does: "a simulator on a fixed port with two models of different skill",
      run: "nanoflux sim --port 8080 --model sim-alpha=0.85 --model sim-beta=0.6",
    },
    {
      does: "one that fails now and then, to see how a run copes",
      run: "nanoflux sim --port 8080 --rate-429 0.1 --rate-malformed 0.05",
    },
  ],
  export: [
    {
      does: "runs/<runId>/export: the openai-chat config (Parquet and JSONL) and its dataset card",
      run: `nanoflux export runs/${RUN_ID}`,
    },
    {
      does: "two configs, a seeded 10% validation split and a licence for the card",
      run: `nanoflux export runs/${RUN_ID} --format parquet,openai-chat --validation 0.1 --license cc-by-4.0`,
    },
    {
      does: "as the run kept it, without the reviewers' decisions from the stream",
      run: `nanoflux export runs/${RUN_ID} --format parquet --no-reviews`,
    },
    {
      does: "sharegpt and alpaca into a folder of your own, added to the configs already there",
      run: `nanoflux export runs/${RUN_ID} --format sharegpt,alpaca --out datasets/gsm-hard`,
    },
  ],
  dashboard: [
    { does: "every run on the runs folder's server; open the address it prints", run: "nanoflux dashboard" },
    { does: "one run, on a free port", run: `nanoflux dashboard --run ${RUN_ID} --port 0` },
    {
      does: "for reviewers on other machines: share the link it prints (it carries the write token)",
      run: "nanoflux dashboard --host 0.0.0.0",
    },
    { does: "a view nobody can review from", run: "nanoflux dashboard --host 0.0.0.0 --read-only" },
  ],
  eval: [
    {
      does: "a model on two benchmarks, a seeded sample of 200 items each",
      run: "nanoflux eval --model gpt-4.1-mini --api-key-env OPENAI_API_KEY --benchmark gsm8k gsmhard --sample 200 --seed 1",
    },
    {
      does: "a fine-tune made from a run, with its training compute in the results",
      run: `nanoflux eval --model ft:gpt-4.1-mini:nanoflux:abc123 --api-key-env OPENAI_API_KEY --benchmark gsm8k --trained-by runs/${RUN_ID}`,
    },
  ],
  compare: [
    {
      does: "a base model against its fine-tune, with significance tests",
      run: "nanoflux compare base=evals/gpt-4.1-mini tuned=evals/ft-gpt-4.1-mini",
    },
  ],
  train: [
    {
      does: "fine-tune through an OpenAI-compatible API on a run's dataset",
      run: `nanoflux train runs/${RUN_ID} --base-model gpt-4.1-mini-2025-04-14 --api-key-env OPENAI_API_KEY`,
    },
    {
      does: "LoRA on GPU hosts that take jobs from NATS",
      run: `NATS_URL=nats://queue:4222 nanoflux train runs/${RUN_ID} --backend gpu-hosts --base-model Qwen/Qwen3-4B --epochs 2`,
    },
  ],
  "trainer-host": [
    {
      does: "a GPU host taking fine-tuning jobs from the queue until stopped",
      run: "NATS_URL=nats://queue:4222 nanoflux trainer-host --work-dir /scratch/nanoflux",
    },
  ],
  ablate: [
    {
      does: "the paper's ablations on the simulator; run again, it resumes and reuses every finished step",
      run: "nanoflux ablate topologies/ablation-demo.yaml --spec examples/ablation/spec.yaml",
    },
  ],
};

/** The Examples section of a command's help. */
export function examplesText(examples: readonly Example[]): string {
  const lines = examples.flatMap(({ does, run }) => [`  # ${does}`, `  ${run}`]);
  return `\nExamples:\n${lines.join("\n")}\n`;
}

/** Adds its examples to the help of `program` and of every subcommand. */
export function addHelpExamples(program: Command): void {
  for (const command of [program, ...program.commands]) {
    const examples = HELP_EXAMPLES[command.name()];
    if (examples) command.addHelpText("after", examplesText(examples));
  }
}
