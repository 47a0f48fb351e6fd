/** Resolves with the signal name on the first SIGINT/SIGTERM; a second one exits at once. */
export function onStopSignal(): Promise<string> {
  return new Promise((resolve) => {
    let seen = false;
    const handler = (signal: NodeJS.Signals) => {
      if (seen) process.exit(130);
      seen = true;
      process.stderr.write(`\n${signal}: draining agents (again to force quit)\n`);
      resolve(signal);
    };
    process.on("SIGINT", handler);
    process.on("SIGTERM", handler);
  });
}
