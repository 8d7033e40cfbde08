/**
 * Named points between the steps of a multi-step process. Production passes through them; the
 * crash tests make one of them throw, to show that every interruption converges to exactly one
 * outcome when the process is resumed.
 */
import { Injectable } from '@nestjs/common';

export type ProcessStep =
  | 'payment.initiated'
  | 'payment.reserved'
  | 'payment.processor-answered'
  | 'payment.outcome-recorded'
  | 'payment.settled';

@Injectable()
export class StepProbe {
  reached(_step: ProcessStep): Promise<void> {
    return Promise.resolve();
  }
}

/** Thrown by a test probe to stand for the process dying at a step. */
export class SimulatedCrash extends Error {
  constructor(readonly step: ProcessStep) {
    super(`simulated crash after ${step}`);
  }
}

/** A probe that crashes once, at the given step. */
export class CrashOnceAt extends StepProbe {
  private crashed = false;

  constructor(private readonly step: ProcessStep) {
    super();
  }

  override reached(step: ProcessStep): Promise<void> {
    if (step !== this.step || this.crashed) return Promise.resolve();
    this.crashed = true;
    return Promise.reject(new SimulatedCrash(step));
  }
}
