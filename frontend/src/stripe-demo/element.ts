/**
 * What every demo Element shares with Stripe's: mount into a container, events (`ready`,
 * `change`, ...) with on/once/off, update, focus, blur, clear, unmount and destroy. Each kind
 * of Element renders its own plain-DOM form (like Stripe's iframe, outside React's tree).
 */
import type { LockState } from './dom';

type Handler = (event?: unknown) => void;

/** A mounted form: the parts of it an Element drives. */
export interface DemoForm {
  focus: () => void;
  clear: () => void;
  /** Makes the fields read-only or disabled (see applyLock). */
  lock: (state: LockState) => void;
  destroy: () => void;
  /** The form's root node, to tell whether focus is inside it. */
  root: HTMLElement;
}

export abstract class DemoElement<Options = unknown> {
  private readonly handlers = new Map<string, Set<Handler>>();
  private ready = false;
  private readyTimer: number | undefined;
  /** The last change event, for a listener that arrives after the shopper started typing. */
  private lastChange: unknown = undefined;
  protected form: DemoForm | null = null;
  /** `readOnly` comes from the options (the page's), `disabled` from a payment under way. */
  private readonly lockState: LockState = { disabled: false, readOnly: false };

  constructor(
    readonly elementType: string,
    protected options: Options,
    private readonly onDestroy: () => void,
  ) {
    this.lockState.readOnly = readOnlyOption(options) ?? false;
  }

  /** Builds the form in `container`; `emitChange` sends a `change` event with Stripe's payload. */
  protected abstract render(container: HTMLElement): DemoForm;

  mount(target: HTMLElement | string): void {
    const container = typeof target === 'string' ? document.querySelector<HTMLElement>(target) : target;
    if (!container) throw new Error('The Element has nowhere to mount.');
    if (this.form) throw new Error('This Element is already mounted.');
    this.form = this.render(container);
    this.form.lock({ ...this.lockState });
    // Stripe's Elements report ready asynchronously, once their iframe has loaded.
    this.readyTimer = window.setTimeout(() => {
      this.ready = true;
      this.emit('ready', { elementType: this.elementType });
    }, 0);
  }

  on(event: string, handler: Handler): this {
    let set = this.handlers.get(event);
    if (!set) {
      set = new Set();
      this.handlers.set(event, set);
    }
    set.add(handler);
    // A listener added after the element is ready still learns that it is. Likewise for what was
    // typed before @stripe/react-stripe-js attached its change listener (in an effect, after the
    // form is on the page): Stripe's iframe cannot be typed in that early, these fields can.
    if (event === 'ready' && this.ready) queueMicrotask(() => handler({ elementType: this.elementType }));
    const missed = this.lastChange;
    if (event === 'change' && missed !== undefined) queueMicrotask(() => handler(missed));
    return this;
  }

  once(event: string, handler: Handler): this {
    const wrapped: Handler = (payload) => {
      this.off(event, wrapped);
      handler(payload);
    };
    return this.on(event, wrapped);
  }

  off(event: string, handler?: Handler): this {
    if (handler) this.handlers.get(event)?.delete(handler);
    else this.handlers.delete(event);
    return this;
  }

  /**
   * Options that matter after mounting are few (`readOnly`, which Stripe's Payment Element
   * has and the stand-in's other Elements take too); the rest are kept as Stripe keeps them.
   */
  update(options: Partial<Options>): this {
    this.options = { ...this.options, ...options };
    const readOnly = readOnlyOption(options);
    if (readOnly !== undefined) this.setLock({ readOnly });
    return this;
  }

  focus(): this {
    this.form?.focus();
    return this;
  }

  blur(): this {
    const active = document.activeElement;
    if (this.form?.root.contains(active) && active instanceof HTMLElement) active.blur();
    return this;
  }

  clear(): this {
    this.form?.clear();
    return this;
  }

  collapse(): this {
    return this;
  }

  unmount(): this {
    window.clearTimeout(this.readyTimer);
    this.form?.destroy();
    this.form = null;
    this.ready = false;
    this.lastChange = undefined;
    return this;
  }

  destroy(): this {
    this.unmount();
    this.handlers.clear();
    this.onDestroy();
    return this;
  }

  /** Disables the form while a payment it started is under way (not an option of Stripe's). */
  setDisabled(disabled: boolean): void {
    this.setLock({ disabled });
  }

  private setLock(change: Partial<LockState>): void {
    Object.assign(this.lockState, change);
    this.form?.lock({ ...this.lockState });
  }

  protected emit(event: string, payload: unknown): void {
    if (event === 'change') this.lastChange = payload;
    for (const handler of [...(this.handlers.get(event) ?? [])]) handler(payload);
  }
}

function readOnlyOption(options: unknown): boolean | undefined {
  if (typeof options !== 'object' || options === null || !('readOnly' in options)) return undefined;
  return Boolean(options.readOnly);
}
