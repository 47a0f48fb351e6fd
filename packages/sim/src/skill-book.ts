import { ConfigError } from "../../../protocol/errors.ts";

/** Per-hop success probability of a model a topology has not configured: any model name works. */
export const DEFAULT_SKILL = 0.7;

/**
 * How good each simulated model is. Configured from SimulatorConfig.models; other modules (fine-tuning) raise a
 * model's skill as it is trained.
 */
export class SkillBook {
  private readonly skills = new Map<string, number>();

  constructor(models: readonly { name: string; skill: number }[] = []) {
    for (const model of models) this.setSkill(model.name, model.skill);
  }

  skillOf(name: string): number {
    return this.skills.get(name) ?? DEFAULT_SKILL;
  }

  setSkill(name: string, skill: number): void {
    if (!(skill >= 0 && skill <= 1)) {
      throw new ConfigError(
        `simulated model "${name}": skill ${skill} is out of range; give a number from 0 to 1`,
      );
    }
    this.skills.set(name, skill);
  }

  /** Models given a skill explicitly, in the order they were added. */
  names(): string[] {
    return [...this.skills.keys()];
  }
}
