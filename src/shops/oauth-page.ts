/** The small page the seller's browser lands on after authorising (or failing to authorise) CreatorFlow. */
export function oauthResultPage(input: { title: string; lines: readonly string[]; ok: boolean }): string {
  const items = input.lines.map((line) => `<li>${escapeHtml(line)}</li>`).join('\n      ');
  return `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>${escapeHtml(input.title)} · CreatorFlow</title>
    <style>
      body { font: 16px/1.5 system-ui, sans-serif; max-width: 40rem; margin: 3rem auto; padding: 0 1rem; color: #1d1d1f; }
      h1 { font-size: 1.4rem; color: ${input.ok ? '#137333' : '#b3261e'}; }
    </style>
  </head>
  <body>
    <h1>${escapeHtml(input.title)}</h1>
    <ul>
      ${items}
    </ul>
  </body>
</html>
`;
}

/** Text safe to place in HTML. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
