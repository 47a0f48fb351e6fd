import { timingSafeEqual } from "node:crypto";
import type { IncomingMessage } from "node:http";
import { WRITE_HEADER } from "./wire.ts";

/**
 * Who may change a run's data through the dashboard. Reading is open to whoever can reach the page; writing
 * needs more: on loopback only this machine's users reach it, anywhere else a token, and always proof that the
 * request comes from the page itself, so another site open in the same browser cannot make it write.
 */
export type WriteAccess = { mode: "open" } | { mode: "token"; token: string } | { mode: "off" };

export interface Refusal {
  status: 401 | 403 | 415;
  error: string;
  headers?: Record<string, string>;
}

function sameToken(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * Why a write must be refused, or undefined to let it through. A cross-site request either sends its own
 * Origin (refused), or, as a form or a simple request, cannot set the JSON type and the page's header (refused);
 * a script elsewhere that tries to set them needs a preflight this server never grants.
 */
export function writeRefusal(req: IncomingMessage, access: WriteAccess): Refusal | undefined {
  if (access.mode === "off")
    return { status: 403, error: "this dashboard is read-only (started with --read-only)" };
  const origin = req.headers.origin;
  const host = req.headers.host;
  if (origin !== undefined && origin !== `http://${host}`)
    return {
      status: 403,
      error: `a write from ${origin} is refused: only the dashboard's own page may write`,
    };
  const site = req.headers["sec-fetch-site"];
  if (site !== undefined && site !== "same-origin" && site !== "none")
    return { status: 403, error: "a cross-site write is refused: only the dashboard's own page may write" };
  if (req.headers[WRITE_HEADER.toLowerCase()] !== "1")
    return { status: 403, error: `a write needs the ${WRITE_HEADER}: 1 header the dashboard's page sends` };
  if (!/^application\/json(;|$)/i.test(req.headers["content-type"] ?? ""))
    return { status: 415, error: "send the review as JSON (Content-Type: application/json)" };
  if (access.mode === "token") {
    const given = /^Bearer (.+)$/.exec(req.headers.authorization ?? "")?.[1];
    if (given === undefined || !sameToken(given, access.token))
      return {
        status: 401,
        error:
          "this dashboard is bound beyond loopback, so writing needs its token: open the link `nanoflux dashboard` printed (it carries #token=...), or send Authorization: Bearer <token>",
        headers: { "WWW-Authenticate": 'Bearer realm="nanoflux-dashboard"' },
      };
  }
  return undefined;
}
