import { DashboardUpdate } from "../../dashboard/wire.ts";

export interface UpdateReader {
  updates: DashboardUpdate[];
  /** Ends the request and waits for the reading loop to finish. */
  close(): Promise<void>;
}

/** Reads the dashboard's event stream as the page would, collecting every update it can parse. */
export async function readUpdates(url: string): Promise<UpdateReader> {
  const abort = new AbortController();
  const response = await fetch(url, { signal: abort.signal, headers: { Accept: "text/event-stream" } });
  if (!response.ok || !response.body) throw new Error(`event stream answered ${response.status}`);
  const updates: DashboardUpdate[] = [];
  const decoder = new TextDecoder();
  const reader = response.body.getReader();
  const loop = (async () => {
    let buffered = "";
    for (;;) {
      const chunk = await reader.read().catch((err: unknown) => {
        if (abort.signal.aborted) return { done: true as const, value: undefined };
        throw err;
      });
      if (chunk.done) return;
      buffered += decoder.decode(chunk.value, { stream: true });
      const frames = buffered.split("\n\n");
      buffered = frames.pop() ?? "";
      for (const frame of frames) {
        const data = frame.split("\n").find((line) => line.startsWith("data: "));
        if (data) updates.push(DashboardUpdate.parse(JSON.parse(data.slice("data: ".length))));
      }
    }
  })();
  return {
    updates,
    close: async () => {
      abort.abort();
      await loop;
    },
  };
}
