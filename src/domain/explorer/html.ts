/**
 * HTML that escapes by default: every value interpolated into an `html` template is escaped
 * unless it is already `Html` (the result of another `html` template, or of `raw` for text we
 * wrote ourselves). Nothing a caller, a DID document or a ledger entry carries can open a tag.
 */
export class Html {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text;
  }
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;', '`': '&#96;' };

/** Text made safe for element content and for quoted attribute values. */
export function escapeHtml(value: unknown): string {
  return String(value).replace(/[&<>"'`]/g, (c) => ESCAPES[c]!);
}

type Interpolated = Html | string | number | boolean | null | undefined | readonly Interpolated[];

function render(value: Interpolated): string {
  if (value === null || value === undefined || value === false) return '';
  if (value instanceof Html) return value.text;
  if (Array.isArray(value)) return (value as readonly Interpolated[]).map(render).join('');
  return escapeHtml(value);
}

/** The tagged template: `html\`<p>${untrusted}</p>\``. Arrays are joined; null, undefined and false render nothing. */
export function html(strings: TemplateStringsArray, ...values: Interpolated[]): Html {
  let out = strings[0]!;
  for (let i = 0; i < values.length; i++) out += render(values[i]!) + strings[i + 1]!;
  return new Html(out);
}

/** Markup we wrote ourselves (never input): the one way around escaping. */
export const raw = (markup: string): Html => new Html(markup);

/** A path segment or query value for an href: percent-encoded, then escaped by the template. */
export const segment = (value: string | number): string => encodeURIComponent(String(value));
