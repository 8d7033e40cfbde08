// Goal: text people write for others to read (names, descriptions, notes, reasons) cannot carry
// characters that hide or disguise it, and report days are real calendar days.
// Method: call the shared validators with representative and hostile values; every refusal is a
// VALIDATION_FAILED naming the field.
import { DomainError } from './domain-error.js';
import { requireCalendarDay, requireEmail, requireWrittenText } from './validation.js';

function codeOf(run: () => unknown): string | undefined {
  try {
    run();
    return undefined;
  } catch (error) {
    return error instanceof DomainError ? `${error.code} ${String(error.details.field)}` : 'not a DomainError';
  }
}

describe('written text', () => {
  it('accepts ordinary text in any script, with line breaks where lines are allowed', () => {
    for (const text of ['Ada Lovelace', 'Zoë Ñúñez', '山田 太郎', 'שלום עולם', 'مرحبا', 'Deep clean 🧽']) {
      expect(requireWrittenText(text, 'name', 200)).toBe(text);
    }
    expect(requireWrittenText('Kitchen\nand\tbath', 'description', 1000, 'lines')).toBe('Kitchen\nand\tbath');
  });

  it.each([
    ['a NUL', 'Ada\u0000Lovelace'],
    ['an escape', 'Ada\u001b[31m'],
    ['a right-to-left override', 'Invoice \u202e4321'],
    ['a left-to-right isolate', 'Pay \u2066here\u2069'],
    ['a C1 control', 'Ada\u0085'],
    ['a lone high surrogate', 'Ada\ud800'],
    ['a lone low surrogate', '\udc00Ada'],
  ])('refuses %s', (_what, text) => {
    expect(codeOf(() => requireWrittenText(text, 'name', 200))).toBe('VALIDATION_FAILED name');
  });

  it('keeps one-line fields on one line', () => {
    for (const text of ['Ada\nLovelace', 'Ada\rLovelace', 'Ada\u2028Lovelace']) expect(codeOf(() => requireWrittenText(text, 'name', 200))).toBe('VALIDATION_FAILED name');
  });

  it('refuses e-mail addresses with hidden characters', () => {
    expect(codeOf(() => requireEmail('ada\u0000@example.com'))).toBe('VALIDATION_FAILED email');
    expect(codeOf(() => requireEmail('ada@exa\u202emple.com'))).toBe('VALIDATION_FAILED email');
  });
});

describe('calendar days', () => {
  it('accepts real days, leap days included', () => {
    for (const day of ['2026-02-28', '2024-02-29', '2000-02-29', '2026-12-31']) expect(requireCalendarDay(day, 'asOf')).toBe(day);
  });

  it('refuses days that do not exist instead of rolling them over', () => {
    for (const day of ['2026-02-30', '2026-02-29', '1900-02-29', '2026-13-01', '2026-04-31', '2026-00-10', '2026-1-1', '2026-01-01T00:00Z']) {
      expect([day, codeOf(() => requireCalendarDay(day, 'asOf'))]).toEqual([day, 'VALIDATION_FAILED asOf']);
    }
  });
});
