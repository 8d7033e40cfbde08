/**
 * The mailer as a global Nest module: `Mailer` for whoever delivers e-mail, and `MailSettings`
 * (sender and public URL) for whoever writes links into them. Closed on shutdown so an SMTP
 * connection does not hold the process open.
 */
import { Global, Inject, Module } from '@nestjs/common';
import type { DynamicModule, OnApplicationShutdown } from '@nestjs/common';
import type { Configuration } from '@ledger/config';
import { Mailer } from './mail.port.js';
import { createMailer } from './mailer.factory.js';

/** What e-mail content needs from the configuration. */
export abstract class MailSettings {
  /** The sender of every e-mail. */
  abstract readonly from: string;
  /** Where customers' links point, without a trailing slash. */
  abstract readonly publicUrl: string;
}

export function mailSettingsOf(config: Pick<Configuration, 'mail' | 'publicUrl'>): MailSettings {
  return { from: config.mail.from, publicUrl: config.publicUrl.replace(/\/+$/, '') };
}

@Global()
@Module({})
export class MailModule implements OnApplicationShutdown {
  constructor(@Inject(Mailer) private readonly mailer: Mailer) {}

  static forRoot(config: Pick<Configuration, 'mail' | 'publicUrl'>): DynamicModule {
    return {
      module: MailModule,
      providers: [
        { provide: Mailer, useFactory: () => createMailer(config) },
        { provide: MailSettings, useValue: mailSettingsOf(config) },
      ],
      exports: [Mailer, MailSettings],
    };
  }

  async onApplicationShutdown(): Promise<void> {
    await this.mailer.close();
  }
}
