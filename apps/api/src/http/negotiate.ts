import { TagHistoryError } from '@tag-history/domain';

interface Range {
  type: string;
  subtype: string;
  q: number;
}

/**
 * The offered media type the client prefers (RFC 9110 §12.5.1): each offer
 * takes the quality of the most specific range that matches it (exact, then
 * `type/*`, then `*\/*`); the highest quality wins, ties go to the first offer.
 * No header means anything. Nothing acceptable is a 406 listing the offers.
 */
export function negotiate(accept: string | string[] | undefined, offered: readonly string[]): string {
  const header = Array.isArray(accept) ? accept.join(',') : accept;
  if (header === undefined || header.trim() === '') return offered[0]!;
  const ranges = header.split(',').flatMap(parseRange);
  let best: { type: string; q: number } | undefined;
  for (const offer of offered) {
    const q = quality(offer, ranges);
    if (q > 0 && (!best || q > best.q)) best = { type: offer, q };
  }
  if (!best) {
    throw new TagHistoryError('NOT_ACCEPTABLE', `none of the media types in Accept is offered here; offered: ${offered.join(', ')}`, {
      accept: header,
      offered,
    });
  }
  return best.type;
}

function quality(offer: string, ranges: Range[]): number {
  const [type, subtype] = offer.split('/');
  const specificity = (r: Range) =>
    r.type === type && r.subtype === subtype ? 2 : r.type === type && r.subtype === '*' ? 1 : r.type === '*' && r.subtype === '*' ? 0 : -1;
  let match: Range | undefined;
  for (const r of ranges) if (specificity(r) >= 0 && (!match || specificity(r) > specificity(match))) match = r;
  return match?.q ?? 0;
}

// `type/subtype;param=value;q=0.5`; a range that does not parse matches nothing.
function parseRange(text: string): Range[] {
  const [mediaRange, ...params] = text.split(';').map((p) => p.trim());
  const match = /^([!#$%&'*+.^_`|~0-9a-z-]+)\/([!#$%&'*+.^_`|~0-9a-z-]+)$/i.exec(mediaRange ?? '');
  if (!match || (match[1] === '*' && match[2] !== '*')) return [];
  let q = 1;
  for (const param of params) {
    const [name, value] = param.split('=').map((s) => s.trim());
    if (name?.toLowerCase() === 'q') q = /^(0(\.\d{0,3})?|1(\.0{0,3})?)$/.test(value ?? '') ? Number(value) : 0;
  }
  return [{ type: match[1]!.toLowerCase(), subtype: match[2]!.toLowerCase(), q }];
}
