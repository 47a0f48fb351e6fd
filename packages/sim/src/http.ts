import type { IncomingMessage, ServerResponse } from "node:http";
import { ConfigError } from "../../../protocol/errors.ts";
import { parseJsonText } from "./text.ts";

/** HTTP plumbing with OpenAI's wire conventions: JSON bodies and `{ error: { message, type, param, code } }`. */

const MAX_BODY_BYTES = 32 * 1024 * 1024;

/** The client sent something the API would reject with 400. */
export class BadRequestError extends ConfigError {
  constructor(
    message: string,
    readonly param: string | null = null,
  ) {
    super(message, { code: "BAD_REQUEST" });
  }
}

export async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    size += buffer.length;
    if (size > MAX_BODY_BYTES)
      throw new BadRequestError(`request body is over ${MAX_BODY_BYTES} bytes; send less`);
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString("utf8");
}

/** The parsed JSON body, as unknown: callers validate it with a zod schema. */
export async function readJson(req: IncomingMessage): Promise<unknown> {
  const value = parseJsonText(await readBody(req));
  if (value === undefined) throw new BadRequestError("request body is not valid JSON; send a JSON object");
  return value;
}

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    "content-type": "application/json",
    "content-length": Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

export interface ApiErrorBody {
  message: string;
  type: string;
  code: string | null;
  param?: string | null;
}

export function sendError(
  res: ServerResponse,
  status: number,
  error: ApiErrorBody,
  headers: Record<string, string> = {},
): void {
  sendJson(res, status, { error: { param: null, ...error } }, headers);
}
