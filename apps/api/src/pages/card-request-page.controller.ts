/**
 * The customer's add-card page: `GET /card/:token` shows the card form, `POST` saves the card
 * through `FulfillCardRequestCommand`, `GET /card/:token/done` confirms.
 */
import { Body, Controller, Get, Param, Post, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import type { Response } from 'express';
import { CardRequestPages, FulfillCardRequestCommand, isRejection } from '@ledger/application';
import type { CardRequestPage } from '@ledger/application';
import { addCardPage, cardSavedPage, describeCard } from './card-page.render.js';
import { readCardForm } from './card-form.js';
import type { Notice } from './notice-page.render.js';
import { notices } from './notice-page.render.js';
import { PageResponder } from './page-responder.js';
import { rejectionAnswer } from './rejection-answers.js';

const cardUrl = (token: string): string => `/card/${encodeURIComponent(token)}`;
const doneUrl = (token: string): string => `${cardUrl(token)}/done`;

@Controller('card')
export class CardRequestPageController {
  constructor(
    private readonly pages: CardRequestPages,
    private readonly commands: CommandBus,
    private readonly responder: PageResponder,
  ) {}

  @Get(':token')
  show(@Param('token') token: string, @Res() res: Response): Promise<void> {
    return this.responder.guard(res, 'GET /card/:token', token, async () => {
      const page = await this.pages.find(token);
      if (page?.state === 'OPEN') return this.sendForm(res, page, 200);
      this.responder.notice(res, closedNotice(page));
    });
  }

  @Post(':token')
  save(@Param('token') token: string, @Body() body: unknown, @Res() res: Response): Promise<void> {
    return this.responder.guard(res, 'POST /card/:token', token, async () => {
      const form = readCardForm(body);
      if (!form.ok && form.reason === 'CARD_NUMBER_SENT') return this.responder.notice(res, notices.cardNumberSent());
      const page = await this.pages.find(token);
      if (page?.state !== 'OPEN') return this.responder.notice(res, closedNotice(page));
      if (!form.ok) return this.sendForm(res, page, 400, 'Please enter your card details.');
      try {
        await this.commands.execute(new FulfillCardRequestCommand({ token, paymentMethodToken: form.paymentMethodToken }));
      } catch (error) {
        if (!isRejection(error)) throw error;
        const answer = rejectionAnswer(error, 'card');
        if (answer.kind === 'retry') return this.sendForm(res, page, answer.status, answer.message);
        if (answer.kind === 'notice') return this.responder.notice(res, answer.notice(page.business.name));
        // Used meanwhile (another tab, a double submit with another card): show where it stands.
        const now = await this.pages.find(token);
        if (now?.state === 'SAVED') return this.responder.redirect(res, doneUrl(token));
        return this.responder.notice(res, now?.state === 'OPEN' ? notices.failure() : closedNotice(now));
      }
      this.responder.redirect(res, doneUrl(token));
    });
  }

  @Get(':token/done')
  done(@Param('token') token: string, @Res() res: Response): Promise<void> {
    return this.responder.guard(res, 'GET /card/:token/done', token, async () => {
      const page = await this.pages.find(token);
      if (page?.state === 'SAVED') return this.responder.send(res, 200, cardSavedPage(page));
      if (page?.state === 'OPEN') return this.responder.redirect(res, cardUrl(token));
      this.responder.notice(res, closedNotice(page));
    });
  }

  private sendForm(res: Response, page: CardRequestPage, status: number, error?: string): void {
    if (!page.business.acceptsCards || !this.responder.cardEntryAvailable) {
      return this.responder.notice(res, notices.cardsUnavailable(page.business.name));
    }
    this.responder.send(res, status, addCardPage(page, this.responder.mode, this.responder.assets, error));
  }
}

function closedNotice(page: CardRequestPage | undefined): Notice {
  if (page === undefined) return notices.unknownLink();
  if (page.state === 'EXPIRED') return notices.expired(page.business.name, 'card');
  if (page.state === 'SAVED') return notices.cardAlreadySaved(page.business.name, page.card ? describeCard(page.card) : undefined);
  return notices.failure();
}
