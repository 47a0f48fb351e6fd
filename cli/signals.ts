/** Resolves with the signal name on the first SIGINT/SIGTERM, after saying `what` is happening; a second one exits at once. */
export function onStopSignal(what = "stopping"): Promise<string> {
  return new Promise((resolve) => {
    let seen = false;
    const handler = (signal: NodeJS.Signals) => {
      if (seen) process.exit(130);
      seen = true;
      process.stderr.write(`\n${signal}: ${what} (again to force quit)\n`);
      resolve(signal);
    };
    process.on("SIGINT", handler);
    process.on("SIGTERM", handler);
  });
}
