/**
 * The Testbed seen from the hold, offline-payment and refund specs: its command bus and the
 * hold-expiry monitor, with seeding, `processorCalls` and the assertions' helpers its own.
 */
import type { Command } from '@nestjs/cqrs';
import { StepProbe } from '../payments/step-probe.js';
import type { ProcessStep } from '../payments/step-probe.js';
import { HoldExpiryMonitor } from '../process-managers/hold-expiry.js';
import { Testbed } from '../testing/testbed.js';
import type { TestbedOptions } from '../testing/testbed.js';

/**
 * A probe that lets seeding pass and acts only once the spec turns to the command under test:
 * the first `execute` or `monitor` arms it, so a crash step aims at that command alone.
 */
class ArmableProbe extends StepProbe {
  armed = false;

  constructor(private readonly inner: StepProbe) {
    super();
  }

  override reached(step: ProcessStep): Promise<void> {
    return this.armed ? this.inner.reached(step) : Promise.resolve();
  }
}

export class MoneyTestbed {
  private constructor(
    readonly bed: Testbed,
    private readonly probe: ArmableProbe,
  ) {}

  static async start(options: TestbedOptions = {}): Promise<MoneyTestbed> {
    const probe = new ArmableProbe(options.probe ?? new StepProbe());
    return new MoneyTestbed(await Testbed.start({ ...options, probe }), probe);
  }

  execute<R>(command: Command<R>): Promise<R> {
    this.probe.armed = true;
    return this.bed.commandBus.execute(command);
  }

  get monitor(): HoldExpiryMonitor {
    this.probe.armed = true;
    return this.bed.get(HoldExpiryMonitor);
  }

  /** Stops this "process" and keeps its files, so another one can start on them. */
  stop(): Promise<void> {
    return this.bed.stop();
  }

  dispose(): Promise<void> {
    return this.bed.dispose();
  }
}
