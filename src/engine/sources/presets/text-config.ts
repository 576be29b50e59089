/** Readers for the simple text configs CRMs use: dotenv files (.env, .env.local) and INI (odoo.conf). */

/**
 * KEY=VALUE lines, with `export `, quotes ('…' literal, "…" with \n escapes), `# comments`, and
 * ${VAR} / $VAR expansion from earlier keys (Symfony and docker compose do the same).
 */
export function parseEnvFile(text: string, base: Record<string, string> = {}): Record<string, string> {
  const out: Record<string, string> = { ...base };
  const expand = (v: string) =>
    v.replace(
      /\$\{(\w+)(?::?-([^}]*))?\}|\$(\w+)/g,
      (_m, a: string | undefined, def: string | undefined, b: string | undefined) => {
        const key = (a ?? b)!;
        const val = out[key];
        return val !== undefined && val !== '' ? val : (def ?? '');
      },
    );
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const m = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_.]*)\s*=\s*(.*)$/.exec(line);
    if (!m) continue;
    const key = m[1]!;
    let value = m[2]!;
    if (value.startsWith("'")) {
      const end = value.indexOf("'", 1);
      value = end < 0 ? value.slice(1) : value.slice(1, end);
    } else if (value.startsWith('"')) {
      let i = 1;
      let s = '';
      while (i < value.length && value[i] !== '"') {
        if (value[i] === '\\' && i + 1 < value.length) {
          const n = value[i + 1]!;
          s += n === 'n' ? '\n' : n === 't' ? '\t' : n;
          i += 2;
        } else s += value[i++];
      }
      value = expand(s);
    } else {
      value = expand(value.replace(/\s+#.*$/, '').trim());
    }
    out[key] = value;
  }
  return out;
}

/** INI sections → key/value maps; keys before any section go to ''. `key = value` or `key: value`. */
export function parseIniFile(text: string): Record<string, Record<string, string>> {
  const out: Record<string, Record<string, string>> = { '': {} };
  let section = out[''];
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line || line.startsWith(';') || line.startsWith('#')) continue;
    const head = /^\[([^\]]+)\]$/.exec(line);
    if (head) {
      const name = head[1]!.trim();
      section = out[name] ??= {};
      continue;
    }
    const m = /^([^=:]+?)\s*[=:]\s*(.*)$/.exec(line);
    if (m && section) section[m[1]!.trim()] = m[2]!.trim();
  }
  return out;
}

/** Odoo writes `False`/`None` for unset options. */
export function iniOption(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const v = value.trim();
  return v === '' || /^(false|none)$/i.test(v) ? undefined : v;
}
