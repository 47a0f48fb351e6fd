import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { z } from "zod";
import { bagOfWords } from "./bag-of-words.ts";

/**
 * An OpenAI-compatible `/v1/embeddings` server over real HTTP: bag-of-words vectors, deliberately not
 * normalised and listed in reverse order (as the API allows), so the adapter's normalising and re-ordering
 * are what the spec checks.
 */

const EmbeddingsRequest = z.object({
  model: z.string(),
  input: z.array(z.string()),
  encoding_format: z.literal("float"),
});

export interface EmbeddingsServer {
  baseUrl: string;
  /** Input count of each request, in arrival order. */
  batchSizes: number[];
  close(): Promise<void>;
}

export async function startEmbeddingsServer(dims: number): Promise<EmbeddingsServer> {
  const batchSizes: number[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const request = EmbeddingsRequest.safeParse(parseJson(Buffer.concat(chunks).toString("utf8")));
      if (req.url !== "/v1/embeddings" || !request.success) {
        res.writeHead(400, { "content-type": "application/json" });
        res.end(JSON.stringify({ error: { message: `bad request to ${req.url}` } }));
        return;
      }
      batchSizes.push(request.data.input.length);
      const data = request.data.input.map((text, index) => ({
        object: "embedding",
        index,
        embedding: bagOfWords(text, dims).map((x) => x * 3),
      }));
      res.writeHead(200, { "content-type": "application/json" });
      res.end(
        JSON.stringify({
          object: "list",
          model: request.data.model,
          data: data.reverse(),
          usage: { prompt_tokens: 1, total_tokens: 1 },
        }),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    batchSizes,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve, reject) => server.close((err) => (err ? reject(err) : resolve())));
    },
  };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
