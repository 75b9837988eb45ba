/** A tiny element builder: text always goes in as text nodes, never as HTML, so data cannot inject markup. */
export type Child = Node | string | number | null | undefined | false | Child[];
type Attrs = Record<string, string | number | boolean | null | undefined | ((e: Event) => void)>;

const SVG = 'http://www.w3.org/2000/svg';

function build<E extends Element>(el: E, attrs: Attrs, children: Child[]): E {
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (typeof v === 'function') el.addEventListener(k.slice(2), v);
    // Through the CSSOM: the page's CSP refuses style attributes.
    else if (k === 'style') (el as unknown as ElementCSSInlineStyle).style.cssText = String(v);
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of (children as unknown[]).flat(Infinity) as Child[])
    if (c !== null && c !== undefined && c !== false) el.append(typeof c === 'object' ? (c as Node) : String(c));
  return el;
}

export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Attrs = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  return build(document.createElement(tag), attrs, children);
}

export function svg<K extends keyof SVGElementTagNameMap>(tag: K, attrs: Attrs = {}, ...children: Child[]): SVGElementTagNameMap[K] {
  return build(document.createElementNS(SVG, tag) as SVGElementTagNameMap[K], attrs, children);
}

/** Says something to screen readers (the polite live region). */
export function announce(text: string): void {
  const status = document.getElementById('status')!;
  status.textContent = '';
  setTimeout(() => (status.textContent = text), 50);
}

/** A table whose rows scroll sideways on a narrow screen instead of squeezing. */
export function table(caption: string, headers: string[], rows: HTMLTableRowElement[], attrs: Attrs = {}): HTMLElement {
  return h(
    'div',
    { class: 'scroll' },
    h(
      'table',
      attrs,
      h('caption', {}, caption),
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          headers.map((c) => h('th', { scope: 'col' }, c)),
        ),
      ),
      h('tbody', {}, rows),
    ),
  );
}
