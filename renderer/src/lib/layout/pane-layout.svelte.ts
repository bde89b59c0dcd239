/**
 * The wizard's panes as the user arranged them: the step list's width, the log's height and whether
 * it is collapsed. Sizes are clamped to what the window leaves for the other panes, so no pane can be
 * dragged over another, and kept in localStorage (layout only, never run data).
 */
export interface PaneSizes {
  stepsWidth: number;
  logHeight: number;
  logCollapsed: boolean;
}

export const paneLimits = {
  stepsMin: 180,
  /** The step detail keeps at least this much width. */
  detailMin: 360,
  logMin: 96,
  /** The step panes keep at least this much height above the log. */
  panesMin: 220,
};

const defaults: PaneSizes = { stepsWidth: 270, logHeight: 200, logCollapsed: false };
const storageKey = 'trilio-dr.panes.v1';

export function clamp(value: number, min: number, max: number): number {
  return Math.min(Math.max(value, min), Math.max(min, max));
}

export class PaneLayout {
  stepsWidth = $state(defaults.stepsWidth);
  logHeight = $state(defaults.logHeight);
  logCollapsed = $state(defaults.logCollapsed);
  /** The wizard's own size (set by the shell from a ResizeObserver). */
  width = $state(1200);
  height = $state(700);

  readonly #storage: Pick<Storage, 'getItem' | 'setItem'> | undefined;

  constructor(storage?: Pick<Storage, 'getItem' | 'setItem'>) {
    this.#storage = storage;
    const saved = this.#read();
    if (saved) {
      this.stepsWidth = saved.stepsWidth;
      this.logHeight = saved.logHeight;
      this.logCollapsed = saved.logCollapsed;
    }
  }

  get stepsMax(): number {
    return this.width - paneLimits.detailMin;
  }

  get logMax(): number {
    return this.height - paneLimits.panesMin;
  }

  /** Sizes as laid out now: what was chosen, within what the window allows. */
  get effectiveStepsWidth(): number {
    return clamp(this.stepsWidth, paneLimits.stepsMin, this.stepsMax);
  }

  get effectiveLogHeight(): number {
    return clamp(this.logHeight, paneLimits.logMin, this.logMax);
  }

  resize(width: number, height: number): void {
    this.width = width;
    this.height = height;
  }

  setStepsWidth(px: number): void {
    this.stepsWidth = clamp(Math.round(px), paneLimits.stepsMin, this.stepsMax);
    this.#save();
  }

  setLogHeight(px: number): void {
    this.logHeight = clamp(Math.round(px), paneLimits.logMin, this.logMax);
    this.logCollapsed = false;
    this.#save();
  }

  toggleLog(): void {
    this.logCollapsed = !this.logCollapsed;
    this.#save();
  }

  #read(): PaneSizes | null {
    try {
      const raw = this.#storage?.getItem(storageKey);
      if (!raw) return null;
      const v = JSON.parse(raw) as Partial<PaneSizes>;
      const num = (n: unknown, d: number) => (typeof n === 'number' && Number.isFinite(n) ? n : d);
      return {
        stepsWidth: num(v.stepsWidth, defaults.stepsWidth),
        logHeight: num(v.logHeight, defaults.logHeight),
        logCollapsed: v.logCollapsed === true,
      };
    } catch {
      return null;
    }
  }

  #save(): void {
    try {
      this.#storage?.setItem(
        storageKey,
        JSON.stringify({
          stepsWidth: this.stepsWidth,
          logHeight: this.logHeight,
          logCollapsed: this.logCollapsed,
        }),
      );
    } catch {
      // A full or disabled storage only loses the arrangement.
    }
  }
}
