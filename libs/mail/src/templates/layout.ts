/**
 * The frame every e-mail shares: a small, accessible HTML document (language, title, one
 * heading, real tables with captions and header cells, a link that reads well out of context)
 * and its plain-text twin. Styles are inline because most mail clients drop style sheets.
 */
import { escapeHtml, formatMoney, formatServiceDate } from './format.js';
import type { TemplateMoney } from './format.js';

export interface RenderedEmail {
  readonly subject: string;
  readonly html: string;
  readonly text: string;
}

export interface BookingLine {
  readonly description: string;
  /** A calendar day or an instant, as the booking records it. */
  readonly serviceDate: string;
  /** What this e-mail is about for the booking: the share paid or asked for. */
  readonly amount: TemplateMoney;
}

export interface Presentation {
  readonly timeZone: string;
  readonly locale?: string;
}

/** Text that has already been escaped; everything else is escaped on the way in. */
export type Html = { readonly html: string };

export function html(markup: string): Html {
  return { html: markup };
}

export function paragraph(text: string): Html {
  return html(`<p style="margin:0 0 16px">${escapeHtml(text)}</p>`);
}

export function document(title: string, heading: string, parts: readonly Html[]): string {
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(title)}</title></head>`,
    '<body style="margin:0;padding:24px;background:#f4f4f5;color:#18181b;font-family:Arial,Helvetica,sans-serif;font-size:16px;line-height:1.5">',
    '<main style="max-width:560px;margin:0 auto;padding:24px;background:#ffffff;border-radius:8px">',
    `<h1 style="margin:0 0 16px;font-size:22px">${escapeHtml(heading)}</h1>`,
    ...parts.map((part) => part.html),
    '</main>',
    '</body>',
    '</html>',
  ].join('\n');
}

/** A link styled as a button: links work in every client, and its text says where it goes. */
export function button(href: string, label: string): Html {
  const style = 'display:inline-block;padding:12px 24px;background:#1d4ed8;color:#ffffff;text-decoration:none;font-weight:bold;border-radius:6px';
  return html(
    `<p style="margin:24px 0"><a href="${escapeHtml(href)}" style="${style}">${escapeHtml(label)}</a></p>` +
      `<p style="margin:0 0 16px;font-size:14px;color:#52525b">If the button does not work, copy this address into your browser:<br>` +
      `<a href="${escapeHtml(href)}" style="color:#1d4ed8;word-break:break-all">${escapeHtml(href)}</a></p>`,
  );
}

export function bookingTable(caption: string, lines: readonly BookingLine[], total: TemplateMoney, view: Presentation): Html {
  const cell = 'padding:8px;border-bottom:1px solid #e4e4e7;text-align:left';
  const amountCell = 'padding:8px;border-bottom:1px solid #e4e4e7;text-align:right';
  const rows = lines.map(
    (line) =>
      `<tr><td style="${cell}">${escapeHtml(line.description)}</td>` +
      `<td style="${cell}">${escapeHtml(formatServiceDate(line.serviceDate, view.timeZone, view.locale))}</td>` +
      `<td style="${amountCell}">${escapeHtml(formatMoney(line.amount, view.locale))}</td></tr>`,
  );
  return html(
    [
      '<table style="width:100%;border-collapse:collapse;margin:0 0 16px">',
      `<caption style="text-align:left;font-weight:bold;padding:0 0 8px">${escapeHtml(caption)}</caption>`,
      `<thead><tr><th scope="col" style="${cell}">Service</th><th scope="col" style="${cell}">Date</th><th scope="col" style="${amountCell}">Amount</th></tr></thead>`,
      `<tbody>${rows.join('')}</tbody>`,
      `<tfoot><tr><th scope="row" colspan="2" style="${cell}">Total</th><td style="${amountCell};font-weight:bold">${escapeHtml(formatMoney(total, view.locale))}</td></tr></tfoot>`,
      '</table>',
    ].join(''),
  );
}

export function bookingLinesText(lines: readonly BookingLine[], total: TemplateMoney, view: Presentation): string[] {
  return [
    ...lines.map(
      (line) => `- ${line.description} (${formatServiceDate(line.serviceDate, view.timeZone, view.locale)}): ${formatMoney(line.amount, view.locale)}`,
    ),
    `Total: ${formatMoney(total, view.locale)}`,
  ];
}

export function textDocument(lines: readonly (string | undefined)[]): string {
  return `${lines.filter((line): line is string => line !== undefined).join('\n')}\n`;
}
