/**
 * The customer's pay page: `GET /pay/:token` shows what is owed and the card form, `POST` pays
 * through `PayPaymentLinkCommand`, `GET /pay/:token/done` confirms. The token is the only key,
 * so every answer is one of: the page, a redirect, or a friendly page with the right status.
 */
import { Body, Controller, Get, Param, Post, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import type { Response } from 'express';
import { PayPaymentLinkCommand, PaymentLinkPages, isRejection } from '@ledger/application';
import type { PaymentLinkPage, Rejection } from '@ledger/application';
import { readCardForm } from './card-form.js';
import type { Notice } from './notice-page.render.js';
import { notices } from './notice-page.render.js';
import { PageResponder } from './page-responder.js';
import { paidPage, payPage, processingPage } from './pay-page.render.js';
import { rejectionAnswer } from './rejection-answers.js';

const payUrl = (token: string): string => `/pay/${encodeURIComponent(token)}`;
const doneUrl = (token: string): string => `${payUrl(token)}/done`;

@Controller('pay')
export class PaymentLinkPageController {
  constructor(
    private readonly pages: PaymentLinkPages,
    private readonly commands: CommandBus,
    private readonly responder: PageResponder,
  ) {}

  @Get(':token')
  show(@Param('token') token: string, @Res() res: Response): Promise<void> {
    return this.responder.guard(res, 'GET /pay/:token', token, async () => {
      const page = await this.pages.find(token);
      if (page?.state === 'PAYABLE') return this.sendForm(res, page, 200);
      if (page?.state === 'PROCESSING') return this.responder.redirect(res, doneUrl(token));
      this.responder.notice(res, closedNotice(page, token));
    });
  }

  @Post(':token')
  pay(@Param('token') token: string, @Body() body: unknown, @Res() res: Response): Promise<void> {
    return this.responder.guard(res, 'POST /pay/:token', token, async () => {
      // Refused before anything else is looked at: a card number is never handled here.
      const form = readCardForm(body);
      if (!form.ok && form.reason === 'CARD_NUMBER_SENT') return this.responder.notice(res, notices.cardNumberSent());
      const page = await this.pages.find(token);
      if (page?.state === 'PROCESSING') return this.responder.redirect(res, doneUrl(token));
      if (page?.state !== 'PAYABLE') return this.responder.notice(res, closedNotice(page, token));
      if (!form.ok) return this.sendForm(res, page, 400, { error: 'Please enter your card details.' });
      const saveCard = form.saveCard;
      try {
        await this.commands.execute(new PayPaymentLinkCommand({ token, paymentMethodToken: form.paymentMethodToken, saveCard }));
      } catch (error) {
        if (!isRejection(error)) throw error;
        return this.answerRejection(res, token, page, error, saveCard);
      }
      // Also when the outcome is still open: the confirmation page waits for it.
      this.responder.redirect(res, doneUrl(token));
    });
  }

  @Get(':token/done')
  done(@Param('token') token: string, @Res() res: Response): Promise<void> {
    return this.responder.guard(res, 'GET /pay/:token/done', token, async () => {
      const page = await this.pages.find(token);
      if (page?.state === 'PAID') return this.responder.send(res, 200, paidPage(page));
      if (page?.state === 'PROCESSING') return this.responder.send(res, 202, processingPage(page));
      if (page?.state === 'PAYABLE') return this.responder.redirect(res, payUrl(token));
      this.responder.notice(res, closedNotice(page, token));
    });
  }

  private sendForm(res: Response, page: PaymentLinkPage, status: number, state: { error?: string; saveCard?: boolean } = {}): void {
    if (!page.business.acceptsCards || !this.responder.cardEntryAvailable) {
      return this.responder.notice(res, notices.cardsUnavailable(page.business.name));
    }
    this.responder.send(res, status, payPage(page, this.responder.mode, this.responder.assets, state));
  }

  private async answerRejection(res: Response, token: string, page: PaymentLinkPage, error: Rejection, saveCard: boolean): Promise<void> {
    const answer = rejectionAnswer(error);
    if (answer.kind === 'retry') return this.sendForm(res, page, answer.status, { error: answer.message, saveCard });
    if (answer.kind === 'notice') return this.responder.notice(res, answer.notice(page.business.name));
    // The link changed under the request (paid in another tab, being paid, expired): show where it stands now.
    const now = await this.pages.find(token);
    if (now?.state === 'PAID' || now?.state === 'PROCESSING') return this.responder.redirect(res, doneUrl(token));
    this.responder.notice(res, now?.state === 'PAYABLE' ? notices.failure() : closedNotice(now, token));
  }
}

/** The page for a link that cannot take a payment now. */
function closedNotice(page: PaymentLinkPage | undefined, token: string): Notice {
  if (page === undefined) return notices.unknownLink();
  const name = page.business.name;
  switch (page.state) {
    case 'PAID':
      return notices.alreadyPaid(name, doneUrl(token));
    case 'EXPIRED':
      return notices.expired(name, 'payment');
    case 'CANCELLED':
      return notices.cancelled(name);
    case 'OUTDATED':
      return notices.outdated(name);
    case 'PAYABLE':
    case 'PROCESSING':
      return notices.failure();
    default: {
      const _exhaustive: never = page.state;
      return _exhaustive;
    }
  }
}
