/**
 * The customer pages: the pay page and the add-card page, with their confirmations and static
 * files. Server-rendered HTML with a small script each, no framework; card entry by the sandbox
 * test-card form or Stripe's Payment Element, chosen by the configuration.
 */
import { Module } from '@nestjs/common';
import type { DynamicModule } from '@nestjs/common';
import { CardRequestPages, PaymentLinkPages } from '@ledger/application';
import type { Configuration } from '@ledger/config';
import { cardEntryModeFor } from './card-entry-mode.js';
import { CardRequestPageController } from './card-request-page.controller.js';
import { PageAssets } from './page-assets.js';
import { PageAssetsController } from './page-assets.controller.js';
import { PageResponder, PageSettings } from './page-responder.js';
import { PaymentLinkPageController } from './payment-link-page.controller.js';

@Module({})
export class PagesModule {
  static forRoot(config: Configuration): DynamicModule {
    const settings = new PageSettings(cardEntryModeFor(config), new PageAssets());
    return {
      module: PagesModule,
      controllers: [PaymentLinkPageController, CardRequestPageController, PageAssetsController],
      providers: [{ provide: PageSettings, useValue: settings }, PageResponder, PaymentLinkPages, CardRequestPages],
    };
  }
}
