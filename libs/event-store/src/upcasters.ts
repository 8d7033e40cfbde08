/**
 * Upcasters turn stored events of an old shape or name into the current one on read, so
 * stored events stay frozen while the code moves on. Each upcaster handles one stored type;
 * chains (v1 -> v2 -> v3) are followed until no upcaster claims the type.
 */
export interface StoredShape {
  readonly type: string;
  readonly data: unknown;
}

export interface Upcaster {
  /** The stored event type this upcaster reads. */
  readonly fromType: string;
  /** Returns the event as the newer code expects it: a new type, a new shape, or both. */
  upcast(event: StoredShape): StoredShape;
}

const MAX_CHAIN = 32;

export class UpcasterRegistry {
  private readonly byType = new Map<string, Upcaster>();

  register(...upcasters: readonly Upcaster[]): this {
    for (const upcaster of upcasters) {
      if (this.byType.has(upcaster.fromType)) {
        throw new Error(`Two upcasters claim the stored event type "${upcaster.fromType}"`);
      }
      this.byType.set(upcaster.fromType, upcaster);
    }
    return this;
  }

  get size(): number {
    return this.byType.size;
  }

  upcast(event: StoredShape): StoredShape {
    let current = event;
    for (let step = 0; step < MAX_CHAIN; step++) {
      const upcaster = this.byType.get(current.type);
      if (!upcaster) return current;
      current = upcaster.upcast(current);
    }
    throw new Error(`Upcasting "${event.type}" did not settle after ${MAX_CHAIN} steps: a cycle?`);
  }
}

/** A rename: the data keeps its shape. */
export function renamed(fromType: string, toType: string): Upcaster {
  return { fromType, upcast: (event) => ({ type: toType, data: event.data }) };
}
