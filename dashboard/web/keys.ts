import type { RoundRow } from "../wire.ts";

/**
 * Keys for going through a review queue without the mouse: j / k the next or previous round of the list as it
 * is filtered, a approve the open sample, e open its edit form, / the search box. Keys typed into a field are the
 * field's, never a command.
 */

export const KEY_HINT = "Keys: j / k next or previous round · a approve · e edit · / search";

export interface KeyTargets {
  /** The rounds listed now, in their order on the page. */
  rows(): readonly RoundRow[];
  openRound: string | undefined;
  open(roundId: string): void;
}

function typing(target: EventTarget | null): boolean {
  return (
    target instanceof HTMLInputElement ||
    target instanceof HTMLTextAreaElement ||
    target instanceof HTMLSelectElement ||
    (target instanceof HTMLElement && target.isContentEditable)
  );
}

function click(testId: string): void {
  document.querySelector<HTMLElement>(`[data-testid="${testId}"]`)?.click();
}

export function bindReviewKeys(targets: () => KeyTargets): void {
  document.addEventListener("keydown", (event) => {
    if (event.ctrlKey || event.metaKey || event.altKey || typing(event.target)) return;
    const { rows, openRound, open } = targets();
    const step = event.key === "j" ? 1 : event.key === "k" ? -1 : 0;
    if (step !== 0) {
      const listed = rows();
      const at = listed.findIndex((row) => row.roundId === openRound);
      const next = listed[at === -1 ? 0 : Math.min(listed.length - 1, Math.max(0, at + step))];
      if (next) open(next.roundId);
    } else if (event.key === "a") click("review-approve");
    else if (event.key === "e") {
      const form = document.querySelector<HTMLDetailsElement>(".review-edit");
      if (form) form.open = true;
      document.querySelector<HTMLElement>('[data-testid="review-edit-text"]')?.focus();
    } else if (event.key === "/") document.querySelector<HTMLElement>('[data-testid="filter-q"]')?.focus();
    else return;
    event.preventDefault();
  });
}
