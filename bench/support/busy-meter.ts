import diagnostics from "node:diagnostics_channel";
import type { IncomingMessage } from "node:http";
import {
  type EventLoopUtilization,
  type IntervalHistogram,
  monitorEventLoopDelay,
  performance,
} from "node:perf_hooks";
import { mainThreadCpuMs } from "./cpu.ts";

/**
 * How busy this process's HTTP server (the simulator) and its event loop were, read from Node's http
 * diagnostics channels and perf_hooks, so the product needs no hook: when each chat completion was in
 * service, the event loop's utilisation and the main thread's CPU time sampled every 100 ms, and how late
 * the loop ran its timers.
 */

const CHAT_PATH = "/v1/chat/completions";
const START = "http.server.request.start";
const FINISH = "http.server.response.finish";
const LOOP_SAMPLE_MS = 100;

interface Served {
  from: number;
  to: number;
}

interface LoopSample {
  at: number;
  elu: EventLoopUtilization;
  mainCpuMs: number;
}

function chatRequest(message: unknown): IncomingMessage | undefined {
  const request = (message as { request?: IncomingMessage }).request;
  return request?.url === CHAT_PATH ? request : undefined;
}

export interface WindowLoad {
  /** Mean chat completions in service. */
  meanInService: number;
  /** Mean time from request to response of the completions that ended in the window. */
  meanServiceMs: number;
  /** Share of the window the event loop spent running code rather than waiting (NaN under 100 ms). */
  eventLoopBusy: number;
  /** Share of the window the main thread spent on a CPU (NaN under 100 ms, or without /proc). */
  mainThreadCpu: number;
}

export class BusyMeter {
  readonly #started = new WeakMap<IncomingMessage, number>();
  readonly #served: Served[] = [];
  readonly #loop: LoopSample[] = [];
  #inService = 0;
  #peak = 0;
  #timer: NodeJS.Timeout | undefined;
  readonly #delay: IntervalHistogram = monitorEventLoopDelay({ resolution: 10 });
  readonly #onStart = (message: unknown) => {
    const request = chatRequest(message);
    if (!request) return;
    this.#started.set(request, performance.now());
    this.#peak = Math.max(this.#peak, ++this.#inService);
  };
  readonly #onFinish = (message: unknown) => {
    const request = chatRequest(message);
    const from = request && this.#started.get(request);
    if (from === undefined) return;
    this.#inService--;
    this.#served.push({ from, to: performance.now() });
  };

  start(): this {
    diagnostics.subscribe(START, this.#onStart);
    diagnostics.subscribe(FINISH, this.#onFinish);
    const sample = () =>
      this.#loop.push({
        at: performance.now(),
        elu: performance.eventLoopUtilization(),
        mainCpuMs: mainThreadCpuMs(),
      });
    sample();
    this.#timer = setInterval(sample, LOOP_SAMPLE_MS);
    this.#delay.enable();
    return this;
  }

  stop(): void {
    diagnostics.unsubscribe(START, this.#onStart);
    diagnostics.unsubscribe(FINISH, this.#onFinish);
    clearInterval(this.#timer);
    this.#delay.disable();
  }

  /** 99th percentile of how late the event loop ran a timer since start(), in ms (start-up included). */
  get loopDelayP99Ms(): number {
    return this.#delay.percentile(99) / 1e6;
  }

  /** Most chat completions in service at once. */
  get peak(): number {
    return this.#peak;
  }

  /** Load between two performance.now() readings. */
  window(from: number, to: number): WindowLoad {
    let area = 0;
    const ended: number[] = [];
    for (const served of this.#served) {
      area += Math.max(0, Math.min(to, served.to) - Math.max(from, served.from));
      if (served.to >= from && served.to <= to) ended.push(served.to - served.from);
    }
    const first = this.#loop.find((s) => s.at >= from) ?? this.#loop.at(-1);
    const last = this.#loop.findLast((s) => s.at <= to) ?? this.#loop.at(-1);
    const sampled = first && last && last.at > first.at ? { first, last } : undefined;
    return {
      meanInService: area / (to - from),
      meanServiceMs: ended.reduce((a, b) => a + b, 0) / Math.max(1, ended.length),
      eventLoopBusy: sampled
        ? performance.eventLoopUtilization(sampled.last.elu, sampled.first.elu).utilization
        : Number.NaN,
      mainThreadCpu: sampled
        ? (sampled.last.mainCpuMs - sampled.first.mainCpuMs) / (sampled.last.at - sampled.first.at)
        : Number.NaN,
    };
  }
}
