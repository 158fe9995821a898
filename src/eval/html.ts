/** The few HTML pieces the self-contained report pages share. */
export function escapeHtml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

export function htmlTable(header: readonly string[], body: readonly (readonly (string | number)[])[]): string {
  const row = (cells: readonly (string | number)[], tag: string) => `<tr>${cells.map((c) => `<${tag}>${escapeHtml(String(c))}</${tag}>`).join("")}</tr>`;
  return `<table>${row(header, "th")}${body.map((r) => row(r, "td")).join("")}</table>`;
}

export function htmlList(items: readonly string[], className = ""): string {
  return items.length ? `<ul${className ? ` class="${className}"` : ""}>${items.map((i) => `<li>${escapeHtml(i)}</li>`).join("")}</ul>` : "";
}

export function htmlPage(title: string, body: string): string {
  return `<!doctype html><html><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<style>body{font-family:system-ui,sans-serif;margin:2em;max-width:1000px}table{border-collapse:collapse;margin:0.5em 0}td,th{border:1px solid #ccc;padding:4px 8px;text-align:right}td:first-child,th:first-child{text-align:left}.warn li{color:#8a4b00}</style></head>
<body><h1>${escapeHtml(title)}</h1>${body}</body></html>
`;
}
