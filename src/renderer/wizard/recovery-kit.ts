/**
 * The Recovery Kit: one printable page with everything needed to get the backups back on a new
 * computer (where they are, the password, the steps). Built as a standalone HTML document so it can
 * be printed from a new window or downloaded as a file. Pure except for the two small DOM helpers.
 */

export interface RecoveryKitText {
  lang: string;
  title: string;
  intro: string;
  locationLabel: string;
  passwordLabel: string;
  repositoryIdLabel: string;
  createdLabel: string;
  stepsTitle: string;
  steps: string[];
  warning: string;
}

export interface RecoveryKitData {
  location: string;
  password: string;
  repositoryId: string | null;
  created: string;
}

const escapes: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => escapes[c]!);
}

export function recoveryKitHtml(text: RecoveryKitText, data: RecoveryKitData): string {
  const e = escapeHtml;
  const row = (label: string, value: string, cls = '') =>
    `<tr><th>${e(label)}</th><td class="${cls}">${e(value)}</td></tr>`;
  return `<!doctype html>
<html lang="${e(text.lang)}">
<head>
<meta charset="utf-8">
<title>${e(text.title)}</title>
<style>
  body { font: 15px/1.5 system-ui, sans-serif; color: #111; max-width: 720px; margin: 32px auto; padding: 0 24px; }
  h1 { font-size: 24px; margin: 0 0 8px; }
  table { border-collapse: collapse; width: 100%; margin: 20px 0; }
  th, td { text-align: left; vertical-align: top; padding: 10px 12px; border: 1px solid #bbb; }
  th { width: 30%; background: #f3f3f3; font-weight: 600; }
  .secret { font: 20px/1.4 ui-monospace, Menlo, Consolas, monospace; letter-spacing: 0.04em; word-break: break-all; }
  .mono { font-family: ui-monospace, Menlo, Consolas, monospace; word-break: break-all; }
  .warning { border: 2px solid #c92a2a; padding: 12px 16px; border-radius: 6px; }
  @media print { body { margin: 0 auto; } }
</style>
</head>
<body>
<h1>${e(text.title)}</h1>
<p>${e(text.intro)}</p>
<table>
${row(text.locationLabel, data.location, 'mono')}
${row(text.passwordLabel, data.password, 'secret')}
${data.repositoryId ? row(text.repositoryIdLabel, data.repositoryId, 'mono') : ''}
${row(text.createdLabel, data.created)}
</table>
<h2>${e(text.stepsTitle)}</h2>
<ol>
${text.steps.map((s) => `<li>${e(s)}</li>`).join('\n')}
</ol>
<p class="warning">${e(text.warning)}</p>
</body>
</html>
`;
}

/** Saves the kit as an .html file through the browser's download. */
export function downloadKit(html: string, fileName: string): void {
  const url = URL.createObjectURL(new Blob([html], { type: 'text/html;charset=utf-8' }));
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/**
 * Prints the kit from a hidden frame of this page: works in the desktop app (which opens no pop-up
 * windows) and in a browser alike. False when the frame could not be used.
 */
export function printKit(html: string): boolean {
  const frame = document.createElement('iframe');
  frame.setAttribute('aria-hidden', 'true');
  frame.tabIndex = -1;
  frame.className = 'lifeboat-print-frame';
  Object.assign(frame.style, {
    position: 'fixed',
    width: '0',
    height: '0',
    border: '0',
    left: '-10px',
    top: '0',
  });
  document.querySelector('iframe.lifeboat-print-frame')?.remove();
  frame.srcdoc = html;
  document.body.append(frame);
  const win = frame.contentWindow;
  if (!win) {
    frame.remove();
    return false;
  }
  frame.addEventListener('load', () => {
    win.focus();
    win.print();
  });
  return true;
}
