import { once } from "node:events";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { z } from "zod";
import { completionTokens } from "../../packages/sim/src/chat/completion.ts";
import { textReply } from "../../packages/sim/src/chat/reply.ts";
import { readBody } from "../../packages/sim/src/http.ts";
import { Rng } from "../../packages/sim/src/random.ts";
import { parseJsonText } from "../../packages/sim/src/text.ts";
import { ATTACKER_SCHEMA_NAME } from "../../protocol/role-outputs.ts";

/**
 * A proxy in front of the simulator that makes Attackers repeat themselves: a share of attacker completions is
 * replaced by an earlier attacker completion (the same question, reference answer and steps), with the usage
 * recounted, so a run sees many exact duplicates. Everything else passes through unchanged (status and
 * content type only: the bench runs the simulator without faults or limits). Whether a request is answered
 * with a repeat is seeded by the request, so two runs of the same rounds repeat the same rounds.
 */

export interface DuplicateProxy {
  url: string;
  /** Attacker completions answered with an earlier one. */
  readonly repeated: number;
  readonly attackerCalls: number;
  /** Tokens of every completion that passed through, as the usage the client saw. */
  readonly tokens: number;
  close(): Promise<void>;
}

const AttackerRequest = z.object({
  response_format: z.object({ json_schema: z.object({ name: z.literal(ATTACKER_SCHEMA_NAME) }) }),
});

const Usage = z.object({
  prompt_tokens: z.number(),
  completion_tokens: z.number(),
  total_tokens: z.number(),
});

const Completion = z.looseObject({
  choices: z.array(z.looseObject({ message: z.looseObject({ content: z.string() }) })).length(1),
  usage: Usage,
});

export async function startDuplicateProxy(
  upstream: string,
  options: { share: number; seed: number },
): Promise<DuplicateProxy> {
  const target = new URL(upstream).origin;
  const earlier: string[] = [];
  const counts = { repeated: 0, attackerCalls: 0, tokens: 0 };

  /** The completion text to send: the upstream's, or an earlier attacker completion in its place. */
  const rewrite = (requestBody: string, responseText: string): string => {
    const completion = Completion.safeParse(parseJsonText(responseText));
    if (!completion.success) return responseText;
    const { usage } = completion.data;
    const choice = completion.data.choices[0] as z.infer<typeof Completion>["choices"][number];
    if (AttackerRequest.safeParse(parseJsonText(requestBody)).success) {
      counts.attackerCalls++;
      const rng = Rng.of(options.seed, requestBody);
      if (earlier.length > 0 && rng.chance(options.share)) {
        counts.repeated++;
        choice.message.content = earlier[rng.int(0, earlier.length - 1)] as string;
        usage.completion_tokens = completionTokens(textReply(choice.message.content));
        usage.total_tokens = usage.prompt_tokens + usage.completion_tokens;
      } else {
        earlier.push(choice.message.content);
      }
    }
    counts.tokens += usage.total_tokens;
    return JSON.stringify(completion.data);
  };

  const server = createServer((req, res) => {
    const relay = async () => {
      const body = await readBody(req);
      const reply = await fetch(`${target}${req.url ?? "/"}`, {
        method: req.method,
        headers: { "content-type": req.headers["content-type"] ?? "application/json" },
        body: req.method === "GET" || req.method === "HEAD" ? undefined : body,
      });
      const text = rewrite(body, await reply.text());
      res.writeHead(reply.status, {
        "content-type": reply.headers.get("content-type") ?? "application/json",
      });
      res.end(text);
    };
    relay().catch((err: unknown) => {
      res.writeHead(502, { "content-type": "application/json" });
      res.end(JSON.stringify({ error: { message: `bench proxy: ${String(err)}`, type: "server_error" } }));
    });
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    get repeated() {
      return counts.repeated;
    },
    get attackerCalls() {
      return counts.attackerCalls;
    },
    get tokens() {
      return counts.tokens;
    },
    close: async () => {
      const closed = once(server, "close");
      server.close();
      server.closeAllConnections();
      await closed;
    },
  };
}
