/**
 * Sends customer pages: the shared headers, the status, friendly pages for anything that goes
 * wrong, and logs that never carry the customer's token (it is a bearer secret: whoever holds
 * the URL can pay with it or read what is owed).
 */
import { Injectable, Logger } from '@nestjs/common';
import type { OnModuleInit } from '@nestjs/common';
import type { Response } from 'express';

import type { CardEntryMode } from './card-entry-mode.js';
import type { Notice } from './notice-page.render.js';
import { notices } from './notice-page.render.js';
import type { PageAssets } from './page-assets.js';
import { pageHeaders, renderPage } from './page-layout.js';
import type { PageContent } from './page-layout.js';

/** Longer than any token we issue; anything longer is not looked up at all. */
const MAX_TOKEN_LENGTH = 1024;

export class PageSettings {
  constructor(
    readonly mode: CardEntryMode,
    readonly assets: PageAssets,
  ) {}
}

@Injectable()
export class PageResponder implements OnModuleInit {
  private readonly logger = new Logger('CustomerPages');

  constructor(private readonly settings: PageSettings) {}

  onModuleInit(): void {
    if (!this.cardEntryAvailable) {
      this.logger.warn(`STRIPE_PUBLISHABLE_KEY is not set: the pay and add-card pages cannot take cards until it is`);
    }
  }

  get mode(): CardEntryMode {
    return this.settings.mode;
  }

  get assets(): PageAssets {
    return this.settings.assets;
  }

  /** Card entry needs Stripe's publishable key when Stripe is the processor. */
  get cardEntryAvailable(): boolean {
    return this.mode.kind === 'sandbox' || this.mode.publishableKey !== undefined;
  }

  send(res: Response, status: number, content: PageContent): void {
    const page = renderPage({ ...content, testMode: this.mode.kind === 'sandbox' }, this.assets);
    res
      .status(status)
      .set(pageHeaders(content.stripe === true))
      .send(page);
  }

  notice(res: Response, notice: Notice): void {
    this.send(res, notice.status, notice.content);
  }

  /** 303, so a reload of the next page never submits the form again. */
  redirect(res: Response, location: string): void {
    res.status(303).set({ 'Cache-Control': 'no-store', 'Referrer-Policy': 'no-referrer', Location: location }).end();
  }

  /**
   * Runs a page handler; a token that cannot be ours gets the unknown-link page without a
   * lookup, and an unexpected failure gets the friendly error page and a log line with the
   * token scrubbed out of the message and stack.
   */
  async guard(res: Response, route: string, token: string, work: () => Promise<void>): Promise<void> {
    if (typeof token !== 'string' || token.length === 0 || token.length > MAX_TOKEN_LENGTH) {
      this.notice(res, notices.unknownLink());
      return;
    }
    try {
      await work();
    } catch (error) {
      this.logger.error(`${route} failed: ${scrub(describe(error), token)}`, scrub(stackOf(error), token));
      if (!res.headersSent) this.notice(res, notices.failure());
    }
  }
}

function describe(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return 'a non-error value was thrown';
}

function stackOf(error: unknown): string {
  return error instanceof Error && error.stack !== undefined ? error.stack : '';
}

/** Removes the token, and each of its dot-separated parts, wherever they appear. */
export function scrub(text: string, token: string): string {
  const secrets = [token, ...token.split('.')].filter((part) => part.length >= 8);
  return secrets.reduce((out, secret) => out.split(secret).join('[token]'), text);
}
