import {
  API,
  type ReviewRequest,
  type RoundPage,
  RoundPage as RoundPageSchema,
  type RoundQuery,
  Session,
  WRITE_HEADER,
  WriteProblem,
} from "../wire.ts";

/**
 * The page's writes and queries. The write token, when the dashboard asks for one, comes in the link it printed
 * (`#token=...`: a fragment, never sent to a server or in a Referer) and is kept for this tab only.
 */

const TOKEN_KEY = "nanoflux.token";
const REVIEWER_KEY = "nanoflux.reviewer";

/** Takes the token out of the address (so it is not copied along with a link) into this tab's storage. */
export function adoptTokenFromAddress(): void {
  const params = new URLSearchParams(location.hash.slice(1));
  const token = params.get("token");
  if (token === null) return;
  sessionStorage.setItem(TOKEN_KEY, token);
  params.delete("token");
  history.replaceState(null, "", `${location.pathname}${location.search}#${params}`);
}

export function writeToken(): string | null {
  return sessionStorage.getItem(TOKEN_KEY);
}

export function setWriteToken(token: string): void {
  sessionStorage.setItem(TOKEN_KEY, token.trim());
}

export function reviewerName(): string {
  return localStorage.getItem(REVIEWER_KEY) ?? "";
}

export function setReviewerName(name: string): void {
  localStorage.setItem(REVIEWER_KEY, name.trim());
}

export async function fetchSession(): Promise<Session> {
  const response = await fetch(API.session);
  return Session.parse(await response.json());
}

export type WriteResult = { ok: true; seq: number } | { ok: false; status: number; problem: WriteProblem };

/**
 * A random request id. crypto.randomUUID exists only in secure contexts, and a dashboard reached over plain
 * http from another machine is not one; getRandomValues is everywhere.
 */
function requestId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

/** Tries again after a lost connection, with the same request id: the server records the decision once. */
const ATTEMPTS = 3;

export async function sendReview(
  runId: string,
  roundId: string,
  request: Omit<ReviewRequest, "requestId">,
): Promise<WriteResult> {
  const token = writeToken();
  const body = JSON.stringify({ ...request, requestId: requestId() });
  let response: Response | undefined;
  for (let attempt = 1; !response; attempt++) {
    try {
      response = await fetch(API.reviews(runId, roundId), {
        method: "POST",
        headers: {
          "Content-Type": "application/json",
          [WRITE_HEADER]: "1",
          ...(token && { Authorization: `Bearer ${token}` }),
        },
        body,
      });
    } catch (err) {
      if (attempt >= ATTEMPTS) throw err;
      await new Promise((resolve) => setTimeout(resolve, 500 * attempt));
    }
  }
  const answer: unknown = await response
    .json()
    .catch(() => ({ error: `the server answered ${response.status}` }));
  if (response.ok) return { ok: true, seq: Number((answer as { seq?: number }).seq) };
  const problem = WriteProblem.safeParse(answer);
  return {
    ok: false,
    status: response.status,
    problem: problem.success ? problem.data : { error: `the server answered ${response.status}` },
  };
}

export type RoundFilters = Partial<Omit<RoundQuery, "offset" | "limit">>;

export async function fetchRounds(runId: string, filters: RoundFilters): Promise<RoundPage> {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(filters))
    if (value !== undefined && value !== "") params.set(name, String(value));
  const response = await fetch(`${API.rounds(runId)}?${params}`, { headers: { Accept: "application/json" } });
  if (!response.ok) throw new Error(`rounds: the server answered ${response.status}`);
  return RoundPageSchema.parse(await response.json());
}
