// The report's message catalogue in the browser: keys are the English format strings of
// package report (gettext style), served as i18n/LANG.json from Go, formatted here the way
// report.locale.sprintf formats them (numbers in the language's style, a true minus sign,
// plural forms picked by CLDR category in the order the catalogue lists them).

export const languages = ['en', 'pl', 'ro', 'lv'];

export class I18n {
  constructor(lang, messages, plural) {
    this.lang = lang;
    this.messages = messages || {};
    this.plural = plural || ['one', 'other'];
    this.rules = new Intl.PluralRules(lang);
    this.quotes = lang === 'en' || lang === 'lv' ? ['“', '”'] : ['„', '”'];
    this.nf = new Map();
  }

  static async load(lang) {
    if (!languages.includes(lang)) lang = 'en';
    const r = await fetch(`i18n/${lang}.json`);
    if (!r.ok) throw new Error(`i18n/${lang}.json: ${r.status}`);
    const c = await r.json();
    return new I18n(c.lang, c.messages, c.plural);
  }

  // t translates key and formats args into it; a key the catalogue lacks is shown as it is.
  t(key, ...args) {
    let f = this.messages[key] ?? key;
    if (key.includes('|')) {
      const forms = f.split('|');
      const n = Math.abs(Number(args.find(a => typeof a === 'number')) || 0);
      const i = this.plural.indexOf(this.rules.select(n));
      f = forms[Math.min(i < 0 ? forms.length - 1 : i, forms.length - 1)];
    }
    return args.length ? this.sprintf(f, args) : f.replaceAll('%%', '%');
  }

  sprintf(f, args) {
    let next = 0;
    return f.replace(/%([+\- #0]*)(?:\[(\d+)\])?(\d*)(?:\.(\d+))?(?:\[(\d+)\])?([dfsqgv%])/g,
      (m, flags, i1, width, prec, i2, verb) => {
        if (verb === '%') return '%';
        const idx = i1 || i2;
        if (idx) next = Number(idx) - 1;
        const a = args[next++];
        switch (verb) {
          case 'd': return this.num(a, 0, flags.includes('+'));
          case 'f': case 'g': return this.num(a, prec === undefined ? 6 : Number(prec), flags.includes('+'));
          case 'q': return this.quotes[0] + String(a) + this.quotes[1];
          default: return a == null ? '' : String(a);
        }
      });
  }

  // num formats a number with dec decimals in the language's style ("–" when missing).
  num(v, dec = 0, sign = false) {
    if (v == null || typeof v !== 'number' || !isFinite(v)) return '–';
    const k = dec + (sign ? 's' : '');
    let f = this.nf.get(k);
    if (!f) {
      f = new Intl.NumberFormat(this.lang, { minimumFractionDigits: dec, maximumFractionDigits: dec, signDisplay: sign ? 'exceptZero' : 'auto' });
      this.nf.set(k, f);
    }
    return f.format(v).replace('-', '−');
  }

  pct(v, dec = 1) { return v == null || !isFinite(v) ? '–' : this.num(v * 100, dec) + '%'; }
  money(v, currency, dec = 0) { return this.num(v, dec) + (currency && v != null && isFinite(v) ? '\u00a0' + currency : ''); }
  date(s) {
    if (!s) return '–';
    const d = new Date(s);
    if (isNaN(d)) return String(s);
    // As the report writes dates: "30 Jun 2026" in English, "30.06.2026" (Latvian "30.06.2026.") in the others.
    const o = this.lang === 'en' ? { day: 'numeric', month: 'short', year: 'numeric' } : { year: 'numeric', month: '2-digit', day: '2-digit' };
    return new Intl.DateTimeFormat(this.lang === 'en' ? 'en-GB' : this.lang, { ...o, timeZone: 'UTC' }).format(d);
  }

  // apply translates the static labels of the page (elements with data-t).
  apply(root) {
    for (const el of root.querySelectorAll('[data-t]')) el.textContent = this.t(el.dataset.t);
    for (const el of root.querySelectorAll('[data-t-label]')) el.setAttribute('aria-label', this.t(el.dataset.tLabel));
  }
}
